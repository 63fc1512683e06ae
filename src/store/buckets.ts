import type { BucketRecord, MetadataStore } from './store.ts';

export async function findBucket(store: MetadataStore, name: string): Promise<BucketRecord | undefined> {
  const r = await store.db.selectFrom('buckets').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? { name: r.name, appid: r.appid, region: r.region, createdAt: Number(r.created_at) } : undefined;
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
  await store.db.deleteFrom('buckets').where('name', '=', name).execute();
}

export async function listBuckets(store: MetadataStore, appid: string): Promise<BucketRecord[]> {
  const rows = await store.db.selectFrom('buckets').selectAll().where('appid', '=', appid).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, appid: r.appid, region: r.region, createdAt: Number(r.created_at) }));
}
