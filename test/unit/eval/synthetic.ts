/**
 * Deterministic test signals. mulberry32, not an LCG: delayed copies of an
 * LCG stream are close to linearly dependent over 512 lags (its lattice
 * structure), which makes the BSS Eval Gram matrix needlessly ill-conditioned.
 */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Approximately Gaussian white noise (sum of 6 uniforms, unit variance ×0.5). */
export function noise(n: number, rnd: () => number): Float64Array {
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = 0; i < 6; i++) s += rnd() - 0.5;
    x[t] = s;
  }
  return x;
}

/** Mildly coloured noise: x[t] = g[t] + 0.5·g[t−1]. */
export function colored(n: number, rnd: () => number): Float64Array {
  const g = noise(n, rnd);
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = g[t]! + (t > 0 ? 0.5 * g[t - 1]! : 0);
  return x;
}

/** stems × channels of independent coloured noise. */
export function stems(count: number, channels: number, n: number, seed: number): Float64Array[][] {
  const rnd = prng(seed);
  return Array.from({ length: count }, () => Array.from({ length: channels }, () => colored(n, rnd)));
}

export function energy(x: ArrayLike<number>, start = 0, end = x.length): number {
  let e = 0;
  for (let t = start; t < end; t++) e += x[t]! * x[t]!;
  return e;
}

/** Reference plus white noise scaled so that every `frame`-sample frame has exactly `snrDb`. */
export function withNoise(ref: Float64Array, snrDb: number, frame: number, rnd: () => number): Float64Array {
  const out = Float64Array.from(ref);
  for (let f = 0; f < ref.length; f += frame) {
    const end = Math.min(ref.length, f + frame);
    const nz = noise(end - f, rnd);
    const gain = Math.sqrt(energy(ref, f, end) / energy(nz) / 10 ** (snrDb / 10));
    for (let t = f; t < end; t++) out[t] += gain * nz[t - f]!;
  }
  return out;
}

/** x delayed by d samples (zeros shifted in). */
export function delayed(x: Float64Array, d: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let t = d; t < x.length; t++) out[t] = x[t - d]!;
  return out;
}
