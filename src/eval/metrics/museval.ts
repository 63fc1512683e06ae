import {
  type Samples, ReferenceSpan, anySourceSilent, criteria, factorSubset, filterBanks, project, safeDb, selectRhs,
} from './bss-core.ts';
import type { ToeplitzFactor } from './block-toeplitz.ts';

/**
 * BSS Eval v4 as museval (sigsep-mus-eval 0.4, `museval.evaluate` →
 * `metrics.bss_eval`) computes it for MUSDB18 / SiSEC 2018:
 *
 *     bss_eval(references, estimates, window=44100, hop=44100,
 *              compute_permutation=False, filters_len=512,
 *              framewise_filters=False, bsseval_sources_version=False)
 *
 * i.e. the "images" decomposition (references are multichannel source
 * images; SDR/ISR/SIR/SAR from `_bss_crit(…, bsseval_sources_version=False)`)
 * with ONE set of 512-tap distortion filters per estimate, estimated on the
 * whole track (G + eps·I, eps = 2.2e-16), then applied to each 1-s frame of the
 * references (each frame zero-padded on its own, as museval slices before
 * `_project`). Estimate j is scored against reference j (no permutation).
 * Frames are [t·hop, t·hop + window) for t < floor((n − window + hop)/hop)
 * (one frame = whole track when window ≥ n); a frame where ANY reference or
 * estimate stem is silent (channel sum 0 at every sample) is NaN for every
 * stem. Estimates are zero-padded or truncated to the reference length
 * (`museval.evaluate(padding=True)`); an all-silent stem throws, as museval
 * raises ValueError.
 *
 * Note on SDR: in the images decomposition e_spat + e_interf + e_artif equals
 * ŝ − s exactly, so v4 SDR is the framewise 10·log10(Σs² / Σ(s − ŝ)²): it owes
 * nothing to the filters (a delayed estimate scores a LOW SDR; the delay shows
 * up as a low ISR). {@link musevalSdr} computes just that, without filters.
 */
export type Stems = readonly (readonly Samples[])[];

export interface MusevalOptions {
  /** Frame length in samples (museval: 1 s = 44100). */
  window?: number;
  /** Hop in samples (museval: 44100). */
  hop?: number;
}

/** stems × frames, in dB; NaN for silent frames. */
export interface MusevalResult {
  sdr: Float64Array[];
  isr: Float64Array[];
  sir: Float64Array[];
  sar: Float64Array[];
  /** Frame spans in samples. */
  frames: { start: number; length: number }[];
}

export class MusevalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MusevalInputError';
  }
}

/** np.finfo(float).eps, added to the Gram matrix by museval. */
const EPS = 2.220446049250313e-16;
const FILTER_LEN = 512;

/** museval v4 metrics of one track (all four metrics). */
export function musevalTrack(references: Stems, estimates: Stems, options: MusevalOptions = {}): MusevalResult {
  return new MusevalScorer(references, options).score(estimates);
}

/**
 * museval v4 SDR only (stems × frames): identical to musevalTrack().sdr up to
 * rounding, without any filter estimation.
 */
export function musevalSdr(references: Stems, estimates: Stems, options: MusevalOptions = {}): Float64Array[] {
  const { length, nchan } = checkReferences(references);
  const est = conform(estimates, references.length, nchan, length);
  const frames = framing(options.window ?? 44100, options.hop ?? 44100, length);
  return references.map((ref, j) => Float64Array.from(frames, ({ start, length: len }) => {
    if (anySourceSilent(references, start, len) || anySourceSilent(est, start, len)) return NaN;
    let num = 0, den = 0;
    ref.forEach((s, c) => {
      const x = est[j]![c]!;
      for (let t = start; t < start + len; t++) {
        num += s[t]! * s[t]!;
        den += (x[t]! - s[t]!) ** 2;
      }
    });
    return safeDb(num, den);
  }));
}

/**
 * museval v4 for several estimates of the same references (one per engine):
 * the reference correlations, their factorisations and the per-frame
 * reference spectra are computed once. Holds O(L²·m²) doubles once the
 * first estimate is scored (≈ 150 MB for 4 stereo stems of 7 s): keep one
 * scorer per track, not one per dataset.
 */
export class MusevalScorer {
  private readonly nsrc: number;
  private readonly nchan: number;
  private readonly length: number;
  private readonly channels: Samples[];
  readonly frames: { start: number; length: number }[];
  private global: ReferenceSpan | null = null;
  private factorAll: ToeplitzFactor | null = null;
  private factorJ: ToeplitzFactor[] = [];
  private readonly frameSpans = new Map<number, ReferenceSpan>();

  constructor(private readonly references: Stems, options: MusevalOptions = {}) {
    const { length, nchan } = checkReferences(references);
    this.nsrc = references.length;
    this.nchan = nchan;
    this.length = length;
    this.channels = references.flatMap((stem) => [...stem]);
    this.frames = framing(options.window ?? 44100, options.hop ?? 44100, length);
  }

  score(estimates: Stems): MusevalResult {
    const { nsrc, nchan, length } = this;
    const est = conform(estimates, nsrc, nchan, length);
    const span = (this.global ??= new ReferenceSpan(this.channels, 0, length, FILTER_LEN));
    const m = nsrc * nchan;
    const all = Array.from({ length: m }, (_, u) => u);
    const own = (j: number): number[] => Array.from({ length: nchan }, (_, c) => j * nchan + c);
    this.factorAll ??= factorSubset(span, all, EPS, 'schur');
    if (this.factorJ.length === 0) this.factorJ = Array.from({ length: nsrc }, (_, j) => factorSubset(span, own(j), EPS, 'schur'));
    // Filters from the whole track: C[j] (all references → estimate j), Cj[j] (reference j → estimate j).
    const q = m;
    const d = span.crossTerms(est.flatMap((stem) => [...stem]));
    const banksAllCols = filterBanks(span, this.factorAll.solve(d, q), m, q);
    const banksAll = Array.from({ length: nsrc }, (_, j) => banksAllCols.slice(j * nchan, (j + 1) * nchan));
    const banksJ = Array.from({ length: nsrc }, (_, j) => {
      const rhs = selectRhs(d, FILTER_LEN, m, q, own(j), own(j));
      return filterBanks(span, this.factorJ[j]!.solve(rhs, nchan), nchan, nchan);
    });
    const out = this.emptyResult();
    this.frames.forEach(({ start, length: len }, t) => {
      const silent = anySourceSilent(this.references, start, len) || anySourceSilent(est, start, len);
      const frame = silent ? null : this.frameSpan(t);
      for (let j = 0; j < nsrc; j++) {
        const c = frame === null
          ? { sdr: NaN, isr: NaN, sir: NaN, sar: NaN }
          : criteria(this.references[j]!, est[j]!, start, len,
            project(frame, own(j), banksJ[j]!), project(frame, all, banksAll[j]!), false);
        out.sdr[j]![t] = c.sdr;
        out.isr[j]![t] = c.isr;
        out.sir[j]![t] = c.sir;
        out.sar[j]![t] = c.sar;
      }
    });
    return out;
  }

  private frameSpan(t: number): ReferenceSpan {
    let span = this.frameSpans.get(t);
    if (span === undefined) {
      const { start, length } = this.frames[t]!;
      span = new ReferenceSpan(this.channels, start, length, FILTER_LEN);
      this.frameSpans.set(t, span);
    }
    return span;
  }

  private emptyResult(): MusevalResult {
    const make = (): Float64Array[] => Array.from({ length: this.nsrc }, () => new Float64Array(this.frames.length));
    return { sdr: make(), isr: make(), sir: make(), sar: make(), frames: this.frames.map((f) => ({ ...f })) };
  }
}

/** museval `Framing`: nwin = floor((n − window + hop)/hop) when window < n, else 1. */
function framing(window: number, hop: number, length: number): { start: number; length: number }[] {
  if (!(window > 0 && hop > 0)) throw new MusevalInputError(`window and hop must be positive (${window}, ${hop} given)`);
  const nwin = window < length ? Math.floor((length - window + hop) / hop) : 1;
  return Array.from({ length: nwin }, (_, t) => {
    const start = Number.isFinite(t * hop) ? t * hop : 0;
    return { start, length: Math.min(start + window, length) - start };
  });
}

function checkReferences(references: Stems): { length: number; nchan: number } {
  if (references.length === 0 || references[0]!.length === 0) {
    throw new MusevalInputError('references must have at least one stem and one channel');
  }
  const nchan = references[0]!.length;
  const length = references[0]![0]!.length;
  references.forEach((stem, j) => {
    if (stem.length !== nchan) throw new MusevalInputError(`reference stem ${j} has ${stem.length} channels (${nchan} expected)`);
    for (const ch of stem) {
      if (ch.length !== length) throw new MusevalInputError(`reference stem ${j} has ${ch.length} samples (${length} expected)`);
    }
  });
  if (length === 0) throw new MusevalInputError('references are empty');
  references.forEach((stem, j) => {
    if (anySourceSilent([stem], 0, length)) throw new MusevalInputError(`reference stem ${j} is silent over the whole track`);
  });
  return { length, nchan };
}

/** museval `pad_or_truncate`: estimates cut or zero-padded to the reference length. */
function conform(estimates: Stems, nsrc: number, nchan: number, length: number): Samples[][] {
  if (estimates.length !== nsrc) throw new MusevalInputError(`${estimates.length} estimated stems for ${nsrc} references`);
  const out = estimates.map((stem, j) => {
    if (stem.length !== nchan) throw new MusevalInputError(`estimated stem ${j} has ${stem.length} channels (${nchan} expected)`);
    return stem.map((ch) => {
      if (ch.length === length) return ch;
      const fixed = new Float64Array(length);
      for (let t = 0; t < Math.min(length, ch.length); t++) fixed[t] = ch[t]!;
      return fixed;
    });
  });
  out.forEach((stem, j) => {
    if (anySourceSilent([stem], 0, length)) throw new MusevalInputError(`estimated stem ${j} is silent over the whole track`);
  });
  return out;
}
