import type { Job, JobResult } from '../domain/jobs/types.ts';
import type { ObjectStorage } from '../storage/storage.ts';
import type { MetadataStore } from '../store/store.ts';
import type { EngineClient } from './engine-client.ts';

/**
 * A per-Tag job pipeline (STYLE.md §2 worker/pipelines). It reads the input
 * from storage, does the work in `workDir`, publishes outputs and returns
 * what the job reports. It MUST stop promptly when `signal` aborts.
 */
export interface PipelineContext {
  signal: AbortSignal;
  workDir: string;
  storage: ObjectStorage;
  store: MetadataStore;
  progress(percent: number): void;
  /** The slot's engine process (separation runs there, off the event loop). */
  engine: EngineClient;
}

export interface Pipeline {
  tag: string;
  run(job: Job, ctx: PipelineContext): Promise<JobResult>;
}

/**
 * A failure the job reports as `Code`/`Message` (spec/errors.md §6 → Impl:
 * ResourceNotFound, ResourceNotSupported, WriteTargetBucketDenied,
 * InvalidArgument, InternalError). `retryable` failures are run again
 * (bounded by the job's attempts) instead of failing at once.
 */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JobFailure';
  }
}
