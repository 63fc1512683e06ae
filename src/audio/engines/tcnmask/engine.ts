import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawAudio } from '../../raw-audio.ts';
import { Stft, type Spectrogram } from '../../dsp/stft.ts';
import { runChunked, type WindowModel } from '../../onnx/chunked-inference.ts';
import { getSession } from '../../onnx/session-cache.ts';
import { yieldToEventLoop } from '../cooperative.ts';
import { accumulateSpatial, applyWiener, finishSpatial, newSpatial, type SpatialModel } from '../dsp/wiener.ts';
import { ENGINE_STEMS, assertEngineInput, type SeparationEngine, type SeparationMode, type StemAudio, type StemName } from '../engine.ts';

/**
 * `tcnmask` / `tcnmask4`: separation with the project's own models (issue 6;
 * trained by `training/`, MUSDB18 + MIR-1K, research use only).
 *
 * Per chunk: STFT here in TypeScript (`dsp/stft.ts`: periodic Hann 2048, hop
 * 512, centred) → |X| of both channels as one `[1, 2, 1025, frames]` tensor →
 * ONNX model (log1p + learned normalisation inside the graph, a dilated
 * temporal conv net, ±83 frames of context) → soft masks per stem, channel
 * and bin:
 * - `tcnmask` (2-stem profile, `stems: [vocals, background]`): one vocals mask
 *   in [0, 1]; background = 1 − mask. Mode 'two' only.
 * - `tcnmask4` (4-stem profile, `stems: [vocals, drums, bass, other]`): four
 *   masks that sum to 1 (softmax over stems). Mode 'four' writes all four;
 *   mode 'two' writes vocals and background = drums + bass + other.
 *
 * Stem images are either mask · X per channel, or (profile `postFilter:
 * "wiener"`, issue 6 §4's optional refinement) a multichannel Wiener filter
 * over all the model's sources (`dsp/wiener.ts`: per-stem PSD from the masks,
 * per-stem 2×2 spatial covariance), which uses the stems' different stereo
 * images. Either way the last stem is the input minus the others, so the
 * stems sum to the input exactly.
 *
 * A chunk of up to `WINDOW_FRAMES` frames (23.8 s; the pipeline's default
 * chunk is 20 s) is inferred in one run, exactly as the PyTorch model on the
 * same frames (parity test); longer chunks go through `runChunked` in windows
 * of that size with a 256-frame crossfade (> the receptive field).
 */

export const TCNMASK_ENGINE_ID = 'tcnmask';
export const TCNMASK4_ENGINE_ID = 'tcnmask4';

const MODELS_DIR = fileURLToPath(new URL('../../../../models/', import.meta.url));

export interface TcnMaskProfile {
  id: string;
  model: string;
  sampleRate: number;
  channels: 2;
  fftSize: number;
  hopSize: number;
  window: string;
  input: { name: string };
  outputs: Record<string, unknown>;
  /** `[vocals, background]` (one vocals mask) or `[vocals, drums, bass, other]` (four masks). */
  stems: string[];
  /** Refinement after the masks: `wiener` (multichannel Wiener filter) or none. */
  postFilter?: 'wiener' | 'none';
}

export const WINDOW_FRAMES = 2048;
export const WINDOW_HOP_FRAMES = 1792;
/** Frames of STFT analysis/synthesis between two yields to the event loop (~30 ms of work). */
const SLICE_FRAMES = 128;
const FOUR_STEMS = ['vocals', 'drums', 'bass', 'other'] as const;
/**
 * Stem PSDs in the Wiener filter: mask^e · |x|². With e = 1 the filter gives
 * back the soft masks where the stems share one stereo image and only adds
 * the spatial model; e = 2 (norbert's power estimate) sharpens the masks.
 * Measured on MUSDB18-val with the 2-stem model (npm run eval, same run as
 * the masks): vocals SDR masks 3.89, e = 2 3.50, e = 1 3.83 dB;
 * accompaniment 8.39 / 8.10 / 8.45 dB.
 */
const WIENER_MASK_EXPONENT = 1;

export class TcnMaskModeError extends RangeError {
  constructor(id: string, mode: string) {
    super(`engine ${id} separates vocals from background only (mode 'two'); mode ${JSON.stringify(mode)} needs the 4-stem model (engine ${TCNMASK4_ENGINE_ID})`);
    this.name = 'TcnMaskModeError';
  }
}

export function loadProfile(id = TCNMASK_ENGINE_ID, dir = MODELS_DIR): TcnMaskProfile & { modelPath: string } {
  const profile = JSON.parse(readFileSync(`${dir}${id}.json`, 'utf8')) as TcnMaskProfile;
  if (profile.window !== 'hann-periodic' || profile.channels !== 2) throw new RangeError(`${id}: unsupported profile (window ${profile.window}, ${profile.channels} channels)`);
  const four = profile.stems.length === 4 && FOUR_STEMS.every((s, i) => profile.stems[i] === s);
  const two = profile.stems.length === 2 && profile.stems[0] === 'vocals';
  if (!four && !two) throw new RangeError(`${id}: unsupported stems ${JSON.stringify(profile.stems)}`);
  return { ...profile, modelPath: `${dir}${profile.model}` };
}

export interface TcnMaskOptions {
  /** Overrides the profile's `postFilter` (the eval harness measures both). */
  postFilter?: 'wiener' | 'none';
  /** Engine id (default: the profile id). */
  id?: string;
}

export class TcnMaskSeparator implements SeparationEngine {
  readonly id: string;
  readonly requires: { sampleRate: number; channels: 2 };
  private readonly profile: TcnMaskProfile & { modelPath: string };
  private readonly stft: Stft;
  /** Masks the model returns per channel: 1 (vocals) or 4 (vocals, drums, bass, other). */
  private readonly sources: number;
  private readonly wiener: boolean;

  constructor(profile = loadProfile(), options: TcnMaskOptions = {}) {
    this.profile = profile;
    this.id = options.id ?? profile.id;
    this.requires = { sampleRate: profile.sampleRate, channels: 2 };
    this.stft = new Stft(profile.fftSize, profile.hopSize);
    this.sources = profile.stems.length === 4 ? 4 : 1;
    this.wiener = (options.postFilter ?? profile.postFilter ?? 'none') === 'wiener';
  }

  stems(mode: SeparationMode): readonly StemName[] {
    if (mode === 'four' && this.sources !== 4) throw new TcnMaskModeError(this.id, mode);
    return ENGINE_STEMS[mode];
  }

  async separateChunk(chunk: RawAudio, mode: SeparationMode, signal?: AbortSignal): Promise<StemAudio> {
    assertEngineInput(this, chunk);
    this.stems(mode);
    const [left, right] = chunk.channels.map((ch) => ch.map((x) => (Number.isFinite(x) ? x : 0))) as [Float32Array, Float32Array];
    const n = left.length;
    const wanted: StemName[] = mode === 'two' ? ['vocals'] : ['vocals', 'drums', 'bass'];
    if (n === 0) {
      const empty = () => [new Float32Array(0), new Float32Array(0)];
      return Object.fromEntries(ENGINE_STEMS[mode].map((s) => [s, empty()]));
    }
    const stft = this.stft;
    const frames = stft.frameCount(n);
    const L = stft.allocate(frames);
    const R = stft.allocate(frames);
    for (let t = 0; t < frames; t += SLICE_FRAMES) {
      stft.analyzePair(left, right, L, R, t, Math.min(frames, t + SLICE_FRAMES));
      await yieldToEventLoop(signal);
    }
    // masks[source][channel], frame-major ([t·bins + k], the Stft layout); with one model source, background = 1 − vocals.
    const masks = await this.inferMasks([L, R], signal);
    if (this.sources === 1) masks.push(masks[0]!.map((m) => m.map((g) => 1 - g)));

    const out: Float32Array[][] = [];
    const YL = stft.allocate(frames);
    const YR = stft.allocate(frames);
    if (this.wiener) {
      const shared = masks.map((pair) => sharedMask(L, R, pair[0]!, pair[1]!));
      await yieldToEventLoop(signal);
      const models: SpatialModel[] = [];
      for (const m of shared) models.push(await this.spatialModel(L, R, m, signal));
      for (let j = 0; j < wanted.length; j++) {
        for (let t = 0; t < frames; t += SLICE_FRAMES) {
          applyWiener(L, R, shared, models, j, YL, YR, t, Math.min(frames, t + SLICE_FRAMES), WIENER_MASK_EXPONENT);
          await yieldToEventLoop(signal);
        }
        out.push(await this.synthesize(YL, YR, n, signal));
      }
    } else {
      for (let j = 0; j < wanted.length; j++) {
        applyChannelMasks(L, R, masks[j]![0]!, masks[j]![1]!, YL, YR);
        await yieldToEventLoop(signal);
        out.push(await this.synthesize(YL, YR, n, signal));
      }
    }
    const rest = [left, right].map((x, c) => {
      const r = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let v = x[i]!;
        for (const stem of out) v -= stem[c]![i]!;
        r[i] = v;
      }
      return r;
    });
    if (mode === 'two') return { vocals: out[0]!, background: rest };
    return { vocals: out[0]!, drums: out[1]!, bass: out[2]!, other: rest };
  }

  private async spatialModel(L: Spectrogram, R: Spectrogram, mask: Float32Array, signal?: AbortSignal): Promise<SpatialModel> {
    const acc = newSpatial(L.bins);
    const w = new Float64Array(L.bins);
    for (let t = 0; t < L.frames; t += SLICE_FRAMES) {
      accumulateSpatial(L, R, mask, acc, w, t, Math.min(L.frames, t + SLICE_FRAMES));
      await yieldToEventLoop(signal);
    }
    finishSpatial(acc, w);
    return acc;
  }

  private async synthesize(YL: Spectrogram, YR: Spectrogram, n: number, signal?: AbortSignal): Promise<Float32Array[]> {
    const syn = this.stft.createSynthesis(n);
    for (let t = 0; t < YL.frames; t += SLICE_FRAMES) {
      this.stft.synthesizePair(YL, YR, null, syn, t, Math.min(YL.frames, t + SLICE_FRAMES));
      await yieldToEventLoop(signal);
    }
    return this.stft.finishSynthesis(syn);
  }

  /** |X| → model → masks[source][channel], frame-major. */
  private async inferMasks(specs: [Spectrogram, Spectrogram], signal?: AbortSignal): Promise<Float32Array[][]> {
    const session = await getSession(this.profile.modelPath);
    const ort = await import('onnxruntime-node');
    const { bins, frames } = specs[0];
    const S = this.sources;
    const inputName = this.profile.input.name;
    const outputName = Object.keys(this.profile.outputs)[0]!;
    const run = async (input: Float32Array, t: number): Promise<Float32Array> => {
      const result = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, 2, bins, t]) }, [outputName]);
      const out = result[outputName];
      if (!out || out.type !== 'float32' || out.data.length !== S * 2 * bins * t) throw new TypeError(`engine ${this.id}: model output ${outputName} is not float32 with ${S} × 2 × ${bins} × ${t} values`);
      return out.data as Float32Array;
    };
    // Model layout: rows (source, channel, bin), time last.
    let rows: Float32Array;
    if (frames <= WINDOW_FRAMES) {
      const input = new Float32Array(2 * bins * frames);
      specs.forEach((spec, c) => {
        for (let k = 0; k < bins; k++) {
          const row = (c * bins + k) * frames;
          for (let t = 0; t < frames; t++) {
            const i = t * bins + k;
            input[row + t] = Math.hypot(spec.re[i]!, spec.im[i]!);
          }
        }
      });
      signal?.throwIfAborted();
      rows = await run(input, frames);
    } else {
      const inRows: Float32Array[] = [];
      for (const spec of specs) {
        for (let k = 0; k < bins; k++) {
          const row = new Float32Array(frames);
          for (let t = 0; t < frames; t++) row[t] = Math.hypot(spec.re[t * bins + k]!, spec.im[t * bins + k]!);
          inRows.push(row);
        }
      }
      const model: WindowModel = { inputRows: 2 * bins, outputRows: [S * 2 * bins], run: async (input, t) => [await run(input, t)] };
      const [maskRows] = await runChunked(model, { windowFrames: WINDOW_FRAMES, hopFrames: WINDOW_HOP_FRAMES }, inRows, signal);
      rows = new Float32Array(S * 2 * bins * frames);
      maskRows!.forEach((row, r) => rows.set(row, r * frames));
    }
    await yieldToEventLoop(signal);
    const masks: Float32Array[][] = [];
    for (let s = 0; s < S; s++) {
      const pair: Float32Array[] = [];
      for (let c = 0; c < 2; c++) {
        const m = new Float32Array(bins * frames);
        const base = (s * 2 + c) * bins * frames;
        for (let k = 0; k < bins; k++) {
          const row = base + k * frames;
          for (let t = 0; t < frames; t++) m[t * bins + k] = rows[row + t]!;
        }
        pair.push(m);
      }
      masks.push(pair);
    }
    return masks;
  }
}

/** Y_c = m_c · X_c for both channels (frame-major). */
function applyChannelMasks(L: Spectrogram, R: Spectrogram, mL: Float32Array, mR: Float32Array, YL: Spectrogram, YR: Spectrogram): void {
  for (let i = 0; i < mL.length; i++) {
    const a = mL[i]!, b = mR[i]!;
    YL.re[i] = L.re[i]! * a; YL.im[i] = L.im[i]! * a;
    YR.re[i] = R.re[i]! * b; YR.im[i] = R.im[i]! * b;
  }
}

/**
 * One mask for both channels whose square times (|xL|² + |xR|²)/2 — the PSD
 * `applyWiener` uses — equals (mL²|xL|² + mR²|xR|²)/2, the mean of the
 * per-channel masked powers, so the Wiener filter sees each channel's mask.
 */
function sharedMask(L: Spectrogram, R: Spectrogram, mL: Float32Array, mR: Float32Array): Float32Array {
  const m = new Float32Array(mL.length);
  for (let i = 0; i < m.length; i++) {
    const pl = L.re[i]! * L.re[i]! + L.im[i]! * L.im[i]!;
    const pr = R.re[i]! * R.re[i]! + R.im[i]! * R.im[i]!;
    const p = pl + pr;
    m[i] = p > 0 ? Math.sqrt((mL[i]! * mL[i]! * pl + mR[i]! * mR[i]! * pr) / p) : 0.5 * (mL[i]! + mR[i]!);
  }
  return m;
}
