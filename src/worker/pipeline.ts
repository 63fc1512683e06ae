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

/**
 * The per-stage timings a file-engine pipeline reports (`JobResult.timings`;
 * metrics read `engineTotalMs` and `audioSec` for the engine RTF): stage
 * marks taken by the pipeline plus the engine's own breakdown.
 */
export function stageTimings(
  marks: { start: number; fetched: number; processed: number; stored: number },
  engine: { timings: object; durationSec: number },
): Record<string, number> {
  const t = engine.timings as Record<string, number | undefined>;
  return {
    fetchMs: marks.fetched - marks.start,
    decodeMs: t.decodeMs ?? 0,
    separateMs: t.separateMs ?? 0,
    encodeMs: t.encodeMs ?? 0,
    engineTotalMs: t.totalMs ?? marks.processed - marks.fetched,
    storeMs: marks.stored - marks.processed,
    totalMs: marks.stored - marks.start,
    audioSec: engine.durationSec,
  };
}
