import FFT from 'fft.js';

/**
 * Speech/music discrimination features on 16 kHz mono, after the classic
 * literature (Saunders 1996; Scheirer & Slaney 1997; Lu, Zhang & Jiang 2002),
 * made robust to stationary background noise by measuring each one above a
 * noise floor (minimum statistics: a low percentile over the clip).
 * Pure and deterministic; every feature is a ratio, so none depends on the level.
 *
 * Frames: 32 ms (512 samples) every 10 ms; power spectra with a periodic Hann
 * window and an FFT of 1024; 20 mel-spaced bands from 100 Hz to 7 kHz.
 */

export const FEATURE_SAMPLE_RATE = 16000;
const FRAME = 512;
const HOP = 160;
const NFFT = 1024;
/** Frames per second. */
const FRAME_RATE = FEATURE_SAMPLE_RATE / HOP;
const BANDS = 20;
/** Bands 2…15 (303 Hz – 3.7 kHz) carry most speech energy. */
const SPEECH_BANDS = [2, 16] as const;
/** Frames louder than −60 dBFS RMS count as active. */
const ACTIVE_RMS = 1e-3;

export interface ContentFeatures {
  /** Seconds analysed, and seconds of frames above −60 dBFS RMS. */
  durationSec: number;
  activeSec: number;
  /**
   * Low-energy-frame ratio above the noise floor: with e = frame power minus
   * its 5th percentile over the clip, the share of frames whose √e is below
   * half its mean over the surrounding second (Scheirer & Slaney's "percentage
   * of low-energy frames", noise-floor subtracted). Speech high: pauses and stops.
   */
  pauseRatio: number;
  /**
   * 4 Hz modulation: log10 of the median (over 1.28-s segments) of the mean
   * (over speech bands) energy of the band envelope at 2.3–6.3 Hz, relative to
   * the envelope's mean; envelopes are √(band power − its 5th percentile).
   * Speech high: syllables come at 3–6 per second.
   */
  modulation4Hz: number;
  /**
   * Spectral flux above the noise floor: mean over frames of the RMS (over
   * bands) change in dB of the band levels, each clipped below at its band's
   * 10th percentile. Speech high: formants and voicing change every few tens of ms.
   */
  excessFlux: number;
  /** Median over frames of the same flux without the floor clipping. Speech high. */
  medianFlux: number;
  /** Energy below 140 Hz relative to 156 Hz – 4 kHz, in dB. Music high: bass and kick drums. */
  bassRatioDb: number;
}

/** Measures every feature on `samples` (16 kHz mono). */
export function measureFeatures(samples: Float32Array): ContentFeatures {
  const frames = analyseFrames(samples);
  const active = frames.power.reduce((n, p) => n + (p >= ACTIVE_RMS ** 2 ? 1 : 0), 0);
  return {
    durationSec: samples.length / FEATURE_SAMPLE_RATE,
    activeSec: active / FRAME_RATE,
    pauseRatio: pauseRatio(frames.power),
    modulation4Hz: modulation4Hz(frames),
    ...flux(frames),
    bassRatioDb: 10 * Math.log10((frames.bass + 1e-20) / (frames.mid + 1e-20)),
  };
}

interface Frames {
  count: number;
  /** Mean square of each frame. */
  power: Float64Array;
  /** Band powers, frame-major (`t·BANDS + b`). */
  bands: Float64Array;
  /** Power summed over the clip in bins 1–9 (15.6–140 Hz) and 10–255 (156 Hz – 4 kHz). */
  bass: number;
  mid: number;
}

function analyseFrames(x: Float32Array): Frames {
  const count = x.length < FRAME ? 0 : Math.floor((x.length - FRAME) / HOP) + 1;
  const fft = new FFT(NFFT);
  const window = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME));
  const edges = bandEdges();
  const out: Frames = { count, power: new Float64Array(count), bands: new Float64Array(count * BANDS), bass: 0, mid: 0 };
  const frame = new Float64Array(NFFT);
  const spec = fft.createComplexArray() as number[];
  const power = new Float64Array(NFFT / 2 + 1);
  for (let t = 0; t < count; t++) {
    const start = t * HOP;
    let sum = 0;
    for (let i = 0; i < FRAME; i++) {
      const v = x[start + i]!;
      sum += v * v;
      frame[i] = v * window[i]!;
    }
    out.power[t] = sum / FRAME;
    fft.realTransform(spec, frame);
    for (let k = 0; k <= NFFT / 2; k++) power[k] = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
    for (let b = 0; b < BANDS; b++) {
      let e = 0;
      for (let k = edges[b]!; k < edges[b + 1]!; k++) e += power[k]!;
      out.bands[t * BANDS + b] = e;
    }
    for (let k = 1; k < 10; k++) out.bass += power[k]!;
    for (let k = 10; k < 256; k++) out.mid += power[k]!;
  }
  return out;
}

/** FFT bin edges of BANDS mel-spaced bands from 100 Hz to 7 kHz. */
function bandEdges(): number[] {
  const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const lo = mel(100);
  const hi = mel(7000);
  const edges: number[] = [];
  for (let b = 0; b <= BANDS; b++) edges.push(Math.round((hz(lo + ((hi - lo) * b) / BANDS) * NFFT) / FEATURE_SAMPLE_RATE));
  return edges;
}

/** The p-th percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return 0;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function pauseRatio(power: Float64Array): number {
  const n = power.length;
  if (n === 0) return 0;
  const floor = percentile(power, 5);
  const level = Float64Array.from(power, (p) => Math.sqrt(Math.max(0, p - floor)));
  const prefix = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t]! + level[t]!;
  const half = FRAME_RATE / 2;
  let low = 0;
  for (let t = 0; t < n; t++) {
    const a = Math.max(0, t - half);
    const b = Math.min(n, t + half + 1);
    if (level[t]! < (0.5 * (prefix[b]! - prefix[a]!)) / (b - a)) low++;
  }
  return low / n;
}

function modulation4Hz(f: Frames): number {
  const SEG = 128;
  const fft = new FFT(SEG);
  const hann = Float64Array.from({ length: SEG }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / SEG));
  const hannSum = SEG / 2;
  // Modulation bins k·100/128 Hz: k = 3…8 is 2.34–6.25 Hz.
  const [k0, k1] = [3, 8];
  const [b0, b1] = SPEECH_BANDS;
  const envelopes: Float64Array[] = [];
  for (let b = b0; b < b1; b++) {
    const band = Float64Array.from({ length: f.count }, (_, t) => f.bands[t * BANDS + b]!);
    const floor = percentile(band, 5);
    envelopes.push(band.map((p) => Math.sqrt(Math.max(0, p - floor))));
  }
  const seg = new Float64Array(SEG);
  const spec = fft.createComplexArray() as number[];
  const depths: number[] = [];
  for (let start = 0; start + SEG <= f.count; start += SEG / 2) {
    let sum = 0;
    let used = 0;
    for (const env of envelopes) {
      let mean = 0;
      for (let i = 0; i < SEG; i++) mean += env[start + i]!;
      mean /= SEG;
      if (mean <= 1e-12) continue;
      for (let i = 0; i < SEG; i++) seg[i] = (env[start + i]! - mean) * hann[i]!;
      fft.realTransform(spec, seg);
      let p = 0;
      for (let k = k0; k <= k1; k++) p += spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
      sum += p / (mean * hannSum) ** 2;
      used++;
    }
    depths.push(used > 0 ? sum / used : 0);
  }
  return Math.log10(percentile(depths, 50) + 1e-6);
}

function flux(f: Frames): { excessFlux: number; medianFlux: number } {
  const n = f.count;
  if (n < 2) return { excessFlux: 0, medianFlux: 0 };
  // Levels in dB, floored 80 dB under the loud end so digital silence stays finite.
  const top = percentile(f.bands, 99);
  const minPower = Math.max(top * 1e-8, 1e-20);
  const db = f.bands.map((p) => 10 * Math.log10(Math.max(p, minPower)));
  const floors = Array.from({ length: BANDS }, (_, b) => percentile(Float64Array.from({ length: n }, (_, t) => db[t * BANDS + b]!), 10));
  let excess = 0;
  const plain = new Float64Array(n - 1);
  for (let t = 1; t < n; t++) {
    let e = 0;
    let d = 0;
    for (let b = 0; b < BANDS; b++) {
      const cur = db[t * BANDS + b]!;
      const prev = db[(t - 1) * BANDS + b]!;
      const fl = floors[b]!;
      e += (Math.max(cur - fl, 0) - Math.max(prev - fl, 0)) ** 2;
      d += (cur - prev) ** 2;
    }
    excess += Math.sqrt(e / BANDS);
    plain[t - 1] = Math.sqrt(d / BANDS);
  }
  return { excessFlux: excess / (n - 1), medianFlux: percentile(plain, 50) };
}
