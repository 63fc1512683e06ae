import { sql } from 'kysely';
import type { Job, JobResult } from '../domain/jobs/types.ts';
import { findJob, jobFromRow } from './jobs.ts';
import { findQueue } from './control-plane.ts';
import type { Queue } from '../domain/queues.ts';
import type { MetadataStore } from './store.ts';
import type { CallbacksTable, JobsTable } from './schema.ts';
import { CLAIM_FUNCTION } from './dialect.ts';

/**
 * The worker's side of the job table: claim with a lease, extend it, finish
 * once, and recover jobs whose worker died (graphile-worker's getJobs /
 * failJobs / resetLockedAt, pg-boss's failJobsByHeartbeat).
 */

/**
 * Claims the next runnable job: Submitted, its queue Active and under its
 * MaxConcurrent, highest JobLevel first, then FIFO (spec/buckets-queues.md §7).
 * Three steps: (1) find the queue of the best runnable job; (2) where several
 * workers claim at once (capability `rowLocks`), lock that queue's row and
 * recount its running jobs, so MaxConcurrent holds across every worker on
 * every host and claims of one queue take turns (strictly in priority and
 * FIFO order); (3) take that queue's best waiting job (`FOR UPDATE SKIP
 * LOCKED` where available, passing over a job being cancelled or recovered).
 * SQLite runs the steps inside `BEGIN IMMEDIATE`, which already excludes
 * every other writer. With `serverFunctions` the same steps run server-side
 * as one statement (migration 4).
 */
export async function claimNextJob(store: MetadataStore, workerId: string, leaseMs: number, now: number): Promise<Job | undefined> {
  const caps = store.capabilities;
  if (caps.serverFunctions) {
    const { rows } = await sql<JobsTable>`SELECT * FROM ${sql.raw(CLAIM_FUNCTION)}(${workerId}, ${leaseMs}, ${now})`.execute(store.db);
    return rows[0] ? jobFromRow(rows[0]) : undefined;
  }
  return store.writeTx(async (tx) => {
    const runnable = (qb: typeof tx) =>
      qb.selectFrom('jobs as j').where('j.state', '=', 'Submitted').where('j.run_after', '<=', now).orderBy('j.job_level', 'desc').orderBy('j.seq', 'asc').limit(1);
    // 1. Queues with a free slot (few rows: one per bucket), then the best runnable job's queue.
    const first = await runnable(tx)
      .select('j.queue_id')
      .where('j.queue_id', 'in', (eb) =>
        eb
          .selectFrom('queues as q')
          .select('q.id')
          .where('q.state', '=', 'Active')
          .where(
            (e) =>
              e
                .selectFrom('jobs as r')
                .select((c) => c.fn.countAll<number>().as('n'))
                .whereRef('r.queue_id', '=', 'q.id')
                .where('r.state', '=', 'Running'),
            '<',
            sql<number>`q.max_concurrent`,
          ),
      )
      .executeTakeFirst();
    if (!first) return undefined;
    const queueId = first.queue_id;
    // 2. Take turns per queue and recount under the lock.
    if (caps.rowLocks) {
      const queue = await tx.selectFrom('queues').select(['max_concurrent', 'state']).where('id', '=', queueId).forUpdate().executeTakeFirst();
      if (!queue || queue.state !== 'Active') return undefined;
      const { n } = await tx
        .selectFrom('jobs')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('queue_id', '=', queueId)
        .where('state', '=', 'Running')
        .executeTakeFirstOrThrow();
      if (Number(n) >= Number(queue.max_concurrent)) return undefined;
    }
    // 3. That queue's best waiting job.
    let pick = runnable(tx).select('j.id').where('j.queue_id', '=', queueId);
    if (caps.skipLocked) pick = pick.forUpdate().skipLocked();
    const candidate = await pick.executeTakeFirst();
    if (!candidate) return undefined;
    // RETURNING (SQLite ≥ 3.35 and PostgreSQL): no second read of the row.
    const row = await tx
      .updateTable('jobs')
      .set((eb) => ({
        state: 'Running',
        attempts: eb('attempts', '+', 1),
        locked_by: workerId,
        locked_until: now + leaseMs,
        started_at: sql<number>`coalesce(started_at, ${now})`,
        progress: 0,
      }))
      .where('id', '=', candidate.id)
      .where('state', '=', 'Submitted')
      .returningAll()
      .executeTakeFirst();
    return row ? jobFromRow(row) : undefined;
  });
}

/** Extends the lease; false when this worker no longer holds the job (it must stop). */
export async function extendLease(store: MetadataStore, jobId: string, workerId: string, leaseMs: number, now: number, progress?: number): Promise<boolean> {
  const res = await store.db
    .updateTable('jobs')
    .set({ locked_until: now + leaseMs, ...(progress !== undefined ? { progress } : {}) })
    .where('id', '=', jobId)
    .where('state', '=', 'Running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export interface Finish {
  state: 'Success' | 'Failed';
  code: string;
  message: string;
  result?: JobResult;
  /** Notifications to enqueue in the same transaction (spec/callbacks.md). */
  callbacks: Array<Omit<CallbacksTable, 'job_id' | 'state' | 'attempts' | 'last_error' | 'delivered_at'>>;
}

/**
 * Finishes a job this worker holds, and enqueues its notifications, in one
 * transaction. Returns false (and changes nothing) when the lease was lost,
 * so a job can never end both Failed and Success.
 */
export async function finishJob(store: MetadataStore, jobId: string, workerId: string, f: Finish, now: number): Promise<boolean> {
  return store.writeTx(async (tx) => {
    const res = await tx
      .updateTable('jobs')
      .set({
        state: f.state,
        code: f.code,
        message: f.message,
        result: f.result ? JSON.stringify(f.result) : null,
        ended_at: now,
        progress: f.state === 'Success' ? 100 : null,
        locked_by: null,
        locked_until: null,
      })
      .where('id', '=', jobId)
      .where('state', '=', 'Running')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    for (const cb of f.callbacks) {
      await tx.insertInto('callbacks').values({ ...cb, job_id: jobId, state: 'pending', attempts: 0, last_error: null, delivered_at: null }).execute();
    }
    return true;
  });
}

/**
 * Gives a job back to the queue. After a retryable failure it keeps its
 * attempt count (the attempts bound the retries); after a graceful shutdown
 * (`refundAttempt`) the attempt is given back: a rolling restart is not the
 * job's fault and must not fail a job that was stopped several times.
 */
export async function releaseJob(store: MetadataStore, jobId: string, workerId: string, runAfter: number, options: { refundAttempt?: boolean } = {}): Promise<boolean> {
  const res = await store.db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'Submitted',
      locked_by: null,
      locked_until: null,
      run_after: runAfter,
      progress: null,
      attempts: options.refundAttempt ? sql<number>`CASE WHEN ${eb.ref('attempts')} > 0 THEN ${eb.ref('attempts')} - 1 ELSE 0 END` : eb.ref('attempts'),
    }))
    .where('id', '=', jobId)
    .where('state', '=', 'Running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * Jobs whose lease expired (their worker died: kill -9, power loss) go back
 * to Submitted, or to Failed once they used all attempts. Returns the ids
 * that were failed, so their notifications can be sent.
 */
export async function recoverExpiredLeases(store: MetadataStore, now: number, onFailed: (job: Job, queue: Queue | undefined) => Finish['callbacks']): Promise<{ requeued: number; failed: string[] }> {
  return store.writeTx(async (tx) => {
    let q = tx.selectFrom('jobs').selectAll().where('state', '=', 'Running').where('locked_until', '<', now);
    // Another worker recovering the same rows right now: leave them to it.
    if (store.capabilities.skipLocked) q = q.forUpdate().skipLocked();
    const expired = await q.execute();
    let requeued = 0;
    const failed: string[] = [];
    for (const r of expired) {
      // A job whose queue is gone (Smart Audio disabled meanwhile) could never be claimed again: fail it.
      const queueGone = (await findQueue(tx, r.queue_id)) === undefined;
      if (queueGone || Number(r.attempts) >= Number(r.max_attempts)) {
        const message = queueGone
          ? 'Smart Audio was disabled on the bucket while the job was running, and its worker stopped responding.'
          : `The worker running this job stopped responding ${r.attempts} time(s); giving up.`;
        const res = await tx
          .updateTable('jobs')
          .set({ state: 'Failed', code: 'InternalError', message, ended_at: now, locked_by: null, locked_until: null, progress: null })
          .where('id', '=', r.id)
          .where('state', '=', 'Running')
          .where('locked_by', '=', r.locked_by ?? '')
          .executeTakeFirst();
        // Zero rows: its worker finished it (or someone recovered it) meanwhile; notify nothing twice.
        if (Number(res.numUpdatedRows) === 0) continue;
        const job = await findJob(tx, r.id);
        if (job) {
          for (const cb of onFailed(job, await findQueue(tx, job.queueId))) {
            await tx.insertInto('callbacks').values({ ...cb, job_id: r.id, state: 'pending', attempts: 0, last_error: null, delivered_at: null }).execute();
          }
        }
        failed.push(r.id);
      } else {
        const res = await tx
          .updateTable('jobs')
          .set({ state: 'Submitted', locked_by: null, locked_until: null, progress: null })
          .where('id', '=', r.id)
          .where('state', '=', 'Running')
          .where('locked_by', '=', r.locked_by ?? '')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) > 0) requeued++;
      }
    }
    return { requeued, failed };
  });
}
