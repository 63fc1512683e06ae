import type { RawAudio } from '../raw-audio.ts';

/**
 * A source-separation engine. The pipeline (`separate-file.ts`) decodes the
 * input to `requires.sampleRate`/`requires.channels`, cuts it into chunks and
 * calls `separateChunk` on each, in order, one at a time.
 */

export type SeparationMode = 'two' | 'four';

/** Every stem name the pipeline knows. `background` is derived in 'four' mode. */
export type StemName = 'vocals' | 'background' | 'drums' | 'bass' | 'other';

/** Stems an engine returns per mode (spec/jobs.md §1.2: voice/background; MusicMode adds bass and drums). */
export const ENGINE_STEMS: Readonly<Record<SeparationMode, readonly StemName[]>> = {
  two: ['vocals', 'background'],
  four: ['vocals', 'drums', 'bass', 'other'],
};

/** Stems the pipeline can write per mode (engine stems + `background = drums + bass + other`). */
export const OUTPUT_STEMS: Readonly<Record<SeparationMode, readonly StemName[]>> = {
  two: ['vocals', 'background'],
  four: ['vocals', 'background', 'drums', 'bass', 'other'],
};

export type StemAudio = Partial<Record<StemName, Float32Array[]>>;

export interface SeparationEngine {
  /** Registry id, e.g. `dsp`. */
  readonly id: string;
  /** The input the engine accepts; the pipeline converts once, with ffmpeg. */
  readonly requires: { sampleRate: number; channels: 1 | 2 };
  /** Stems `separateChunk` returns for `mode` (normally `ENGINE_STEMS[mode]`). */
  stems(mode: SeparationMode): readonly StemName[];
  /**
   * Separates one chunk.
   * - MUST reject a chunk whose rate/channel count differs from `requires`,
   *   naming the value received.
   * - MUST return, for every stem of `stems(mode)`, `requires.channels`
   *   arrays of exactly the chunk's frame count.
   * - MUST be deterministic (same chunk → same output) and keep no state
   *   between chunks that changes results.
   * - SHOULD yield to the event loop at least every ~50 ms of work and MUST
   *   reject (with `signal.reason`) soon after `signal` aborts.
   * - May return any float values; the pipeline sanitises and limits them.
   */
  separateChunk(chunk: RawAudio, mode: SeparationMode, signal?: AbortSignal): Promise<StemAudio>;
}

/** Checks a chunk against `engine.requires` (engines call this first). */
export function assertEngineInput(engine: Pick<SeparationEngine, 'id' | 'requires'>, chunk: RawAudio): void {
  const { sampleRate, channels } = engine.requires;
  if (chunk.sampleRate !== sampleRate) {
    throw new RangeError(`engine ${engine.id} requires a ${sampleRate} Hz sample rate (${chunk.sampleRate} Hz given)`);
  }
  if (chunk.channels.length !== channels) {
    throw new RangeError(`engine ${engine.id} requires ${channels} channel(s) (${chunk.channels.length} given)`);
  }
}
