/**
 * Utterance-level scores used by the harness. Thin and exact:
 * - uSDR (MDX challenge 2021): 10·log10((Σ ref² + δ) / (Σ (ref − est)² + δ)), δ = 1e-7, over all channels.
 * - SI-SDR (Le Roux et al., 2019): zero-mean, optimal scaling of the reference.
 */
export function usdr(reference: Float32Array[], estimate: Float32Array[]): number {
  const delta = 1e-7;
  let num = delta;
  let den = delta;
  for (let c = 0; c < reference.length; c++) {
    const r = reference[c]!;
    const e = estimate[c]!;
    const n = Math.min(r.length, e.length);
    for (let i = 0; i < n; i++) {
      num += r[i]! * r[i]!;
      den += (r[i]! - e[i]!) ** 2;
    }
  }
  return 10 * Math.log10(num / den);
}

export function siSdr(reference: Float32Array, estimate: Float32Array): number {
  const n = Math.min(reference.length, estimate.length);
  let mr = 0;
  let me = 0;
  for (let i = 0; i < n; i++) {
    mr += reference[i]!;
    me += estimate[i]!;
  }
  mr /= n;
  me /= n;
  let dot = 0;
  let rr = 0;
  for (let i = 0; i < n; i++) {
    const r = reference[i]! - mr;
    dot += r * (estimate[i]! - me);
    rr += r * r;
  }
  const alpha = rr > 0 ? dot / rr : 0;
  let target = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const t = alpha * (reference[i]! - mr);
    target += t * t;
    noise += (estimate[i]! - me - t) ** 2;
  }
  return 10 * Math.log10((target + 1e-12) / (noise + 1e-12));
}
