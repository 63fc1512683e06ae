/**
 * Typed errors of `audio/`. Callers (the worker) switch on `kind` only; the
 * message carries the value received and, for ffmpeg, the stderr tail.
 *
 * | kind        | meaning                                                     | caller's typical mapping        |
 * |-------------|-------------------------------------------------------------|---------------------------------|
 * | `empty`     | the input file has 0 bytes                                  | job Failed, input problem       |
 * | `unreadable`| ffprobe/ffmpeg cannot read the input (corrupt, not media)   | job Failed, input problem       |
 * | `no-audio`  | the input is media but has no audio stream                  | job Failed, input problem       |
 * | `too-long`  | the input lasts longer than the configured maximum          | job Failed, input problem       |
 * | `timeout`   | the operation ran past its time limit; children were killed | job Failed, retry possible      |
 * | `aborted`   | the caller's AbortSignal fired; children were killed        | job cancelled / worker draining |
 * | `failed`    | anything else (encoder failure, missing binary, engine bug) | InternalError                   |
 */
export type AudioErrorKind = 'empty' | 'unreadable' | 'no-audio' | 'too-long' | 'timeout' | 'aborted' | 'failed';

export class AudioError extends Error {
  readonly kind: AudioErrorKind;
  constructor(kind: AudioErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AudioError';
    this.kind = kind;
  }
}

/** The kinds an ffmpeg/ffprobe process failure can have. */
export type FfmpegErrorKind = Extract<AudioErrorKind, 'unreadable' | 'no-audio' | 'timeout' | 'aborted' | 'failed'>;

/** A child ffmpeg/ffprobe process failed, was killed, or could not start. */
export class FfmpegError extends AudioError {
  declare readonly kind: FfmpegErrorKind;
  readonly tool: string;
  /** `null` when the process was killed by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last ~4 KB of stderr (ffmpeg writes its diagnostics there). */
  readonly stderrTail: string;

  constructor(
    kind: FfmpegErrorKind,
    message: string,
    details: { tool: string; exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: string; cause?: unknown },
  ) {
    super(kind, message, { cause: details.cause });
    this.name = 'FfmpegError';
    this.tool = details.tool;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = details.stderrTail;
  }
}
