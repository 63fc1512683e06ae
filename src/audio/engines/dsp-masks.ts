import type { Spectrogram } from '../dsp/stft.ts';

/**
 * Per-bin mask arithmetic of the `dsp` engine (pure, frame-range based so the
 * engine can slice the work). All matrices are frame-major `[t·bins + k]`.
 */

const EPS = 1e-12;

/**
 * From the stereo spectra, for frames [t0, t1):
 * - `mag`   = sqrt((|L|² + |R|²) / 2), the magnitude HPSS works on;
 * - `cross` = Re(L·conj(R)), the in-phase part of the inter-channel product;
 * - `power` = |L|² + |R|².
 */
export function stereoFeatures(left: Spectrogram, right: Spectrogram, t0: number, t1: number, mag: Float32Array, cross: Float32Array, power: Float32Array): void {
  const start = t0 * left.bins;
  const end = t1 * left.bins;
  for (let i = start; i < end; i++) {
    const lr = left.re[i]!, li = left.im[i]!, rr = right.re[i]!, ri = right.im[i]!;
    const p = lr * lr + li * li + rr * rr + ri * ri;
    power[i] = p;
    cross[i] = lr * rr + li * ri;
    mag[i] = Math.sqrt(0.5 * p);
  }
}

/**
 * Centre weight c = clamp(2·Re(L·R*) / (|L|² + |R|²), 0, 1)^exponent, from
 * box-smoothed cross and power (written into `dest`, which may be `crossSum`).
 *
 * The ratio (Avendano & Jot's panning similarity, signed by phase) is 1 for a
 * source identical in both channels (a centred voice), 0 for a hard-panned
 * one, and ≤ 0 for anti-phase or decorrelated (wide reverb, stereo
 * synths) content once smoothed over neighbouring bins and frames.
 */
export function centreWeights(crossSum: Float32Array, powerSum: Float32Array, exponent: number, dest: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const s = (2 * crossSum[i]!) / (powerSum[i]! + EPS);
    dest[i] = s <= 0 ? 0 : s >= 1 ? 1 : s ** exponent;
  }
}

/**
 * For frames [t0, t1), in place:
 * - `harmonic` (in: time-median H, out: harmonic ratio H²/(H²+P²));
 * - `percussive` (in: frequency-median P, out: the vocal mask).
 *
 * Vocal evidence e = centre · harmonic ratio · vocal band prior(f), each a
 * probability-like weight in [0, 1]. The mask is the Wiener ratio of the
 * implied power estimates, (e·|X|)^p / ((e·|X|)^p + ((1-e)·|X|)^p), which
 * pushes confident bins towards 0/1 and leaves uncertain ones near 0.5.
 */
export function vocalMask(
  harmonic: Float32Array,
  percussive: Float32Array,
  centre: Float32Array,
  nonRepeating: Float32Array,
  vocalBand: Float32Array,
  w: { wienerPower: number; centreWeight: number; harmonicWeight: number },
  t0: number,
  t1: number,
): void {
  const bins = vocalBand.length;
  const { wienerPower, centreWeight, harmonicWeight } = w;
  for (let t = t0; t < t1; t++) {
    const base = t * bins;
    for (let k = 0; k < bins; k++) {
      const i = base + k;
      const h = harmonic[i]!, p = percussive[i]!;
      const hh = h * h;
      const ratio = hh / (hh + p * p + EPS);
      harmonic[i] = ratio;
      const c = centre[i]!;
      const e = (centreWeight === 1 ? c : c ** centreWeight) * (harmonicWeight === 1 ? ratio : ratio ** harmonicWeight) * nonRepeating[i]! * vocalBand[k]!;
      const v = e ** wienerPower;
      percussive[i] = v / (v + (1 - e) ** wienerPower + EPS);
    }
  }
}

/**
 * Four-stem masks on the non-vocal part a = 1 − vocalMask, for frames [t0, t1):
 * drums = a · (1 − harmonic ratio) (what is broadband in a frame),
 * bass  = a · harmonic ratio · bass low-pass(f) (steady and low).
 * `other` is the remainder, formed in the time domain by the engine.
 */
export function musicMasks(vocal: Float32Array, harmonicRatio: Float32Array, bassBand: Float32Array, drums: Float32Array, bass: Float32Array, t0: number, t1: number): void {
  const bins = bassBand.length;
  for (let t = t0; t < t1; t++) {
    const base = t * bins;
    for (let k = 0; k < bins; k++) {
      const i = base + k;
      const rest = 1 - vocal[i]!;
      const h = harmonicRatio[i]!;
      drums[i] = rest * (1 - h);
      bass[i] = rest * h * bassBand[k]!;
    }
  }
}
