import type { Kysely } from 'kysely';
import { EMPTY_NOTIFY_CONFIG, type NotifyConfig, type Queue } from '../domain/queues.ts';
import type { Database, QueuesTable } from './schema.ts';
import type { MetadataStore } from './store.ts';

/** Smart Audio enablement and queues (spec/buckets-queues.md). */
export interface AsrBucket {
  bucket: string;
  appid: string;
  region: string;
  queueId: string;
  createdAt: number;
}

const toQueue = (r: QueuesTable): Queue => ({
  id: r.id,
  bucket: r.bucket,
  name: r.name,
  state: r.state,
  maxSize: Number(r.max_size),
  maxConcurrent: Number(r.max_concurrent),
  notifyConfig: { ...EMPTY_NOTIFY_CONFIG, ...(JSON.parse(r.notify_config) as Partial<NotifyConfig>) },
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function findAsrBucket(db: Kysely<Database>, bucket: string): Promise<AsrBucket | undefined> {
  const r = await db.selectFrom('asr_buckets').selectAll().where('bucket', '=', bucket).executeTakeFirst();
  return r && { bucket: r.bucket, appid: r.appid, region: r.region, queueId: r.queue_id, createdAt: Number(r.created_at) };
}

/**
 * Enables Smart Audio: the enablement row and the bucket's queue in one
 * transaction. Returns undefined when it was already enabled.
 */
export async function enableAsrBucket(store: MetadataStore, b: AsrBucket, queue: Queue): Promise<AsrBucket | undefined> {
  return store.writeTx(async (tx) => {
    if (await findAsrBucket(tx, b.bucket)) return undefined;
    await tx.insertInto('asr_buckets').values({ bucket: b.bucket, appid: b.appid, region: b.region, queue_id: b.queueId, created_at: b.createdAt }).execute();
    await tx
      .insertInto('queues')
      .values({
        id: queue.id,
        bucket: queue.bucket,
        name: queue.name,
        state: queue.state,
        max_size: queue.maxSize,
        max_concurrent: queue.maxConcurrent,
        notify_config: JSON.stringify(queue.notifyConfig),
        created_at: queue.createdAt,
        updated_at: queue.updatedAt,
      })
      .execute();
    return b;
  });
}

/**
 * Disables Smart Audio (spec/buckets-queues.md §3 → Impl): removes the
 * enablement and the queue in one transaction; `beforeDelete` runs inside it
 * (the job module cancels queued jobs there). Templates are bucket resources
 * and stay. Returns false when it was not enabled.
 */
export async function disableAsrBucket(
  store: MetadataStore,
  bucket: string,
  beforeDelete: (tx: Kysely<Database>, queueId: string) => Promise<void> = async () => undefined,
): Promise<boolean> {
  return store.writeTx(async (tx) => {
    const existing = await findAsrBucket(tx, bucket);
    if (!existing) return false;
    await beforeDelete(tx, existing.queueId);
    await tx.deleteFrom('queues').where('bucket', '=', bucket).execute();
    await tx.deleteFrom('asr_buckets').where('bucket', '=', bucket).execute();
    return true;
  });
}

export interface AsrBucketFilter {
  appid: string;
  regions?: string[];
  bucketNames?: string[];
  bucketPrefix?: string;
}

export async function listAsrBuckets(store: MetadataStore, f: AsrBucketFilter): Promise<AsrBucket[]> {
  let q = store.db.selectFrom('asr_buckets').selectAll().where('appid', '=', f.appid);
  if (f.regions && f.regions.length > 0) q = q.where('region', 'in', f.regions);
  if (f.bucketNames && f.bucketNames.length > 0) q = q.where('bucket', 'in', f.bucketNames);
  const rows = await q.orderBy('created_at').orderBy('bucket').execute();
  return rows
    .filter((r) => !f.bucketPrefix || r.bucket.startsWith(f.bucketPrefix))
    .map((r) => ({ bucket: r.bucket, appid: r.appid, region: r.region, queueId: r.queue_id, createdAt: Number(r.created_at) }));
}

export async function findQueue(db: Kysely<Database>, id: string): Promise<Queue | undefined> {
  const r = await db.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toQueue(r) : undefined;
}

export async function queuesOfBucket(store: MetadataStore, bucket: string): Promise<Queue[]> {
  const rows = await store.db.selectFrom('queues').selectAll().where('bucket', '=', bucket).orderBy('created_at').orderBy('id').execute();
  return rows.map(toQueue);
}

/** Replaces name, state and NotifyConfig (wholesale, §5 → Impl). Returns the stored queue, or undefined if it is gone. */
export async function updateQueue(
  store: MetadataStore,
  id: string,
  bucket: string,
  change: { name: string; state: Queue['state']; notifyConfig: NotifyConfig },
  now: number,
): Promise<Queue | undefined> {
  return store.writeTx(async (tx) => {
    const res = await tx
      .updateTable('queues')
      .set({ name: change.name, state: change.state, notify_config: JSON.stringify(change.notifyConfig), updated_at: now })
      .where('id', '=', id)
      .where('bucket', '=', bucket)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return undefined;
    return findQueue(tx, id);
  });
}
