import type { TemplateParams, TemplateTag } from '../templates/index.ts';

/**
 * A job as submitted and validated (spec/jobs.md §1). Stored as JSON in
 * `jobs.spec`: template parameters are resolved and snapshotted at submit
 * time (spec/templates.md §7 → Impl), so later template changes do not affect
 * queued jobs.
 */
export type JobState = 'Submitted' | 'Running' | 'Success' | 'Failed' | 'Cancel' | 'Pause';
export const TERMINAL_STATES: readonly JobState[] = ['Success', 'Failed', 'Cancel'];

export interface JobOutputSpec {
  region: string;
  bucket: string;
  object?: string;
  auObject?: string;
  bassObject?: string;
  drumObject?: string;
}

export interface JobCallbackSpec {
  /** `CallBack` as sent; `no` disables the queue's callback for this job (spec/callbacks.md §1). */
  url?: string;
  format?: 'XML' | 'JSON';
  type?: 'Url' | 'TDMQ';
  mq?: { mqRegion: string; mqMode: 'Queue' | 'Topic'; mqName: string };
}

export interface JobSpec {
  tag: TemplateTag;
  input?: { bucket: string; region: string; object: string };
  templateId?: string;
  templateName?: string;
  /** The parameters the job runs with (from the template, or inline). */
  params: TemplateParams;
  /** True when the parameters came inline: they are echoed under Operation (spec/jobs.md §2). */
  inline: boolean;
  /** NoiseReduction: the inline sample rate was spelled `SampleRate` (job page) and is echoed so (spec/templates.md §2). */
  nrSampleRateElement?: 'SampleRate';
  /** Tts only: `TtsConfig` as sent. */
  ttsConfig?: { inputType: 'Text' | 'Url'; input: string };
  output: JobOutputSpec;
  userData?: string;
  jobLevel: number;
  callback: JobCallbackSpec;
}

export interface OutputFileResult {
  bucket: string;
  region: string;
  objects: Array<{ key: string; md5: string }>;
}

/** What a finished job reports (spec/jobs.md §2.1–2.2). `mediaInfo` is the CI MediaInfo shape. */
export interface JobResult {
  outputFile?: OutputFileResult;
  mediaInfo?: unknown;
  /** Per-stage timings, for metrics and benchmarks (not on the wire). */
  timings?: Record<string, number>;
  /** The engine that produced the outputs (not on the wire). */
  engine?: string;
}

export interface Job {
  id: string;
  seq: number;
  bucket: string;
  appid: string;
  region: string;
  queueId: string;
  tag: TemplateTag;
  state: JobState;
  jobLevel: number;
  spec: JobSpec;
  result: JobResult | undefined;
  code: string;
  message: string;
  progress: number | undefined;
  attempts: number;
  maxAttempts: number;
  createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
}
