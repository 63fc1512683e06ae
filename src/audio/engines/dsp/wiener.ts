import type { Spectrogram } from '../../dsp/stft.ts';

/**
 * Multichannel Wiener filter (Duong, Vincent & Gribonval 2010; as norbert /
 * Open-Unmix use it): source j has, per bin, a power spectral density
 * v_j(f, t) and a 2×2 spatial covariance R_j(f); the mixture covariance is
 * C = Σ_j v_j·R_j, and the estimate of source j's stereo image is
 * y_j = v_j·R_j·C⁻¹·x. Unlike one real mask for both channels, this uses the
 * stems' different panning / inter-channel phase. Σ_j y_j = x (up to the
 * regulariser), so the stems still sum to the mixture.
 *
 * Initial v_j = (m_j·|x|)² from the soft masks; R_j(f) = Σ_t y_j·y_jᴴ / Σ_t v_j
 * with y_j = m_j·x (one "EM" re-estimation of the spatial model).
 * Matrices are frame-major (`[t·bins + k]`).
 */

const EPS = 1e-10;

/** Per-source spatial covariances: 4 floats per bin (a = R11, d = R22, br + i·bi = R12). */
export interface SpatialModel {
  a: Float64Array;
  d: Float64Array;
  br: Float64Array;
  bi: Float64Array;
}

/** Accumulates Σ_t m²·x·xᴴ and Σ_t m²·(|xL|²+|xR|²)/2 over frames [t0, t1) for one source mask. */
export function accumulateSpatial(L: Spectrogram, R: Spectrogram, mask: Float32Array, acc: SpatialModel, weight: Float64Array, t0: number, t1: number): void {
  const bins = L.bins;
  for (let t = t0; t < t1; t++) {
    const base = t * bins;
    for (let k = 0; k < bins; k++) {
      const i = base + k;
      const m = mask[i]!;
      const g = m * m;
      if (g === 0) continue;
      const lr = L.re[i]!, li = L.im[i]!, rr = R.re[i]!, ri = R.im[i]!;
      const pl = lr * lr + li * li, pr = rr * rr + ri * ri;
      acc.a[k]! += g * pl;
      acc.d[k]! += g * pr;
      // L·conj(R)
      acc.br[k]! += g * (lr * rr + li * ri);
      acc.bi[k]! += g * (li * rr - lr * ri);
      weight[k]! += g * 0.5 * (pl + pr);
    }
  }
}

export function newSpatial(bins: number): SpatialModel {
  return { a: new Float64Array(bins), d: new Float64Array(bins), br: new Float64Array(bins), bi: new Float64Array(bins) };
}

/** Normalises accumulated sums by the PSD weight (in place), so tr(R)/2 = 1-ish. */
export function finishSpatial(acc: SpatialModel, weight: Float64Array): void {
  for (let k = 0; k < weight.length; k++) {
    const w = weight[k]! > EPS ? 1 / weight[k]! : 0;
    if (w === 0) {
      acc.a[k] = 1; acc.d[k] = 1; acc.br[k] = 0; acc.bi[k] = 0;
      continue;
    }
    acc.a[k]! *= w; acc.d[k]! *= w; acc.br[k]! *= w; acc.bi[k]! *= w;
  }
}

/**
 * For frames [t0, t1): writes y_target = v_t·R_t·C⁻¹·x into `out` (a pair),
 * with v_j = (m_j·|x|)², |x|² = (|xL|² + |xR|²)/2 and C = Σ_j v_j R_j + ε·I.
 */
export function applyWiener(
  L: Spectrogram, R: Spectrogram, masks: readonly Float32Array[], models: readonly SpatialModel[], target: number,
  outL: Spectrogram, outR: Spectrogram, t0: number, t1: number, maskExponent = 2,
): void {
  const bins = L.bins;
  const J = masks.length;
  const tm = models[target]!;
  for (let t = t0; t < t1; t++) {
    const base = t * bins;
    for (let k = 0; k < bins; k++) {
      const i = base + k;
      const lr = L.re[i]!, li = L.im[i]!, rr = R.re[i]!, ri = R.im[i]!;
      const px = 0.5 * (lr * lr + li * li + rr * rr + ri * ri);
      let ca = 0, cd = 0, cbr = 0, cbi = 0;
      for (let j = 0; j < J; j++) {
        const m = masks[j]![i]!;
        const v = (maskExponent === 2 ? m * m : maskExponent === 1 ? m : m ** maskExponent) * px;
        const s = models[j]!;
        ca += v * s.a[k]!; cd += v * s.d[k]!; cbr += v * s.br[k]!; cbi += v * s.bi[k]!;
      }
      const reg = EPS + 1e-6 * px;
      ca += reg; cd += reg;
      // inverse of Hermitian [ca, cb; cb*, cd]: [cd, −cb; −cb*, ca] / det
      const det = ca * cd - (cbr * cbr + cbi * cbi);
      const inv = det > 0 ? 1 / det : 0;
      // z = C⁻¹ x
      const z1r = inv * (cd * lr - (cbr * rr - cbi * ri));
      const z1i = inv * (cd * li - (cbr * ri + cbi * rr));
      // −cb* · xL = −(cbr − i cbi)(lr + i li)
      const z2r = inv * (ca * rr - (cbr * lr + cbi * li));
      const z2i = inv * (ca * ri - (cbr * li - cbi * lr));
      const mt = masks[target]![i]!;
      const vt = (maskExponent === 2 ? mt * mt : maskExponent === 1 ? mt : mt ** maskExponent) * px;
      const a = tm.a[k]!, d = tm.d[k]!, br = tm.br[k]!, bi = tm.bi[k]!;
      // y = v·R·z, R = [a, b; b*, d]
      outL.re[i] = vt * (a * z1r + br * z2r - bi * z2i);
      outL.im[i] = vt * (a * z1i + br * z2i + bi * z2r);
      outR.re[i] = vt * (br * z1r + bi * z1i + d * z2r);
      outR.im[i] = vt * (br * z1i - bi * z1r + d * z2i);
    }
  }
}
