import FFT from 'fft.js';

/**
 * Short-FFT building blocks for BSS Eval: lag-limited cross-correlations and
 * FIR filtering of long signals, both by blocks of one small FFT size.
 *
 * mir_eval/museval transform whole signals at `n_fft = 2^ceil(log2(n + L - 1))`
 * (2^19 points for a 7-s 44.1-kHz track) and inverse-transform one full-length
 * product per pair of signals, although only the 2L − 1 central lags are used.
 * Accumulating per-block spectra and inverse-transforming one small FFT per
 * pair gives the same numbers (exact linear correlation, no wrap-around) for a
 * fraction of the cost.
 *
 * Spectra of real blocks are stored as half spectra (bins 0…F/2, interleaved
 * re/im): products of Hermitian spectra stay Hermitian, and two real inverse
 * transforms are done with one complex FFT (z = a + j·b).
 */
export interface BlockPlan {
  /** FIR length / number of lags L (512 in BSS Eval). */
  readonly filterLen: number;
  /** FFT size F. */
  readonly size: number;
  /** Samples per block B, with B + 2(L − 1) ≤ F (correlation) and B + L − 1 ≤ F (filtering). */
  readonly block: number;
  /** Complex values per stored half spectrum: F/2 + 1. */
  readonly bins: number;
  readonly fft: FFT;
}

const plans = new Map<number, BlockPlan>();

/** Plan for filters of `filterLen` taps (cached: fft.js tables are per size). */
export function blockPlan(filterLen: number): BlockPlan {
  let plan = plans.get(filterLen);
  if (plan === undefined) {
    let size = 16;
    // F ≥ 8(L − 1) keeps 3/4 of every transform useful when L = 512.
    while (size < 8 * (filterLen - 1)) size *= 2;
    plan = {
      filterLen,
      size,
      block: size - 2 * (filterLen - 1),
      bins: size / 2 + 1,
      fft: new FFT(size),
    };
    plans.set(filterLen, plan);
  }
  return plan;
}

/** Half spectra of consecutive blocks of one signal: `count` × bins complex values. */
export interface BlockSpectra {
  readonly count: number;
  readonly data: Float64Array;
}

export function blockCount(plan: BlockPlan, length: number): number {
  return Math.max(1, Math.ceil(length / plan.block));
}

/**
 * Spectra of the blocks x[bB + s − (L − 1)], s ∈ [0, F) (zero outside the
 * signal): the "leading" operand of {@link crossCorrelate}.
 */
export function segmentSpectra(plan: BlockPlan, x: ArrayLike<number>, start: number, length: number): BlockSpectra {
  return spectra(plan, x, start, length, plan.filterLen - 1, plan.size);
}

/**
 * Spectra of the blocks x[bB + s], s ∈ [0, B), zero-padded to F: the
 * "lagging" operand of {@link crossCorrelate}, and the input of {@link filterSum}.
 */
export function chunkSpectra(plan: BlockPlan, x: ArrayLike<number>, start: number, length: number): BlockSpectra {
  return spectra(plan, x, start, length, 0, plan.block);
}

function spectra(
  plan: BlockPlan, x: ArrayLike<number>, start: number, length: number, lead: number, span: number,
): BlockSpectra {
  const { size, block, bins, fft } = plan;
  const count = blockCount(plan, length);
  const data = new Float64Array(count * 2 * bins);
  const frame = new Float64Array(size);
  const out = new Float64Array(2 * size);
  for (let b = 0; b < count; b++) {
    frame.fill(0);
    const from = b * block - lead;
    const lo = Math.max(0, from);
    const hi = Math.min(length, from + span);
    for (let t = lo; t < hi; t++) frame[t - from] = x[start + t]!;
    fft.realTransform(out, frame);
    data.set(out.subarray(0, 2 * bins), b * 2 * bins);
  }
  return { count, data };
}

/** Half spectrum of one FIR filter (taps at `offset + k·stride`, k < L), zero-padded to F. */
export function filterSpectrum(plan: BlockPlan, taps: Float64Array, offset: number, stride: number): Float64Array {
  const frame = new Float64Array(plan.size);
  for (let k = 0; k < plan.filterLen; k++) frame[k] = taps[offset + k * stride]!;
  const out = new Float64Array(2 * plan.size);
  plan.fft.realTransform(out, frame);
  return out.slice(0, 2 * plan.bins);
}

/**
 * accs[i] = Σ_b X_b · conj(Y_b) for every pair i = (X from segmentSpectra,
 * Y from chunkSpectra): the spectra of the lag-limited correlations
 * c[k] = Σ_t x[t + k]·y[t], |k| < L. Bins are processed in tiles so that all
 * accumulators of a tile stay in cache while the block spectra stream by
 * once (the naive pair-by-pair loop is memory-bound).
 */
export function accumulateCorrelations(plan: BlockPlan, pairs: readonly (readonly [BlockSpectra, BlockSpectra])[]): Float64Array[] {
  const len = 2 * plan.bins;
  const accs = pairs.map(() => new Float64Array(len));
  const tile = 512;
  for (let f0 = 0; f0 < len; f0 += tile) {
    const f1 = Math.min(len, f0 + tile);
    for (let i = 0; i < pairs.length; i++) {
      const [xs, ys] = pairs[i]!;
      const acc = accs[i]!;
      const x = xs.data, y = ys.data;
      const count = Math.min(xs.count, ys.count);
      for (let b = 0; b < count; b++) {
        const base = b * len;
        for (let j = f0; j < f1; j += 2) {
          const xr = x[base + j]!, xi = x[base + j + 1]!, yr = y[base + j]!, yi = y[base + j + 1]!;
          acc[j] += xr * yr + xi * yi;
          acc[j + 1] += xi * yr - xr * yi;
        }
      }
    }
  }
  return accs;
}

/**
 * Inverse transforms of two Hermitian half spectra with one complex FFT.
 * Returns the real signals a (re) and b (im) interleaved in `out` (length 2F).
 */
export function inversePair(plan: BlockPlan, a: Float64Array, b: Float64Array | null, out: Float64Array): void {
  const { size, bins, fft } = plan;
  const z = scratch(plan);
  for (let f = 0; f < bins; f++) {
    const ar = a[2 * f]!, ai = a[2 * f + 1]!;
    const br = b === null ? 0 : b[2 * f]!, bi = b === null ? 0 : b[2 * f + 1]!;
    z[2 * f] = ar - bi;
    z[2 * f + 1] = ai + br;
    if (f > 0 && f < bins - 1) {
      z[2 * (size - f)] = ar + bi;
      z[2 * (size - f) + 1] = br - ai;
    }
  }
  fft.inverseTransform(out, z);
}

const scratchBySize = new Map<number, Float64Array>();
function scratch(plan: BlockPlan): Float64Array {
  let s = scratchBySize.get(plan.size);
  if (s === undefined) {
    s = new Float64Array(2 * plan.size);
    scratchBySize.set(plan.size, s);
  }
  return s;
}

/**
 * Lags −(L−1)…(L−1) of two correlation spectra (from accumulateCorrelation):
 * writes c[k] at `k + L − 1` of outA / outB.
 */
export function correlationLags(
  plan: BlockPlan, a: Float64Array, b: Float64Array | null, outA: Float64Array, outB: Float64Array | null,
): void {
  const out = new Float64Array(2 * plan.size);
  inversePair(plan, a, b, out);
  const lags = 2 * plan.filterLen - 1;
  for (let i = 0; i < lags; i++) {
    outA[i] = out[2 * i]!;
    if (outB !== null) outB[i] = out[2 * i + 1]!;
  }
}

/** One output of {@link filterSum}: Σ_i h_i ∗ x_i with h_i given by half spectra. */
export interface FilterBank {
  /** Filter half spectra, one per input. */
  readonly filters: readonly Float64Array[];
  /** Chunk spectra of the inputs (chunkSpectra of the same span). */
  readonly inputs: readonly BlockSpectra[];
}

/**
 * Full linear convolutions y = Σ_i h_i ∗ x_i (length `length + L − 1`) for
 * one or two outputs at once, by overlap-add of the chunk spectra.
 */
export function filterSum(plan: BlockPlan, length: number, a: FilterBank, b: FilterBank | null): [Float64Array, Float64Array | null] {
  const { size, block, bins, filterLen } = plan;
  const outLen = length + filterLen - 1;
  const ya = new Float64Array(outLen);
  const yb = b === null ? null : new Float64Array(outLen);
  const count = blockCount(plan, length);
  const accA = new Float64Array(2 * bins);
  const accB = new Float64Array(2 * bins);
  const time = new Float64Array(2 * size);
  for (let c = 0; c < count; c++) {
    mixBlock(accA, a, c, bins);
    if (b !== null) mixBlock(accB, b, c, bins);
    inversePair(plan, accA, b === null ? null : accB, time);
    const off = c * block;
    const end = Math.min(outLen - off, block + filterLen - 1);
    for (let t = 0; t < end; t++) {
      ya[off + t] += time[2 * t]!;
      if (yb !== null) yb[off + t] += time[2 * t + 1]!;
    }
  }
  return [ya, yb];
}

function mixBlock(acc: Float64Array, bank: FilterBank, chunk: number, bins: number): void {
  acc.fill(0);
  const base = chunk * 2 * bins;
  for (let i = 0; i < bank.filters.length; i++) {
    const h = bank.filters[i]!;
    const x = bank.inputs[i]!.data;
    for (let j = 0; j < 2 * bins; j += 2) {
      const hr = h[j]!, hi = h[j + 1]!, xr = x[base + j]!, xi = x[base + j + 1]!;
      acc[j] += hr * xr - hi * xi;
      acc[j + 1] += hr * xi + hi * xr;
    }
  }
}
