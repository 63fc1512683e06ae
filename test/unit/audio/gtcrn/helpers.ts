import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siSdr as metricSiSdr } from '../../../../src/eval/metrics/simple.ts';

/**
 * Test helpers for the GTCRN engine: the DNS3 pairs of the shared data
 * folder, a minimal WAV reader, SI-SDR over the common length (the metrics
 * module's) and cross-correlation.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** `../shared/data` relative to the repository root (never copied into the repo). */
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');
export const DNS3_DIR = join(SHARED_DATA, 'speech/dns3-pairs');
export const DNS3_IDS = ['0015', '0016', '0072', '0398', '0523'] as const;

/** Why the DNS3 tests skip, or false when the data is there. */
export function dns3SkipReason(): string | false {
  const missing = DNS3_IDS.flatMap((id) => ['noisy', 'clean', 'GTCRN'].map((k) => join(DNS3_DIR, `${id}_${k}.wav`))).filter((p) => !existsSync(p));
  return missing.length === 0 ? false : `DNS3 pairs not found (${missing[0]} missing; expected ../shared/data relative to the repo root)`;
}

export interface Wav {
  sampleRate: number;
  channels: number;
  /** First channel, float in [-1, 1). */
  samples: Float32Array;
}

/** Reads a PCM 16-bit or IEEE float 32-bit RIFF/WAVE file (first channel). */
export async function readWav(path: string): Promise<Wav> {
  const buf = await readFile(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a RIFF/WAVE file`);
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let pos = 12; pos + 8 <= buf.length; ) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
      if (fmt.format === 0xfffe) fmt.format = buf.readUInt16LE(body + 24); // WAVE_FORMAT_EXTENSIBLE: sub-format GUID's first 2 bytes
    } else if (id === 'data') {
      if (!fmt) throw new Error(`${path}: data before fmt`);
      const bytes = fmt.bits / 8;
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (bytes * fmt.channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        const at = body + i * bytes * fmt.channels;
        if (fmt.format === 1 && fmt.bits === 16) samples[i] = buf.readInt16LE(at) / 32768;
        else if (fmt.format === 3 && fmt.bits === 32) samples[i] = buf.readFloatLE(at);
        else throw new Error(`${path}: unsupported WAV format ${fmt.format}/${fmt.bits} bits`);
      }
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    pos = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Scale-invariant SDR in dB over the common length (the project's metric, src/eval/metrics/simple.ts). */
export function siSdr(estimate: Float32Array, reference: Float32Array): number {
  const n = Math.min(estimate.length, reference.length);
  return metricSiSdr(reference.subarray(0, n), estimate.subarray(0, n));
}

/** Lag (in samples, |lag| ≤ maxLag) maximising Σ a[i]·b[i+lag]: b lags a by this much. */
export function bestLag(a: Float32Array, b: Float32Array, maxLag: number): number {
  const n = Math.min(a.length, b.length);
  let best = -Infinity, at = 0;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let s = 0;
    const from = Math.max(0, -lag), to = Math.min(n, n - lag);
    for (let i = from; i < to; i++) s += a[i]! * b[i + lag]!;
    if (s > best) {
      best = s;
      at = lag;
    }
  }
  return at;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function rms(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s / Math.max(1, a.length));
}
