import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Job } from '../domain/jobs/types.ts';
import { countActiveJobs, oldestWaitingJobCreatedAt } from '../store/job-stats.ts';
import type { MetadataStore } from '../store/store.ts';

/**
 * Prometheus metrics of one process (issue #8 §4), in a Registry of its own
 * (never prom-client's global one, so tests and several servers in one process
 * do not share series).
 *
 * Label values are bounded sets only: `api` is the operation name of the API
 * index (`routes.ts`: PutObject, CreateMediaJobs…), never a path or key;
 * `tag`, `state` and `engine` come from fixed lists. Counters and histograms
 * are per process (sum them across processes); the `smart_audio_jobs` and
 * queue gauges are read from the shared store at scrape time, so every
 * process reports the same value (take the max).
 */
export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const JOB_SECONDS_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600];
/** Real-time factor = processing time / audio duration: below 1 is faster than real time. */
export const RTF_BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

export type CallbackOutcome = 'delivered' | 'failed' | 'given-up';

export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'api' | 'status'>;
  private readonly httpDuration: Histogram<'api'>;
  private readonly jobsFinished: Counter<'tag' | 'state'>;
  private readonly jobDuration: Histogram<'tag' | 'state'>;
  private readonly jobWait: Histogram<'tag'>;
  private readonly engineRtf: Histogram<'engine'>;
  private readonly callbackFailures: Counter<'final'>;
  private readonly callbacksDelivered: Counter;

  /** `store`: where the job gauges are read at scrape time (omit for no job gauges). */
  constructor(store?: MetadataStore) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({ name: 'smart_audio_http_requests_total', help: 'HTTP requests answered, by API operation and status code.', labelNames: ['api', 'status'], registers });
    this.httpDuration = new Histogram({ name: 'smart_audio_http_request_duration_seconds', help: 'Time from request to the end of the response, by API operation.', labelNames: ['api'], buckets: HTTP_DURATION_BUCKETS, registers });
    this.jobsFinished = new Counter({ name: 'smart_audio_jobs_finished_total', help: 'Jobs this process finished, by Tag and final state.', labelNames: ['tag', 'state'], registers });
    this.jobDuration = new Histogram({ name: 'smart_audio_job_duration_seconds', help: 'Job run time, first start to end (retries included), by Tag and final state.', labelNames: ['tag', 'state'], buckets: JOB_SECONDS_BUCKETS, registers });
    this.jobWait = new Histogram({ name: 'smart_audio_job_wait_seconds', help: 'Time a job waited in its queue before it first started, by Tag.', labelNames: ['tag'], buckets: JOB_SECONDS_BUCKETS, registers });
    this.engineRtf = new Histogram({ name: 'smart_audio_engine_rtf', help: 'Engine real-time factor (engine time / audio duration) of successful jobs, by engine.', labelNames: ['engine'], buckets: RTF_BUCKETS, registers });
    this.callbackFailures = new Counter({ name: 'smart_audio_callback_failures_total', help: 'Failed job-notification deliveries; final="true" when the notification was given up.', labelNames: ['final'], registers });
    this.callbacksDelivered = new Counter({ name: 'smart_audio_callbacks_delivered_total', help: 'Job notifications delivered.', registers });
    if (store) this.addStoreGauges(store, registers);
  }

  private addStoreGauges(store: MetadataStore, registers: Registry[]): void {
    // The three gauges share one read per scrape.
    let pending: Promise<{ counts: Awaited<ReturnType<typeof countActiveJobs>>; oldest: number | undefined }> | undefined;
    const read = () =>
      (pending ??= (async () => {
        try {
          return { counts: await countActiveJobs(store.db), oldest: await oldestWaitingJobCreatedAt(store.db) };
        } finally {
          setImmediate(() => (pending = undefined));
        }
      })());
    new Gauge({
      name: 'smart_audio_jobs',
      help: 'Unfinished jobs in the store, by Tag and state (Submitted, Running, Pause).',
      labelNames: ['tag', 'state'],
      registers,
      async collect() {
        const { counts } = await read();
        this.reset();
        for (const c of counts) this.set({ tag: c.tag, state: c.state }, c.count);
      },
    });
    new Gauge({
      name: 'smart_audio_queue_depth',
      help: 'Jobs waiting to run (state Submitted), all queues.',
      registers,
      async collect() {
        const { counts } = await read();
        this.set(counts.filter((c) => c.state === 'Submitted').reduce((n, c) => n + c.count, 0));
      },
    });
    new Gauge({
      name: 'smart_audio_queue_oldest_wait_seconds',
      help: 'How long the oldest waiting job has been waiting (0 when none waits).',
      registers,
      async collect() {
        const { oldest } = await read();
        this.set(oldest === undefined ? 0 : Math.max(0, (store.now() - oldest) / 1000));
      },
    });
  }

  /** The job slots of this process's worker pool (busy read at scrape time). */
  trackWorkerSlots(slots: number, busy: () => number): void {
    new Gauge({ name: 'smart_audio_worker_slots', help: 'Job slots of this process (--worker-concurrency).', registers: [this.registry] }).set(slots);
    new Gauge({
      name: 'smart_audio_worker_busy_slots',
      help: 'Job slots of this process running a job now.',
      registers: [this.registry],
      collect() {
        this.set(busy());
      },
    });
  }

  observeRequest(api: string, status: number, seconds: number): void {
    this.httpRequests.inc({ api, status: String(status) });
    this.httpDuration.observe({ api }, seconds);
  }

  /** A job this process finished, as stored (state, timings and engine of `result`). */
  observeJobFinished(job: Job): void {
    this.jobsFinished.inc({ tag: job.tag, state: job.state });
    if (job.startedAt !== undefined && job.endedAt !== undefined) {
      this.jobDuration.observe({ tag: job.tag, state: job.state }, Math.max(0, job.endedAt - job.startedAt) / 1000);
      this.jobWait.observe({ tag: job.tag }, Math.max(0, job.startedAt - job.createdAt) / 1000);
    }
    const t = job.result?.timings;
    const engine = job.result?.engine;
    if (job.state === 'Success' && engine && t && t.audioSec && t.audioSec > 0 && t.engineTotalMs !== undefined) {
      this.engineRtf.observe({ engine }, t.engineTotalMs / 1000 / t.audioSec);
    }
  }

  observeCallback(outcome: CallbackOutcome): void {
    if (outcome === 'delivered') this.callbacksDelivered.inc();
    else this.callbackFailures.inc({ final: outcome === 'given-up' ? 'true' : 'false' });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
