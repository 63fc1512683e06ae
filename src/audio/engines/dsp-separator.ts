import { boxSum2d, highPassPower, lowPassPower } from '../dsp/filters.ts';
import { sanitize } from '../dsp/limiter.ts';
import { medianAlongColumns, medianAlongRows } from '../dsp/median.ts';
import { Stft, type Spectrogram } from '../dsp/stft.ts';
import type { RawAudio } from '../raw-audio.ts';
import { inSlices, yieldToEventLoop } from './cooperative.ts';
import { centreWeights, musicMasks, stereoFeatures, vocalMask } from './dsp-masks.ts';
import { ENGINE_STEMS, assertEngineInput, type SeparationEngine, type SeparationMode, type StemAudio, type StemName } from './engine.ts';

/**
 * `dsp`: a classical (model-free) separator for 44.1 kHz stereo.
 *
 * Per STFT bin it multiplies three cues into a "vocal evidence" in [0, 1]:
 *  (a) centre: lead vocals are mixed to the centre, so they are (nearly)
 *      identical in L and R; the smoothed panning similarity measures that;
 *  (b) harmonicity: HPSS (FitzGerald 2010). A median across time keeps what
 *      is steady (harmonic partials, also a vibrato voice, whose partials
 *      stay within a few bins), a median across frequency keeps what is
 *      broadband in one frame (drum hits); their Wiener ratio says "harmonic";
 *  (c) a vocal band prior: soft 100 Hz high-pass × 8 kHz low-pass.
 * The evidence becomes a Wiener-style soft mask, applied to both channels
 * (the voice keeps its stereo image). background = mixture − vocals in the
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
  /** Frames (or bins, for column passes) per slice between event-loop yields. */
  sliceFrames: 64,
  sliceBins: 128,
} as const;

export class DspSeparator implements SeparationEngine {
  readonly id = 'dsp';
  readonly requires = { sampleRate: DSP_PROFILE.sampleRate, channels: 2 } as const;
  private readonly stft = new Stft(DSP_PROFILE.fftSize, DSP_PROFILE.hopSize);
  private readonly vocalBand: Float32Array;
  private readonly bassBand: Float32Array;

  constructor() {
    const p = DSP_PROFILE;
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
    const p = DSP_PROFILE;

    const L = this.stft.allocate(frames);
    const R = this.stft.allocate(frames);
    await inSlices(frames, p.sliceFrames, (a, b) => this.stft.analyzePair(left, right, L, R, a, b), signal);

    const masks = await this.computeMasks(L, R, mode, signal);
    const vocals = await this.synthesize(L, R, masks.vocal, length, signal);
    if (mode === 'two') return { vocals, background: subtract([left, right], [vocals]) };

    const drums = await this.synthesize(L, R, masks.drums!, length, signal);
    const bass = await this.synthesize(L, R, masks.bass!, length, signal);
    return { vocals, drums, bass, other: subtract([left, right], [vocals, drums, bass]) };
  }

  /** Vocal mask (and drum/bass masks in four-stem mode), each frames × bins. */
  private async computeMasks(L: Spectrogram, R: Spectrogram, mode: SeparationMode, signal?: AbortSignal) {
    const p = DSP_PROFILE;
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

    // (c) band prior + Wiener mask; `harmonic` becomes the harmonic ratio, `vocal` the mask.
    await inSlices(frames, p.sliceFrames, (a, b) => vocalMask(harmonic, vocal, centre, this.vocalBand, p.wienerPower, a, b), signal);
    if (mode === 'two') return { vocal };

    const drums = mag; // reuse
    const bass = centre; // reuse
    await inSlices(frames, p.sliceFrames, (a, b) => musicMasks(vocal, harmonic, this.bassBand, drums, bass, a, b), signal);
    return { vocal, drums, bass };
  }

  private async synthesize(L: Spectrogram, R: Spectrogram, mask: Float32Array, length: number, signal?: AbortSignal): Promise<Float32Array[]> {
    const syn = this.stft.createSynthesis(length);
    await inSlices(L.frames, DSP_PROFILE.sliceFrames, (a, b) => this.stft.synthesizePair(L, R, mask, syn, a, b), signal);
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
