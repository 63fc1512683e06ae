import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawAudio } from '../../raw-audio.ts';
import { Stft, type Spectrogram } from '../../dsp/stft.ts';
import { runChunked, type WindowModel } from '../../onnx/chunked-inference.ts';
import { getSession } from '../../onnx/session-cache.ts';
import { yieldToEventLoop } from '../cooperative.ts';
import { ENGINE_STEMS, assertEngineInput, type SeparationEngine, type SeparationMode, type StemAudio, type StemName } from '../engine.ts';

/**
 * `tcnmask`: vocals / accompaniment separation with the project's own model
 * (issue 6; trained by `training/`, MUSDB18 + MIR-1K, research use only).
 *
 * Per chunk: STFT here in TypeScript (`dsp/stft.ts`: periodic Hann 2048, hop
 * 512, centred) → |X| of both channels as one `[1, 2, 1025, frames]` tensor →
 * ONNX model (log1p + learned normalisation inside the graph, a dilated
 * temporal conv net, ±83 frames of context) → a vocals mask in [0, 1] per
 * channel and bin → vocals = iSTFT(mask · X); background = input − vocals
 * (= iSTFT((1 − mask) · X), the STFT being exactly invertible), so the stems
 * sum to the input.
 *
 * A chunk of up to `WINDOW_FRAMES` frames (23.8 s; the pipeline's default
 * chunk is 20 s) is inferred in one run, exactly as the PyTorch model on the
 * same frames (parity test); longer chunks go through `runChunked` in windows
 * of that size with a 256-frame crossfade (> the receptive field).
 *
 * Mode 'two' only (a 4-stem model is not trained yet).
 */

export const TCNMASK_ENGINE_ID = 'tcnmask';

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
  stems: string[];
}

export const WINDOW_FRAMES = 2048;
export const WINDOW_HOP_FRAMES = 1792;
/** Frames of STFT analysis/synthesis between two yields to the event loop (~30 ms of work). */
const SLICE_FRAMES = 128;

export class TcnMaskModeError extends RangeError {
  constructor(mode: string) {
    super(`engine ${TCNMASK_ENGINE_ID} separates vocals from background only (mode 'two'); mode ${JSON.stringify(mode)} is not supported yet`);
    this.name = 'TcnMaskModeError';
  }
}

export function loadProfile(dir = MODELS_DIR): TcnMaskProfile & { modelPath: string } {
  const profile = JSON.parse(readFileSync(`${dir}${TCNMASK_ENGINE_ID}.json`, 'utf8')) as TcnMaskProfile;
  if (profile.window !== 'hann-periodic' || profile.channels !== 2) throw new RangeError(`${TCNMASK_ENGINE_ID}: unsupported profile (window ${profile.window}, ${profile.channels} channels)`);
  return { ...profile, modelPath: `${dir}${profile.model}` };
}

export class TcnMaskSeparator implements SeparationEngine {
  readonly id = TCNMASK_ENGINE_ID;
  readonly requires: { sampleRate: number; channels: 2 };
  private readonly profile: TcnMaskProfile & { modelPath: string };
  private readonly stft: Stft;

  constructor(profile = loadProfile()) {
    this.profile = profile;
    this.requires = { sampleRate: profile.sampleRate, channels: 2 };
    this.stft = new Stft(profile.fftSize, profile.hopSize);
  }

  stems(mode: SeparationMode): readonly StemName[] {
    if (mode !== 'two') throw new TcnMaskModeError(mode);
    return ENGINE_STEMS.two;
  }

  async separateChunk(chunk: RawAudio, mode: SeparationMode, signal?: AbortSignal): Promise<StemAudio> {
    assertEngineInput(this, chunk);
    if (mode !== 'two') throw new TcnMaskModeError(mode);
    const [left, right] = chunk.channels.map((ch) => ch.map((x) => (Number.isFinite(x) ? x : 0))) as [Float32Array, Float32Array];
    const n = left.length;
    if (n === 0) return { vocals: [new Float32Array(0), new Float32Array(0)], background: [new Float32Array(0), new Float32Array(0)] };
    const stft = this.stft;
    const frames = stft.frameCount(n);
    const specL = stft.allocate(frames);
    const specR = stft.allocate(frames);
    for (let t = 0; t < frames; t += SLICE_FRAMES) {
      stft.analyzePair(left, right, specL, specR, t, Math.min(frames, t + SLICE_FRAMES));
      await yieldToEventLoop(signal);
    }
    const masks = await this.inferMasks([specL, specR], signal);
    // Masked spectra (mask laid out [channel][bin][frame]), both channels synthesised with one complex IFFT per frame.
    const bins = stft.bins;
    const vocL = stft.allocate(frames);
    const vocR = stft.allocate(frames);
    [[specL, vocL], [specR, vocR]].forEach(([src, dst], c) => {
      const mask = masks[c]!;
      for (let k = 0; k < bins; k++) {
        const row = k * frames;
        for (let t = 0; t < frames; t++) {
          const g = mask[row + t]!;
          const i = t * bins + k;
          dst!.re[i] = src!.re[i]! * g;
          dst!.im[i] = src!.im[i]! * g;
        }
      }
    });
    await yieldToEventLoop(signal);
    const syn = stft.createSynthesis(n);
    for (let t = 0; t < frames; t += SLICE_FRAMES) {
      stft.synthesizePair(vocL, vocR, null, syn, t, Math.min(frames, t + SLICE_FRAMES));
      await yieldToEventLoop(signal);
    }
    const vocals = stft.finishSynthesis(syn);
    const background = [left, right].map((x, c) => {
      const v = vocals[c]!;
      const b = new Float32Array(n);
      for (let i = 0; i < n; i++) b[i] = x[i]! - v[i]!;
      return b;
    });
    return { vocals, background };
  }

  /** |X| → model → one mask per channel, `[bin][frame]` (length bins × frames). */
  private async inferMasks(specs: [Spectrogram, Spectrogram], signal?: AbortSignal): Promise<[Float32Array, Float32Array]> {
    const session = await getSession(this.profile.modelPath);
    const ort = await import('onnxruntime-node');
    const { bins, frames } = specs[0];
    const inputName = this.profile.input.name;
    const outputName = Object.keys(this.profile.outputs)[0]!;
    const run = async (input: Float32Array, t: number): Promise<Float32Array> => {
      const result = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, 2, bins, t]) }, [outputName]);
      const out = result[outputName];
      if (!out || out.type !== 'float32' || out.data.length !== 2 * bins * t) throw new TypeError(`engine ${this.id}: model output ${outputName} is not float32 [1, 2, ${bins}, ${t}]`);
      return out.data as Float32Array;
    };
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
      const out = await run(input, frames);
      return [out.subarray(0, bins * frames), out.subarray(bins * frames)];
    }
    const rows: Float32Array[] = [];
    for (const spec of specs) {
      for (let k = 0; k < bins; k++) {
        const row = new Float32Array(frames);
        for (let t = 0; t < frames; t++) row[t] = Math.hypot(spec.re[t * bins + k]!, spec.im[t * bins + k]!);
        rows.push(row);
      }
    }
    const model: WindowModel = { inputRows: 2 * bins, outputRows: [2 * bins], run: async (input, t) => [await run(input, t)] };
    const [maskRows] = await runChunked(model, { windowFrames: WINDOW_FRAMES, hopFrames: WINDOW_HOP_FRAMES }, rows, signal);
    const masks: [Float32Array, Float32Array] = [new Float32Array(bins * frames), new Float32Array(bins * frames)];
    maskRows!.forEach((row, r) => masks[r < bins ? 0 : 1].set(row, (r % bins) * frames));
    return masks;
  }
}
