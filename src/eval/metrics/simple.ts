/**
 * Filter-free separation metrics and the MUSDB aggregation.
 *
 * - {@link siSdr}: scale-invariant SDR (Le Roux, Wisdom, Erdogan & Hershey,
 *   "SDR – half-baked or well done?", ICASSP 2019), the usual speech metric.
 * - {@link usdr}: the "utterance-level" SDR of the Music Demixing Challenge
 *   2021 (AIcrowd starter kit; demucs `new_sdr`): one ratio per stem over all
 *   channels and samples, no framing, no filters.
 * - {@link musdbMedian}: the SiSEC/MUSDB aggregation of museval framewise
 *   scores (median over frames per track, then median over tracks).
 *
 * The museval v4 framewise metrics themselves are in museval.ts (re-exported
 * here for convenience).
 */
export { MusevalScorer, musevalSdr, musevalTrack } from './museval.ts';
export type { MusevalOptions, MusevalResult, Stems } from './museval.ts';

type Samples = ArrayLike<number>;

/** ε of the MDX challenge SDR, added to numerator and denominator. */
export const MDX_DELTA = 1e-7;

/**
 * SI-SDR in dB: both signals made zero-mean, target = α·s with
 * α = ⟨ŝ, s⟩/‖s‖², SI-SDR = 10·log10(‖α·s‖² / ‖ŝ − α·s‖²).
 * +∞ for a perfect (scaled) estimate; NaN when the reference is constant.
 */
export function siSdr(reference: Samples, estimate: Samples): number {
  const n = reference.length;
  if (estimate.length !== n) throw new RangeError(`siSdr: ${estimate.length} estimate samples for ${n} reference samples`);
  let ms = 0, me = 0;
  for (let i = 0; i < n; i++) {
    ms += reference[i]!;
    me += estimate[i]!;
  }
  ms /= n;
  me /= n;
  let ss = 0, se = 0;
  for (let i = 0; i < n; i++) {
    const s = reference[i]! - ms;
    ss += s * s;
    se += s * (estimate[i]! - me);
  }
  if (ss === 0) return NaN;
  const alpha = se / ss;
  let target = 0, residual = 0;
  for (let i = 0; i < n; i++) {
    const t = alpha * (reference[i]! - ms);
    const r = estimate[i]! - me - t;
    target += t * t;
    residual += r * r;
  }
  return residual === 0 ? Infinity : 10 * Math.log10(target / residual);
}

/**
 * MDX challenge SDR of one stem (channels × samples, same shapes):
 * 10·log10((Σ s² + δ) / (Σ (s − ŝ)² + δ)), δ = 1e-7, sums over all channels.
 */
export function usdr(reference: readonly Samples[], estimate: readonly Samples[]): number {
  if (reference.length !== estimate.length) {
    throw new RangeError(`usdr: ${estimate.length} estimate channels for ${reference.length} reference channels`);
  }
  let num = 0, den = 0;
  reference.forEach((s, c) => {
    const x = estimate[c]!;
    if (x.length !== s.length) throw new RangeError(`usdr: channel ${c} has ${x.length} estimate samples for ${s.length}`);
    for (let i = 0; i < s.length; i++) {
      num += s[i]! * s[i]!;
      den += (s[i]! - x[i]!) ** 2;
    }
  });
  return 10 * Math.log10((num + MDX_DELTA) / (den + MDX_DELTA));
}

/**
 * Median ignoring NaN (pandas `median(skipna=True)`, numpy `nanmedian`):
 * the mean of the two middle values for an even count; NaN when empty.
 */
export function nanMedian(values: Iterable<number>): number {
  const v = [...values].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * The MUSDB/SiSEC 2018 convention (museval `EvalStore.agg_frames_scores` then
 * the median over tracks): `framewise[track]` holds one metric's per-frame
 * values for one target; each track is reduced to its median over frames
 * (NaN frames ignored), then the median over tracks (tracks with no valid
 * frame ignored).
 */
export function musdbMedian(framewise: readonly ArrayLike<number>[]): number {
  return nanMedian(framewise.map((frames) => nanMedian(Array.from(frames))));
}
