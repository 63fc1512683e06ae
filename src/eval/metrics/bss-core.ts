import {
  type BlockPlan, type BlockSpectra,
  accumulateCorrelations, blockPlan, chunkSpectra, correlationLags, filterSpectrum, filterSum, segmentSpectra,
} from './fft-blocks.ts';
import { type BlockToeplitz, type SolverKind, type ToeplitzFactor, factorGram, solveRefined } from './block-toeplitz.ts';

/**
 * The BSS Eval decomposition shared by v3 (mir_eval) and v4 (museval):
 * least-squares projections of an estimate on the references delayed by
 * 0…L−1 samples (`_project`, `_compute_projection_filters`), the
 * decomposition ŝ = s_true + e_spat + e_interf + e_artif
 * (`_bss_decomp_mtifilt`) and the energy ratios (`_bss_source_crit`,
 * `_bss_image_crit`, museval `_bss_crit`).
 *
 * Signals are indexed as "channels" u = source·nchan + channel; for
 * mir_eval's single-channel sources nchan = 1 and u is the source index.
 */
export type Samples = ArrayLike<number>;

/** The references over one span of samples [start, start + length). */
export class ReferenceSpan {
  readonly plan: BlockPlan;
  readonly m: number;
  /** Chunk spectra (input of the filters, lagging operand of correlations). */
  readonly chunks: BlockSpectra[];
  private segments: BlockSpectra[] | null = null;
  private gram: Float64Array | null = null;

  constructor(
    readonly channels: readonly Samples[],
    readonly start: number,
    readonly length: number,
    filterLen: number,
  ) {
    this.plan = blockPlan(filterLen);
    this.m = channels.length;
    this.chunks = channels.map((x) => chunkSpectra(this.plan, x, start, length));
  }

  /** Leading-operand spectra, needed only where filters are estimated. */
  leading(): BlockSpectra[] {
    this.segments ??= this.channels.map((x) => segmentSpectra(this.plan, x, this.start, this.length));
    return this.segments;
  }

  /** Gram blocks R_k[u][v] = Σ_t r_u[t+k]·r_v[t] restricted to `subset` channels. */
  gramBlocks(subset: readonly number[]): BlockToeplitz {
    const { m } = this;
    const p = this.plan.filterLen;
    const full = (this.gram ??= this.fullGram());
    const s = subset.length;
    const r = new Float64Array(p * s * s);
    for (let k = 0; k < p; k++) {
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) r[(k * s + i) * s + j] = full[(k * m + subset[i]!) * m + subset[j]!]!;
      }
    }
    return { m: s, p, r };
  }

  private fullGram(): Float64Array {
    const { m, plan } = this;
    const p = plan.filterLen;
    const seg = this.leading();
    const pairs: [number, number][] = [];
    for (let u = 0; u < m; u++) for (let v = u; v < m; v++) pairs.push([u, v]);
    const r = new Float64Array(p * m * m);
    const store = (u: number, v: number, c: Float64Array): void => {
      for (let k = 0; k < p; k++) {
        r[(k * m + u) * m + v] = c[p - 1 + k]!; // lag +k
        r[(k * m + v) * m + u] = c[p - 1 - k]!; // R_k[v][u] = c_uv[−k]
      }
    };
    correlatePairs(plan, pairs.map(([u, v]) => [seg[u]!, this.chunks[v]!]), (i, c) => store(pairs[i]![0], pairs[i]![1], c));
    return r;
  }

  /**
   * Right-hand sides d[(a·m + u)·q + col] = Σ_t r_u[t − a]·x_col[t] for the
   * given signals (estimate channels) over the same span.
   */
  crossTerms(signals: readonly Samples[]): Float64Array {
    const { m, plan } = this;
    const p = plan.filterLen;
    const q = signals.length;
    const seg = this.leading();
    const xs = signals.map((x) => chunkSpectra(plan, x, this.start, this.length));
    const d = new Float64Array(p * m * q);
    const jobs: [BlockSpectra, BlockSpectra][] = [];
    for (let u = 0; u < m; u++) for (let col = 0; col < q; col++) jobs.push([seg[u]!, xs[col]!]);
    correlatePairs(plan, jobs, (i, c) => {
      const u = Math.floor(i / q), col = i % q;
      for (let a = 0; a < p; a++) d[(a * m + u) * q + col] = c[p - 1 - a]!;
    });
    return d;
  }
}

/** Correlations of many (leading, lagging) pairs, two inverse FFTs at a time. */
function correlatePairs(
  plan: BlockPlan, jobs: readonly [BlockSpectra, BlockSpectra][], sink: (index: number, lags: Float64Array) => void,
): void {
  const lagsA = new Float64Array(2 * plan.filterLen - 1);
  const lagsB = new Float64Array(2 * plan.filterLen - 1);
  const accs = accumulateCorrelations(plan, jobs);
  for (let i = 0; i < jobs.length; i += 2) {
    const second = i + 1 < jobs.length;
    correlationLags(plan, accs[i]!, second ? accs[i + 1]! : null, lagsA, second ? lagsB : null);
    sink(i, lagsA);
    if (second) sink(i + 1, lagsB);
  }
}

/** Rows of d (q columns, m channels) for the channel subset, columns `cols`. */
export function selectRhs(d: Float64Array, p: number, m: number, q: number, rows: readonly number[], cols: readonly number[]): Float64Array {
  const s = rows.length, t = cols.length;
  const out = new Float64Array(p * s * t);
  for (let a = 0; a < p; a++) {
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < t; j++) out[(a * s + i) * t + j] = d[(a * m + rows[i]!) * q + cols[j]!]!;
    }
  }
  return out;
}

/** Normal-equation solver for projections on the `subset` channels of the span. */
export function factorSubset(span: ReferenceSpan, subset: readonly number[], ridge: number, solver: SolverKind): ToeplitzFactor {
  const gram = span.gramBlocks(subset);
  const factor = factorGram(gram, ridge, solver);
  return { ...factor, solve: (y, q) => solveRefined(gram, factor, y, q) };
}

/**
 * Distortion filters as spectra: for every output column `col` of the
 * solution x (layout [(a·s + i)·q + col], s = number of input channels),
 * the half spectra of the s filters.
 */
export function filterBanks(span: ReferenceSpan, x: Float64Array, s: number, q: number): Float64Array[][] {
  const banks: Float64Array[][] = [];
  for (let col = 0; col < q; col++) {
    const bank: Float64Array[] = [];
    for (let i = 0; i < s; i++) bank.push(filterSpectrum(span.plan, x, i * q + col, s * q));
    banks.push(bank);
  }
  return banks;
}

/**
 * Projections Σ_i h_i ∗ r_{inputs[i]} over `span` (length span.length + L − 1)
 * for each filter bank (one per output channel).
 */
export function project(span: ReferenceSpan, inputs: readonly number[], banks: readonly Float64Array[][]): Float64Array[] {
  const chunks = inputs.map((u) => span.chunks[u]!);
  const out: Float64Array[] = [];
  for (let c = 0; c < banks.length; c += 2) {
    const a = { filters: banks[c]!, inputs: chunks };
    const b = c + 1 < banks.length ? { filters: banks[c + 1]!, inputs: chunks } : null;
    const [ya, yb] = filterSum(span.plan, span.length, a, b);
    out.push(ya);
    if (yb !== null) out.push(yb);
  }
  return out;
}

/** 10·log10(num/den), +∞ when den = 0 (mir_eval `_safe_db`). */
export function safeDb(num: number, den: number): number {
  if (den === 0) return Infinity;
  return 10 * Math.log10(num / den);
}

export interface Criteria {
  sdr: number;
  isr: number;
  sir: number;
  sar: number;
}

/**
 * Decomposition and energy ratios for one (reference j, estimate) pair over
 * all channels: `truth` = reference j, `projJ` = projection on reference j
 * only, `projAll` = on all references, `est` = the estimate, all over the
 * span (projections are L − 1 samples longer; the rest is zero-padded).
 * `sourcesVersion` selects `_bss_source_crit` (v3 bss_eval_sources) instead of
 * `_bss_image_crit` (images, museval v4); the former has isr = NaN.
 */
export function criteria(
  truth: readonly Samples[], est: readonly Samples[], start: number, length: number,
  projJ: readonly Float64Array[], projAll: readonly Float64Array[], sourcesVersion: boolean,
): Criteria {
  let eTrue = 0, eFilt = 0, eSpat = 0, eInterf = 0, eArtif = 0, eTotal = 0, eSrcDist = 0, eFiltInterf = 0;
  const total = projJ[0]!.length;
  for (let c = 0; c < truth.length; c++) {
    const s = truth[c]!, x = est[c]!, pj = projJ[c]!, pa = projAll[c]!;
    for (let t = 0; t < total; t++) {
      const inSpan = t < length;
      const sTrue = inSpan ? s[start + t]! : 0;
      const spat = pj[t]! - sTrue;
      const interf = pa[t]! - sTrue - spat;
      let artif = -sTrue - spat - interf;
      if (inSpan) artif += x[start + t]!;
      const filt = sTrue + spat;
      eTrue += sTrue * sTrue;
      eFilt += filt * filt;
      eSpat += spat * spat;
      eInterf += interf * interf;
      eArtif += artif * artif;
      const dist = spat + interf + artif;
      eTotal += dist * dist;
      const srcDist = interf + artif;
      eSrcDist += srcDist * srcDist;
      const fi = filt + interf;
      eFiltInterf += fi * fi;
    }
  }
  if (sourcesVersion) {
    return {
      sdr: safeDb(eFilt, eSrcDist),
      isr: NaN,
      sir: safeDb(eFilt, eInterf),
      sar: safeDb(eFiltInterf, eArtif),
    };
  }
  return {
    sdr: safeDb(eTrue, eTotal),
    isr: safeDb(eTrue, eSpat),
    sir: safeDb(eFilt, eInterf),
    sar: safeDb(eFiltInterf, eArtif),
  };
}

/**
 * mir_eval/museval `_any_source_silent` over a span: a source is silent when
 * the sum over its channels is exactly 0 at every sample.
 */
export function anySourceSilent(sources: readonly (readonly Samples[])[], start: number, length: number): boolean {
  for (const channels of sources) {
    let silent = true;
    for (let t = start; t < start + length && silent; t++) {
      let sum = 0;
      for (const ch of channels) sum += ch[t]!;
      if (sum !== 0) silent = false;
    }
    if (silent) return true;
  }
  return false;
}
