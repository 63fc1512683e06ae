/**
 * The one in-memory audio type of `audio/` (STYLE.md §2, after echogarden's
 * `RawAudio`): planar 32-bit float channels, nominal range [-1, 1].
 *
 * Invariant: every channel has the same length (the frame count). Helpers
 * here are small and allocation-explicit; numeric work lives in `dsp/`.
 */
export interface RawAudio {
  channels: Float32Array[];
  sampleRate: number;
}

/** Number of frames (samples per channel); 0 for an audio with no channel. */
export function frameCount(audio: RawAudio): number {
  return audio.channels.length === 0 ? 0 : audio.channels[0]!.length;
}

export function durationSec(audio: RawAudio): number {
  return frameCount(audio) / audio.sampleRate;
}

/** `channelCount` channels of `frames` zeros. */
export function createSilence(channelCount: number, frames: number, sampleRate: number): RawAudio {
  return { channels: Array.from({ length: channelCount }, () => new Float32Array(frames)), sampleRate };
}

/** Average of all channels (a copy, even for mono). */
export function mixToMono(audio: RawAudio): Float32Array {
  const n = frameCount(audio);
  const out = new Float32Array(n);
  const count = audio.channels.length;
  if (count === 0) return out;
  for (const ch of audio.channels) for (let i = 0; i < n; i++) out[i]! += ch[i]!;
  if (count > 1) for (let i = 0; i < n; i++) out[i]! /= count;
  return out;
}

/**
 * Planar → interleaved (the f32le layout ffmpeg reads), frames [start, end).
 * `out` may be given to avoid an allocation; it must hold (end-start)·channels values.
 */
export function interleave(channels: readonly Float32Array[], start = 0, end = channels[0]?.length ?? 0, out?: Float32Array): Float32Array {
  const count = channels.length;
  const frames = end - start;
  const dest = out ?? new Float32Array(frames * count);
  if (count === 1) {
    dest.set(channels[0]!.subarray(start, end));
    return dest;
  }
  for (let c = 0; c < count; c++) {
    const ch = channels[c]!;
    for (let i = 0, j = c; i < frames; i++, j += count) dest[j] = ch[start + i]!;
  }
  return dest;
}

/**
 * Interleaved → planar, writing `frames` frames into `dest` channels from
 * offset `destOffset`. `src` holds `frames · dest.length` values.
 */
export function deinterleaveInto(src: Float32Array, dest: Float32Array[], destOffset: number, frames: number): void {
  const count = dest.length;
  for (let c = 0; c < count; c++) {
    const ch = dest[c]!;
    for (let i = 0, j = c; i < frames; i++, j += count) ch[destOffset + i] = src[j]!;
  }
}

/** Copies frames [start, end) into a new RawAudio. */
export function sliceAudio(audio: RawAudio, start: number, end: number): RawAudio {
  return { channels: audio.channels.map((ch) => ch.slice(start, end)), sampleRate: audio.sampleRate };
}

/** Element-wise sum of several equally shaped channel sets (e.g. drums + bass + other). */
export function sumChannels(parts: readonly Float32Array[][]): Float32Array[] {
  const first = parts[0];
  if (first === undefined) return [];
  const out = first.map((ch) => new Float32Array(ch));
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p]!;
    for (let c = 0; c < out.length; c++) {
      const o = out[c]!;
      const src = part[c]!;
      for (let i = 0; i < o.length; i++) o[i]! += src[i]!;
    }
  }
  return out;
}
