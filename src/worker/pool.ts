import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/load.ts';
import type { Job } from '../domain/jobs/types.ts';
import { StorageError, type ObjectStorage } from '../storage/storage.ts';
import { findQueue } from '../store/control-plane.ts';
import { claimNextJob, extendLease, finishJob, recoverExpiredLeases, releaseJob } from '../store/job-leases.ts';
import { findJob } from '../store/jobs.ts';
import type { MetadataStore } from '../store/store.ts';
import { notificationsFor } from './notifications.ts';
import { EngineClient } from './engine-client.ts';
import { JobFailure, type Pipeline } from './pipeline.ts';
import { isStoreUnavailable } from '../store/unavailable.ts';

/** Runs `fn` again while it fails because the store is unreachable, for up to `forMs`. */
async function retryWhileUnavailable<T>(fn: () => Promise<T>, forMs: number, onRetry: (err: unknown) => void): Promise<T> {
  const end = Date.now() + forMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isStoreUnavailable(err) || Date.now() + delay > end) throw err;
      onRetry(err);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * N job slots over the shared job table (issue #4 §4, §6). Each slot claims
 * the next runnable job with a lease, keeps the lease alive while the job
 * runs, and always releases the job: finished (Success/Failed, exactly once),
 * or given back to the queue (shutdown, retryable error), or — if this
 * process dies — recovered by any worker once the lease expires.
 */
export interface PoolOptions {
  config: Config;
  store: MetadataStore;
  storage: ObjectStorage;
  pipelines: ReadonlyMap<string, Pipeline>;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  workRoot: string;
  onJobFinished?: (job: Job) => void;
  pollMs?: number;
}

export class WorkerPool {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private stopping = false;
  private wakers: Array<() => void> = [];
  private readonly slots: Promise<void>[] = [];
  private readonly running = new Map<string, AbortController>();
  private recoveryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: PoolOptions) {}

  start(): void {
    const n = this.o.config.workerConcurrency;
    for (let i = 0; i < n; i++) this.slots.push(this.slotLoop(i));
    const recover = async () => {
      try {
        const r = await recoverExpiredLeases(this.o.store, this.o.store.now(), (job, queue) => notificationsFor(job, queue, this.o.store.now()));
        if (r.requeued > 0 || r.failed.length > 0) {
          this.o.log.warn({ requeued: r.requeued, failed: r.failed }, 'recovered jobs whose worker stopped renewing its lease');
          this.wake();
        }
      } catch (err) {
        this.o.log.error({ err }, 'lease recovery failed');
      }
      if (!this.stopping) this.recoveryTimer = setTimeout(recover, Math.max(500, this.o.config.leaseMs / 2));
    };
    void recover();
  }

  /** A job was submitted or a queue resumed: look for work now. */
  wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  /** Jobs running right now in this process. */
  get activeJobs(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Stops claiming; waits up to `graceMs` for running jobs, then aborts them
   * and hands them back to the queue so another worker (or the next start)
   * runs them. No job is lost.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.wake();
    const all = Promise.all(this.slots);
    const timer = setTimeout(() => {
      for (const ac of this.running.values()) ac.abort(new Error('shutdown'));
    }, graceMs);
    await all;
    clearTimeout(timer);
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakers.push(done);
    });
  }

  private async slotLoop(slot: number): Promise<void> {
    const engine = new EngineClient();
    try {
      await this.claimLoop(slot, engine);
    } finally {
      engine.close();
    }
  }

  private async claimLoop(slot: number, engine: EngineClient): Promise<void> {
    while (!this.stopping) {
      let job: Job | undefined;
      try {
        job = await claimNextJob(this.o.store, this.workerId, this.o.config.leaseMs, this.o.store.now());
      } catch (err) {
        this.o.log.error({ err, slot }, 'claiming a job failed');
      }
      if (!job) {
        await this.idle(this.o.pollMs ?? 500);
        continue;
      }
      // A slot must outlive any one job: an error here (the store down for
      // longer than the retries) leaves the job to lease recovery.
      await this.runJob(job, engine).catch((err: unknown) => this.o.log.error({ err, jobId: job.id }, 'finishing a job failed; its lease will expire and it will run again'));
    }
  }

  /** The one function that guarantees a claimed job is released (STYLE.md §2 run-job). */
  private async runJob(job: Job, engine: EngineClient): Promise<void> {
    const { config, store, storage, log } = this.o;
    const pipeline = this.o.pipelines.get(job.tag);
    const ac = new AbortController();
    this.running.set(job.id, ac);
    const workDir = join(this.o.workRoot, `${job.id}-${job.attempts}`);
    let progress = 0;
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      extendLease(store, job.id, this.workerId, config.leaseMs, store.now(), progress).then(
        (held) => {
          if (!held && !ac.signal.aborted) {
            leaseLost = true;
            ac.abort(new Error('lease lost'));
          }
        },
        (err: unknown) => log.warn({ err, jobId: job.id }, 'lease renewal failed'),
      );
    }, Math.max(200, Math.floor(config.leaseMs / 3)));
    const timeout = setTimeout(() => ac.abort(new JobFailure('InternalError', `The job ran longer than ${config.jobTimeoutSec} s and was stopped.`)), config.jobTimeoutSec * 1000);
    const started = Date.now();
    log.info({ jobId: job.id, tag: job.tag, attempt: job.attempts, workerId: this.workerId }, 'job started');
    let outcome: { state: 'Success' | 'Failed'; code: string; message: string; result?: Job['result'] } | 'release' | 'shutdown' | 'lost';
    try {
      if (!pipeline) throw new JobFailure('InvalidArgument', `No pipeline is installed for ${job.tag} jobs.`);
      await mkdir(workDir, { recursive: true });
      const result = await pipeline.run(job, {
        signal: ac.signal,
        workDir,
        storage,
        store,
        engine,
        progress: (p) => {
          progress = Math.max(0, Math.min(99, Math.round(p)));
        },
      });
      outcome = leaseLost ? 'lost' : { state: 'Success', code: 'Success', message: '', result };
    } catch (err) {
      const reason = ac.signal.reason as unknown;
      if (leaseLost) outcome = 'lost';
      else if (ac.signal.aborted && reason instanceof Error && reason.message === 'shutdown') outcome = 'shutdown';
      else {
        const failure = reason instanceof JobFailure ? reason : err instanceof JobFailure ? err : storageFailure(err);
        if (failure?.retryable && job.attempts < job.maxAttempts) outcome = 'release';
        else if (failure) outcome = { state: 'Failed', code: failure.code, message: hideWorkDir(failure.message, workDir) };
        else {
          log.error({ err, jobId: job.id }, 'job failed with an unexpected error');
          outcome = { state: 'Failed', code: 'InternalError', message: hideWorkDir(`Internal error while processing the job: ${(err as Error).message}`, workDir).slice(0, 1000) };
        }
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
      this.running.delete(job.id);
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
    if (outcome === 'lost') {
      log.warn({ jobId: job.id }, 'lost the lease of a running job; another worker owns it now');
      return;
    }
    if (outcome === 'release' || outcome === 'shutdown') {
      const backoff = outcome === 'shutdown' ? 0 : Math.min(60_000, 1000 * 2 ** job.attempts);
      await releaseJob(store, job.id, this.workerId, store.now() + backoff, { refundAttempt: outcome === 'shutdown' }).catch((err: unknown) => log.error({ err, jobId: job.id }, 'releasing a job failed'));
      return;
    }
    const done = outcome;
    // The store may be briefly unreachable (PostgreSQL restarting): keep trying
    // while the lease could still be ours, rather than lose a finished job's result.
    const ok = await retryWhileUnavailable(async () => {
      const now = store.now();
      const queue = await findQueue(store.db, job.queueId);
      const finished: Job = { ...job, state: done.state, code: done.code, message: done.message, result: done.result, endedAt: now, progress: undefined };
      return finishJob(store, job.id, this.workerId, { ...done, callbacks: notificationsFor(finished, queue, now) }, now);
    }, Math.max(60_000, config.leaseMs * 4), (err) => log.warn({ err, jobId: job.id }, 'the store is unavailable; retrying to finish the job'));
    const now = Date.now();
    if (!ok) {
      log.warn({ jobId: job.id }, 'job finished but its lease had moved on; result discarded');
      return;
    }
    log.info({ jobId: job.id, tag: job.tag, state: outcome.state, code: outcome.code, ms: now - started }, 'job finished');
    const stored = await findJob(store.db, job.id).catch(() => undefined);
    if (stored) this.o.onJobFinished?.(stored);
  }
}

/**
 * The object store unreachable while a job reads its input or writes its
 * outputs (issue 8 fault tests): retried like a crash, then Failed with Code
 * ServiceUnavailable — never InternalError, never left Running.
 */
function storageFailure(err: unknown): JobFailure | undefined {
  if (err instanceof StorageError && err.kind === 'ServiceUnavailable') return new JobFailure('ServiceUnavailable', err.message, true, { cause: err });
  return undefined;
}

/**
 * Job messages reach API clients (DescribeMediaJob, callbacks): tool errors
 * quote the input's local path (`file:/…/work/<job>/input: Invalid data…`),
 * which says nothing useful to them and discloses the server's layout.
 */
export function hideWorkDir(message: string, workDir: string): string {
  return message.split(`file:${workDir}/`).join('').split(`${workDir}/`).join('').split(workDir).join('.');
}
