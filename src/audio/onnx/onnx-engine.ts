import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { RawAudio } from '../raw-audio.ts';
import { ENGINE_STEMS, assertEngineInput, type SeparationEngine, type SeparationMode, type StemAudio, type StemName } from '../engines/engine.ts';
import { runChunked, assertWindowPlan, type WindowModel } from './chunked-inference.ts';
import { OnnxModelError, getSession } from './session-cache.ts';

/**
 * A `SeparationEngine` around a waveform-domain ONNX model described by a
 * profile (echogarden's `mdxNetModelProfile1`: the model's constants as data).
 *
 * Per chunk from the pipeline, the model runs in windows of `windowFrames`
 * with `windowFrames − hopFrames` frames of crossfade (`chunked-inference.ts`),
 * one window per `session.run`, every stem of the mode fetched in that run.
 * The session is loaded on the first chunk and shared (`session-cache.ts`).
 *
 * Tensor layout: the input is `inputDims(frames)` (default `[1, channels,
 * frames]`); each stem output holds `channels × frames` float32 values, time
 * last (e.g. `[1, channels, frames]`). A spectrogram-domain model computes its
 * STFT inside the graph, or uses `ChunkedInference` with its own `WindowModel`.
 */

export interface OnnxStemMap {
  /** Stem → name of the model output that holds it. */
  outputs: Partial<Record<StemName, string>>;
  /** A stem computed as input − Σ(the other stems) (e.g. background of a vocals-only model). */
  residual?: StemName;
}

export interface OnnxModelProfile {
  /** Engine id (registry id). */
  id: string;
  modelPath: string;
  sampleRate: number;
  channels: 1 | 2;
  inputName: string;
  /** Supported modes; each MUST cover every stem of `ENGINE_STEMS[mode]`. */
  stems: Partial<Record<SeparationMode, OnnxStemMap>>;
  /** Frames per model call and between window starts (samples at `sampleRate`). */
  windowFrames: number;
  hopFrames: number;
  /** Input tensor dims for a window of `frames`; default `[1, channels, frames]`. */
  inputDims?: (frames: number) => readonly number[];
  /** Passed to the session cache (first load of this model decides). */
  intraOpThreads?: number;
}

export class OnnxModeError extends RangeError {
  constructor(engineId: string, mode: string, supported: string[]) {
    super(`engine ${engineId} does not support mode ${JSON.stringify(mode)} (supported: ${supported.join(', ')})`);
    this.name = 'OnnxModeError';
  }
}

export class OnnxSeparator implements SeparationEngine {
  readonly id: string;
  readonly requires: { sampleRate: number; channels: 1 | 2 };
  private session: Promise<InferenceSession> | undefined;

  constructor(readonly profile: OnnxModelProfile) {
    this.id = profile.id;
    this.requires = { sampleRate: profile.sampleRate, channels: profile.channels };
    assertWindowPlan(profile);
    for (const [mode, map] of Object.entries(profile.stems) as [SeparationMode, OnnxStemMap][]) {
      const missing = ENGINE_STEMS[mode].filter((s) => map.outputs[s] === undefined && map.residual !== s);
      if (missing.length > 0) throw new RangeError(`ONNX profile ${profile.id}: mode ${mode} lacks stem(s) ${missing.join(', ')}`);
      if (map.residual !== undefined && map.outputs[map.residual] !== undefined) throw new RangeError(`ONNX profile ${profile.id}: stem ${map.residual} is both an output and the residual`);
    }
  }

  stems(mode: SeparationMode): readonly StemName[] {
    this.stemMap(mode);
    return ENGINE_STEMS[mode];
  }

  async separateChunk(chunk: RawAudio, mode: SeparationMode, signal?: AbortSignal): Promise<StemAudio> {
    assertEngineInput(this, chunk);
    const map = this.stemMap(mode);
    const session = await this.loadSession();
    const ort = await import('onnxruntime-node');
    const modelled = ENGINE_STEMS[mode].filter((s) => s !== map.residual);
    const names = modelled.map((s) => map.outputs[s]!);
    const channels = this.profile.channels;
    const dims = this.profile.inputDims ?? ((frames: number) => [1, channels, frames]);
    const model: WindowModel = {
      inputRows: channels,
      outputRows: names.map(() => channels),
      run: async (input, frames) => {
        const result = await session.run({ [this.profile.inputName]: new ort.Tensor('float32', input, dims(frames)) }, names);
        return names.map((name) => float32Data(this.id, name, result[name]));
      },
    };
    const outputs = await runChunked(model, this.profile, chunk.channels, signal);
    const stems: StemAudio = {};
    modelled.forEach((stem, i) => (stems[stem] = outputs[i]!));
    if (map.residual !== undefined) stems[map.residual] = residual(chunk.channels, outputs);
    return stems;
  }

  private stemMap(mode: SeparationMode): OnnxStemMap {
    const map = this.profile.stems[mode];
    if (!map) throw new OnnxModeError(this.id, mode, Object.keys(this.profile.stems));
    return map;
  }

  /** Loads (once) and checks that the model has the profile's input and outputs. */
  private loadSession(): Promise<InferenceSession> {
    this.session ??= getSession(this.profile.modelPath, { intraOpThreads: this.profile.intraOpThreads }).then((s) => {
      const p = this.profile;
      const wanted = Object.values(p.stems).flatMap((m) => Object.values(m.outputs)).filter((n): n is string => n !== undefined);
      const absent = [...wanted.filter((n) => !s.outputNames.includes(n)), ...(s.inputNames.includes(p.inputName) ? [] : [p.inputName])];
      if (absent.length > 0) {
        throw new OnnxModelError(p.modelPath, `ONNX model ${p.modelPath} lacks ${absent.join(', ')} (inputs: ${s.inputNames.join(', ')}; outputs: ${s.outputNames.join(', ')})`);
      }
      return s;
    });
    this.session.catch(() => (this.session = undefined));
    return this.session;
  }
}

function float32Data(engineId: string, name: string, tensor: Tensor | undefined): Float32Array {
  if (!tensor || tensor.type !== 'float32') throw new TypeError(`engine ${engineId}: model output ${name} is ${tensor ? tensor.type : 'missing'} (float32 expected)`);
  return tensor.data as Float32Array;
}

/** input − Σ outputs, per channel. */
function residual(input: readonly Float32Array[], outputs: readonly Float32Array[][]): Float32Array[] {
  return input.map((ch, c) => {
    const res = new Float32Array(ch);
    for (const out of outputs) {
      const o = out[c]!;
      for (let i = 0; i < res.length; i++) res[i]! -= o[i]!;
    }
    return res;
  });
}
