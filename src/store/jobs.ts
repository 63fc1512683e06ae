import { sql, type Kysely } from 'kysely';
import { ConflictError } from '../domain/errors.ts';
import type { Job, JobResult, JobSpec, JobState } from '../domain/jobs/types.ts';
import type { TemplateTag } from '../domain/templates/index.ts';
import type { Database, JobsTable } from './schema.ts';
import type { MetadataStore } from './store.ts';
import { JOB_INSERT_LOCK, JOB_SEQ_SEQUENCE } from './dialect.ts';

/**
 * Jobs as rows (issue #4 §4): submitted, claimed with a lease that the
 * running worker extends, finished exactly once (every state change is a
 * guarded UPDATE: `WHERE state = … AND locked_by = …`).
 */
export const jobFromRow = (r: JobsTable): Job => ({
  id: r.id,
  seq: Number(r.seq),
  bucket: r.bucket,
  appid: r.appid,
  region: r.region,
  queueId: r.queue_id,
  tag: r.tag as TemplateTag,
  state: r.state,
  jobLevel: Number(r.job_level),
  spec: JSON.parse(r.spec) as JobSpec,
  result: r.result ? (JSON.parse(r.result) as JobResult) : undefined,
  code: r.code,
  message: r.message,
  progress: r.progress === null ? undefined : Number(r.progress),
  attempts: Number(r.attempts),
  maxAttempts: Number(r.max_attempts),
  createdAt: Number(r.created_at),
  startedAt: r.started_at === null ? undefined : Number(r.started_at),
  endedAt: r.ended_at === null ? undefined : Number(r.ended_at),
});

export interface NewJob {
  id: string;
  bucket: string;
  appid: string;
  region: string;
  queueId: string;
  spec: JobSpec;
  maxAttempts: number;
  createdAt: number;
}

/**
 * Inserts a Submitted job unless the queue already holds `maxSize` waiting or
 * running jobs (spec/buckets-queues.md §7: QueueSaturated). `seq` orders jobs
 * by submission for FIFO dispatch and for `nextToken` paging.
 */
export async function insertJob(store: MetadataStore, j: NewJob, maxSize: number): Promise<Job> {
  return store.writeTx(async (tx) => {
    // Several API servers insert at once (capability `advisoryLocks`): one
    // lock orders the inserts, so `seq` order is commit order — a page read
    // with nextToken can never miss a job that committed after it with a
    // smaller seq — and two servers cannot both pass the MaxSize check.
    // SQLite's BEGIN IMMEDIATE already does both.
    if (store.capabilities.advisoryLocks) await sql`SELECT pg_advisory_xact_lock(${JOB_INSERT_LOCK})`.execute(tx);
    const { n } = await tx
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('queue_id', '=', j.queueId)
      .where('state', 'in', ['Submitted', 'Running'])
      .executeTakeFirstOrThrow();
    if (Number(n) >= maxSize) throw new ConflictError('QueueSaturated', `queue ${j.queueId} holds ${n} jobs; MaxSize is ${maxSize}`);
    const seq = store.capabilities.sequences
      ? Number((await sql<{ v: number }>`SELECT nextval(${JOB_SEQ_SEQUENCE}) AS v`.execute(tx)).rows[0]!.v)
      : Number((await tx.selectFrom('jobs').select(sql<number>`coalesce(max(seq), 0)`.as('m')).executeTakeFirstOrThrow()).m) + 1;
    const row: JobsTable = {
      id: j.id,
      seq,
      bucket: j.bucket,
      appid: j.appid,
      region: j.region,
      queue_id: j.queueId,
      tag: j.spec.tag,
      state: 'Submitted',
      job_level: j.spec.jobLevel,
      input_object: j.spec.input?.object ?? null,
      spec: JSON.stringify(j.spec),
      result: null,
      code: 'Success',
      message: '',
      progress: null,
      attempts: 0,
      max_attempts: j.maxAttempts,
      locked_by: null,
      locked_until: null,
      run_after: 0,
      created_at: j.createdAt,
      started_at: null,
      ended_at: null,
    };
    await tx.insertInto('jobs').values(row).execute();
    return jobFromRow(row);
  });
}

export async function findJobs(store: MetadataStore, bucket: string, ids: string[]): Promise<Job[]> {
  if (ids.length === 0) return [];
  const rows = await store.db.selectFrom('jobs').selectAll().where('bucket', '=', bucket).where('id', 'in', ids).execute();
  return rows.map(jobFromRow);
}

export async function findJob(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  const r = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? jobFromRow(r) : undefined;
}

export interface JobListFilter {
  bucket: string;
  queueId?: string;
  tags?: string[];
  states?: JobState[];
  inputObject?: string;
  createdAfter?: number;
  createdBefore?: number;
  order: 'Asc' | 'Desc';
  /** Exclusive `seq` cursor from the previous page. */
  afterSeq?: number;
  limit: number;
}

/** Keyset paging on `seq`: a job submitted while a client pages is never skipped or repeated. */
export async function listJobs(store: MetadataStore, f: JobListFilter): Promise<Job[]> {
  let q = store.db.selectFrom('jobs').selectAll().where('bucket', '=', f.bucket);
  if (f.queueId) q = q.where('queue_id', '=', f.queueId);
  if (f.tags && f.tags.length > 0) q = q.where('tag', 'in', f.tags);
  if (f.states && f.states.length > 0) q = q.where('state', 'in', f.states);
  if (f.inputObject !== undefined) q = q.where('input_object', '=', f.inputObject);
  if (f.createdAfter !== undefined) q = q.where('created_at', '>=', f.createdAfter);
  if (f.createdBefore !== undefined) q = q.where('created_at', '<=', f.createdBefore);
  if (f.afterSeq !== undefined) q = q.where('seq', f.order === 'Asc' ? '>' : '<', f.afterSeq);
  const rows = await q.orderBy('seq', f.order === 'Asc' ? 'asc' : 'desc').limit(f.limit).execute();
  return rows.map(jobFromRow);
}

/** `PUT /jobs/<id>?cancel`: only a Submitted job can be cancelled (spec/jobs.md §5). */
export async function cancelJob(store: MetadataStore, bucket: string, id: string, now: number): Promise<Job | undefined> {
  return store.writeTx(async (tx) => {
    const res = await tx
      .updateTable('jobs')
      .set({ state: 'Cancel', ended_at: now, code: 'Cancelled', message: 'The job was cancelled.' })
      .where('id', '=', id)
      .where('bucket', '=', bucket)
      .where('state', '=', 'Submitted')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return undefined;
    return findJob(tx, id);
  });
}

/** Cancels every waiting job of a queue (used inside the disable transaction, spec/buckets-queues.md §3 → Impl). */
export async function cancelQueuedJobs(tx: Kysely<Database>, queueId: string, now: number): Promise<void> {
  await tx
    .updateTable('jobs')
    .set({ state: 'Cancel', ended_at: now, code: 'Cancelled', message: 'Smart Audio was disabled on the bucket.' })
    .where('queue_id', '=', queueId)
    .where('state', '=', 'Submitted')
    .execute();
}
