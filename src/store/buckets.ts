import { HitCache } from './hit-cache.ts';
import type { BucketRecord, MetadataStore } from './store.ts';

/**
 * Every object request checks its bucket; existing buckets are cached for
 * BUCKET_CACHE_MS per store (a third of a signed HEAD's cost was database
 * access, bench/results/front-door.json). Only hits are cached, so a bucket
 * created by another process is seen at once; one deleted by another process
 * (only possible when empty) may be seen for up to BUCKET_CACHE_MS.
 */
const BUCKET_CACHE_MS = 1000;
const bucketCache = new HitCache<BucketRecord>(BUCKET_CACHE_MS);

export async function findBucket(store: MetadataStore, name: string): Promise<BucketRecord | undefined> {
  const now = Date.now();
  const hit = bucketCache.get(store, name, now);
  if (hit) return hit;
  const r = await store.db.selectFrom('buckets').selectAll().where('name', '=', name).executeTakeFirst();
  if (!r) {
    bucketCache.delete(store, name);
    return undefined;
  }
  const b = { name: r.name, appid: r.appid, region: r.region, createdAt: Number(r.created_at) };
  bucketCache.set(store, name, b, now);
  return b;
}

/** Inserts the bucket; returns false if a bucket of that name already exists. */
export async function insertBucket(store: MetadataStore, b: BucketRecord): Promise<boolean> {
  const res = await store.db
    .insertInto('buckets')
    .values({ name: b.name, appid: b.appid, region: b.region, created_at: b.createdAt })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function deleteBucket(store: MetadataStore, name: string): Promise<void> {
  bucketCache.delete(store, name);
  await store.db.deleteFrom('buckets').where('name', '=', name).execute();
}

export async function listBuckets(store: MetadataStore, appid: string): Promise<BucketRecord[]> {
  const rows = await store.db.selectFrom('buckets').selectAll().where('appid', '=', appid).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, appid: r.appid, region: r.region, createdAt: Number(r.created_at) }));
}
