import { boxSum2d, highPassPower, lowPassPower } from '../dsp/filters.ts';
import { sanitize } from '../dsp/limiter.ts';
import { medianAlongColumns, medianAlongRows } from '../dsp/median.ts';
import { Stft, type Spectrogram } from '../dsp/stft.ts';
import type { RawAudio } from '../raw-audio.ts';
import { inSlices, yieldToEventLoop } from './cooperative.ts';
import { centreWeights, musicMasks, stereoFeatures, vocalMask } from './dsp-masks.ts';
import { repeatingModel, repetFeatures, similarityRows } from './dsp/repet-sim.ts';
import { accumulateSpatial, applyWiener, finishSpatial, newSpatial, type SpatialModel } from './dsp/wiener.ts';
import { ENGINE_STEMS, assertEngineInput, type SeparationEngine, type SeparationMode, type StemAudio, type StemName } from './engine.ts';

/**
 * `dsp`: a classical (model-free) separator for 44.1 kHz stereo.
 *
 * Per STFT bin it multiplies four cues into a "vocal evidence" in [0, 1]:
 *  (a) centre: lead vocals are mixed to the centre, so they are (nearly)
 *      identical in L and R; the smoothed panning similarity measures that;
 *  (b) harmonicity: HPSS (FitzGerald 2010). A median across time keeps what
 *      is steady (harmonic partials, also a vibrato voice, whose partials
 *      stay within a few bins), a median across frequency keeps what is
 *      broadband in one frame (drum hits); their Wiener ratio says "harmonic";
 *  (c) non-repetition: REPET-SIM (Rafii & Pardo 2012). Each frame's
 *      repeating background is the bin-wise median of its most similar frames
 *      (cosine similarity of spectra); the share of |X| above that model is
 *      "not repeating" (loops, riffs and chords repeat, a voice rarely does
 *      exactly). It enters with a floor (`repetFloor`), so a very steady
 *      voice keeps most of its evidence;
 *  (d) a vocal band prior: soft 100 Hz high-pass × 8 kHz low-pass.
 * The evidence becomes a Wiener-style soft mask. The stems' images are then
 * estimated by a multichannel Wiener filter (dsp/wiener.ts): per-stem power
 * (mask·|X|²) and per-frequency 2×2 spatial covariance, y = v·R·C⁻¹·x, which
 * uses the stems' different panning. Vocals always come from the vocal/rest
 * filter (same vocals in both modes). background = mixture − vocals in the
 * time domain, so the two stems sum to the input exactly.
 *
 * Four stems: of the non-vocal part, drums = its percussive share, bass = its
 * harmonic share below ~200 Hz (soft crossover), other = mixture − vocals −
 * drums − bass (exact sum again).
 *
 * Known limits (quality is tuned later): centred sustained instruments leak
 * into vocals; consonants and breaths go to the background; a mono input
 * removes cue (a) (every bin is "centre").
 *
 * Deterministic: no randomness, no state between chunks.
 */

export const DSP_PROFILE = {
  sampleRate: 44100,
  fftSize: 4096, // 93 ms: ~10.8 Hz bins resolve voice partials
  hopSize: 1024, // 75 % overlap
  harmonicMedianHalf: 8, // time median over 17 frames ≈ 0.39 s
  percussiveMedianHalf: 8, // frequency median over 17 bins ≈ 183 Hz
  centreSmoothFrames: 1, // similarity smoothed over 3 frames × 3 bins
  centreSmoothBins: 1,
  centreExponent: 2,
  vocalHighPassHz: 100,
  vocalLowPassHz: 8000,
  vocalBandOrder: 2,
  bassCutoffHz: 200,
  bassOrder: 2,
  wienerPower: 2,
  /** REPET-SIM: frames in the median (incl. the frame itself), min distance (frames), feature bins (≈ 0–5 kHz). */
  repetFrames: 10,
  repetMinDistance: 8,
  repetFeatureBins: 464,
  /** Exponents of the vocal evidence factors: centre, harmonic ratio, non-repeating share. */
  centreWeight: 1,
  harmonicWeight: 1,
  repetWeight: 1,
  /** Floor of the non-repeating factor (a perfectly repeating voice keeps this share of its evidence). */
  repetFloor: 0.6,
  /** Finish with a multichannel Wiener filter over the stems. */
  multichannelWiener: true,
  /** Stem PSDs in the Wiener filter: mask^exponent · |x|² (1 reproduces the soft masks when the stems share one spatial image). */
  wienerMaskExponent: 1,
  /** Frames (or bins, for column passes) per slice between event-loop yields. */
  sliceFrames: 64,
  sliceBins: 128,
} as const;

export type DspOptions = { -readonly [K in keyof typeof DSP_PROFILE]: (typeof DSP_PROFILE)[K] extends boolean ? boolean : number };

export class DspSeparator implements SeparationEngine {
  readonly id = 'dsp';
  readonly requires = { sampleRate: DSP_PROFILE.sampleRate, channels: 2 } as const;
  private readonly stft = new Stft(DSP_PROFILE.fftSize, DSP_PROFILE.hopSize);
  private readonly vocalBand: Float32Array;
  private readonly bassBand: Float32Array;
  private readonly p: DspOptions;

  constructor(options: Partial<DspOptions> = {}) {
    const p = (this.p = { ...DSP_PROFILE, ...options });
    const hzPerBin = p.sampleRate / p.fftSize;
    this.vocalBand = Float32Array.from({ length: this.stft.bins }, (_, k) =>
      highPassPower(k * hzPerBin, p.vocalHighPassHz, p.vocalBandOrder) * lowPassPower(k * hzPerBin, p.vocalLowPassHz, p.vocalBandOrder));
    this.bassBand = Float32Array.from({ length: this.stft.bins }, (_, k) => lowPassPower(k * hzPerBin, p.bassCutoffHz, p.bassOrder));
  }

  stems(mode: SeparationMode): readonly StemName[] {
    return ENGINE_STEMS[mode];
  }

  async separateChunk(chunk: RawAudio, mode: SeparationMode, signal?: AbortSignal): Promise<StemAudio> {
    assertEngineInput(this, chunk);
    const [left, right] = chunk.channels.map(finiteCopy) as [Float32Array, Float32Array];
    const length = left.length;
    const frames = this.stft.frameCount(length);
    const p = this.p;

    const L = this.stft.allocate(frames);
    const R = this.stft.allocate(frames);
    await inSlices(frames, p.sliceFrames, (a, b) => this.stft.analyzePair(left, right, L, R, a, b), signal);

    const masks = await this.computeMasks(L, R, mode, signal);
    const stems: StemName[] = mode === 'two' ? ['vocals'] : ['vocals', 'drums', 'bass'];
    const all = mode === 'two' ? [masks.vocal, masks.rest] : [masks.vocal, masks.drums!, masks.bass!, masks.other!];
    const out: Float32Array[][] = [];
    if (p.multichannelWiener && frames > 0) {
      const models: SpatialModel[] = [];
      for (const m of all) models.push(await this.spatialModel(L, R, m, signal));
      const YL = this.stft.allocate(frames);
      const YR = this.stft.allocate(frames);
      // vocals: the vocal/rest filter in both modes (same vocals in 'two' and 'four'); the other stems: the four-source filter.
      const vocalPair = mode === 'two' ? models : [models[0]!, await this.spatialModel(L, R, masks.rest, signal)];
      await inSlices(frames, p.sliceFrames, (a, b) => applyWiener(L, R, [masks.vocal, masks.rest], vocalPair, 0, YL, YR, a, b, p.wienerMaskExponent), signal);
      out.push(await this.synthesize(YL, YR, null, length, signal));
      for (let j = 1; j < stems.length; j++) {
        await inSlices(frames, p.sliceFrames, (a, b) => applyWiener(L, R, all, models, j, YL, YR, a, b, p.wienerMaskExponent), signal);
        out.push(await this.synthesize(YL, YR, null, length, signal));
      }
    } else {
      for (let j = 0; j < stems.length; j++) out.push(await this.synthesize(L, R, all[j]!, length, signal));
    }
    if (mode === 'two') return { vocals: out[0]!, background: subtract([left, right], out) };
    return { vocals: out[0]!, drums: out[1]!, bass: out[2]!, other: subtract([left, right], out) };
  }

  /** Soft masks (frames × bins) of vocals and the rest, or of the four stems; they sum to 1 per bin. */
  private async computeMasks(L: Spectrogram, R: Spectrogram, mode: SeparationMode, signal?: AbortSignal) {
    const p = this.p;
    const { frames, bins } = L;
    const size = frames * bins;
    const mag = new Float32Array(size);
    const centre = new Float32Array(size); // first Re(L·R*), then the centre weight
    const power = new Float32Array(size);
    await inSlices(frames, p.sliceFrames, (a, b) => stereoFeatures(L, R, a, b, mag, centre, power), signal);

    // (a) centre: smooth numerator and denominator, then take their ratio.
    const crossSum = new Float32Array(size);
    boxSum2d(centre, frames, bins, p.centreSmoothFrames, p.centreSmoothBins, crossSum);
    await yieldToEventLoop(signal);
    boxSum2d(power, frames, bins, p.centreSmoothFrames, p.centreSmoothBins, power); // in place
    await yieldToEventLoop(signal);
    await inSlices(frames, p.sliceFrames, (a, b) => centreWeights(crossSum, power, p.centreExponent, centre, a * bins, b * bins), signal);

    // (b) HPSS medians: harmonic along time (per bin), percussive along frequency (per frame).
    const harmonic = crossSum; // reuse: crossSum is no longer needed
    const vocal = new Float32Array(size);
    await inSlices(bins, p.sliceBins, (a, b) => medianAlongColumns(mag, frames, bins, p.harmonicMedianHalf, harmonic, a, b), signal);
    await inSlices(frames, p.sliceFrames, (a, b) => medianAlongRows(mag, frames, bins, p.percussiveMedianHalf, vocal, a, b), signal);

    // (c) REPET-SIM repeating background → non-repeating share 1 − W/|X| (in `power`, no longer needed).
    const nonRepeating = power;
    if (p.repetWeight > 0 && frames > 1) {
      const fb = Math.min(bins, p.repetFeatureBins);
      const features = repetFeatures(mag, frames, bins, fb);
      const sim = new Float32Array(frames * frames);
      await inSlices(frames, p.sliceFrames, (a, b) => similarityRows(features, frames, fb, sim, a, b), signal);
      await inSlices(frames, p.sliceFrames >> 1, (a, b) => repeatingModel(mag, frames, bins, sim, p.repetFrames, p.repetMinDistance, nonRepeating, a, b), signal);
      for (let i = 0; i < size; i++) {
        const m = mag[i]!;
        nonRepeating[i] = p.repetFloor + (1 - p.repetFloor) * (m > 0 ? (1 - nonRepeating[i]! / m) ** p.repetWeight : 0);
      }
    } else nonRepeating.fill(1);

    // (d) band prior + Wiener mask; `harmonic` becomes the harmonic ratio, `vocal` the mask.
    await inSlices(frames, p.sliceFrames, (a, b) => vocalMask(harmonic, vocal, centre, nonRepeating, this.vocalBand, p, a, b), signal);
    const rest = mag; // reuse
    for (let i = 0; i < size; i++) rest[i] = 1 - vocal[i]!;
    if (mode === 'two') return { vocal, rest };

    const drums = centre; // reuse
    const bass = nonRepeating; // reuse
    await inSlices(frames, p.sliceFrames, (a, b) => musicMasks(vocal, harmonic, this.bassBand, drums, bass, a, b), signal);
    const other = new Float32Array(size);
    for (let i = 0; i < size; i++) other[i] = Math.max(0, rest[i]! - drums[i]! - bass[i]!);
    return { vocal, rest, drums, bass, other };
  }

  private async spatialModel(L: Spectrogram, R: Spectrogram, mask: Float32Array, signal?: AbortSignal): Promise<SpatialModel> {
    const acc = newSpatial(L.bins);
    const w = new Float64Array(L.bins);
    await inSlices(L.frames, this.p.sliceFrames, (a, b) => accumulateSpatial(L, R, mask, acc, w, a, b), signal);
    finishSpatial(acc, w);
    return acc;
  }

  private async synthesize(L: Spectrogram, R: Spectrogram, mask: Float32Array | null, length: number, signal?: AbortSignal): Promise<Float32Array[]> {
    const syn = this.stft.createSynthesis(length);
    await inSlices(L.frames, this.p.sliceFrames, (a, b) => this.stft.synthesizePair(L, R, mask, syn, a, b), signal);
    return this.stft.finishSynthesis(syn);
  }
}

/** The channel itself if every sample is finite, else a sanitised copy (the caller's chunk is never modified). */
function finiteCopy(channel: Float32Array): Float32Array {
  for (let i = 0; i < channel.length; i++) {
    if (!Number.isFinite(channel[i]!)) {
      const copy = channel.slice();
      sanitize(copy);
      return copy;
    }
  }
  return channel;
}

/** mixture − Σ parts, per channel (float64 accumulation). */
function subtract(mixture: Float32Array[], parts: Float32Array[][]): Float32Array[] {
  return mixture.map((ch, c) => {
    const out = new Float32Array(ch.length);
    for (let i = 0; i < ch.length; i++) {
      let v = ch[i]!;
      for (const part of parts) v -= part[c]![i]!;
      out[i] = v;
    }
    return out;
  });
}
