import { yieldToEventLoop } from '../engines/cooperative.ts';

/**
 * Runs a model over a long input in fixed-size overlapping windows and joins
 * the window outputs by normalised weighted overlap-add, streaming: memory is
 * about two windows whatever the input's length, so an hour of audio never
 * becomes one tensor.
 *
 * Layout. The input is a set of `inputRows` time series of equal length
 * (audio channels, or channel × frequency-bin rows of a spectrogram); the
 * time axis is the one cut into windows. A window is handed to the model as
 * one row-major `[rows, frames]` array, time last, the layout of ONNX
 * `[N, C, T]` / `[N, C, F, T]` tensors. Each model output has its own row
 * count and the same frame count as its input window.
 *
 * Windows. Window k covers frames [k·hop, k·hop + window). When the input
 * ends between two window starts, one more window is placed flush with the
 * end, [T − window, T), so the model never sees padding except when the whole
 * input is shorter than a window (zero padding on the right, then cropped).
 *
 * Joining. Output frame t = Σ_k w_k(t)·y_k(t) / Σ_k w_k(t), with a trapezoid
 * weight (linear ramps of `window − hop` frames at both ends of a window, 1
 * between them), always > 0 inside a window. Because the weights are
 * normalised, a model that acts sample by sample (gain, mask, identity) is
 * reproduced exactly at window boundaries, and a model with edge effects is
 * crossfaded from one window to the next. Frames are emitted as soon as no
 * later regular window can cover them; the end-flush window therefore only
 * contributes to frames not yet emitted: its ramp starts at the first of them
 * and it has no fade-out (nothing follows it).
 */

export interface WindowModel {
  /** Rows (values per time step) of the input. */
  readonly inputRows: number;
  /** Rows of each output, in the order `run` returns them. */
  readonly outputRows: readonly number[];
  /**
   * Runs one window: `input` holds `inputRows × frames` values, row-major,
   * time last. MUST return one array per output of `outputRows[o] × frames`
   * values in the same layout. MUST NOT keep `input` after resolving (it is
   * reused for the next window).
   */
  run(input: Float32Array, frames: number, signal?: AbortSignal): Promise<readonly Float32Array[]>;
}

export interface WindowPlan {
  /** Frames per model call. */
  windowFrames: number;
  /** Distance between window starts; `windowFrames − hopFrames` is the overlap (crossfade) length. */
  hopFrames: number;
}

/** Outputs as `[output][row]` time series. */
export type ChunkedOutputs = Float32Array[][];

export function assertWindowPlan(plan: WindowPlan): void {
  const { windowFrames: w, hopFrames: h } = plan;
  if (!Number.isInteger(w) || !Number.isInteger(h) || h < 1 || h > w) {
    throw new RangeError(`window plan needs integers with 1 ≤ hopFrames ≤ windowFrames (${w}, ${h} given)`);
  }
}

/**
 * Weight of frame `i` of a span of `length` frames with ramps of `ramp`
 * frames: min(1, (i + ½)/ramp, (length − i − ½)/ramp); 1 everywhere when ramp
 * is 0. Without `fadeOut`, only the leading ramp (the end-flush window, which
 * nothing follows).
 */
export function crossfadeWeight(i: number, length: number, ramp: number, fadeOut = true): number {
  if (ramp <= 0) return 1;
  return Math.min(1, (i + 0.5) / ramp, fadeOut ? (length - i - 0.5) / ramp : 1);
}

/** Streaming chunked inference: `push` input as it arrives, `finish` once. */
export class ChunkedInference {
  private readonly window: number;
  private readonly hop: number;
  private readonly ramp: number;
  /** Input frames [inStart, inEnd), capacity window + hop. */
  private readonly input: Float32Array[];
  private inStart = 0;
  private inEnd = 0;
  /** Start of the next regular window. */
  private nextStart = 0;
  private windowsRun = 0;
  /** Weighted sums for frames [emitted, emitted + window), per output and row. */
  private readonly acc: Float64Array[][];
  private readonly weight: Float64Array;
  private readonly spanWeights: Float64Array;
  private emitted = 0;
  private readonly scratch: Float32Array;
  private finished = false;

  constructor(private readonly model: WindowModel, plan: WindowPlan) {
    assertWindowPlan(plan);
    if (!Number.isInteger(model.inputRows) || model.inputRows < 1) throw new RangeError(`model.inputRows must be a positive integer (${model.inputRows} given)`);
    this.window = plan.windowFrames;
    this.hop = plan.hopFrames;
    this.ramp = plan.windowFrames - plan.hopFrames;
    this.input = Array.from({ length: model.inputRows }, () => new Float32Array(this.window + this.hop));
    this.acc = model.outputRows.map((rows) => Array.from({ length: rows }, () => new Float64Array(this.window)));
    this.weight = new Float64Array(this.window);
    this.spanWeights = new Float64Array(this.window);
    this.scratch = new Float32Array(model.inputRows * this.window);
  }

  /** Frames received so far. */
  get framesIn(): number {
    return this.inEnd;
  }

  /**
   * Appends `rows` (one array per input row, equal lengths) and returns the
   * output frames that became final, in order (possibly none).
   */
  async push(rows: readonly Float32Array[], signal?: AbortSignal): Promise<ChunkedOutputs> {
    if (this.finished) throw new Error('ChunkedInference: push after finish');
    if (rows.length !== this.model.inputRows) throw new RangeError(`expected ${this.model.inputRows} input rows (${rows.length} given)`);
    const n = rows[0]!.length;
    if (rows.some((r) => r.length !== n)) throw new RangeError(`input rows differ in length (${rows.map((r) => r.length).join(', ')})`);
    const parts: ChunkedOutputs[] = [];
    let read = 0;
    while (read < n) {
      this.compactInput();
      const room = this.input[0]!.length - (this.inEnd - this.inStart);
      const take = Math.min(room, n - read);
      const at = this.inEnd - this.inStart;
      for (let r = 0; r < rows.length; r++) this.input[r]!.set(rows[r]!.subarray(read, read + take), at);
      this.inEnd += take;
      read += take;
      while (this.inEnd >= this.nextStart + this.window) {
        await this.runWindow(this.nextStart, this.nextStart, signal);
        this.nextStart += this.hop;
        this.windowsRun++;
        parts.push(this.emit(this.nextStart));
      }
    }
    return concatOutputs(this.model.outputRows, parts);
  }

  /** Runs what is left (the end-flush window, or the only, padded, window) and returns the remaining frames. */
  async finish(signal?: AbortSignal): Promise<ChunkedOutputs> {
    if (this.finished) throw new Error('ChunkedInference: finish called twice');
    this.finished = true;
    const end = this.inEnd;
    if (end > this.emitted) {
      if (this.windowsRun === 0) await this.runWindow(0, 0, signal, end);
      else if (end > this.nextStart - this.hop + this.window) await this.runWindow(end - this.window, this.emitted, signal, end, false);
    }
    return this.emit(end);
  }

  /** Drops input frames no window can need any more: before the last regular window's start. */
  private compactInput(): void {
    const keepFrom = this.windowsRun > 0 ? this.nextStart - this.hop : 0;
    const shift = keepFrom - this.inStart;
    if (shift <= 0) return;
    for (const row of this.input) row.copyWithin(0, shift, this.inEnd - this.inStart);
    this.inStart = keepFrom;
  }

  /**
   * Runs the window starting at `start` and accumulates its output on frames
   * [from, validEnd), ramping in from `from` (and out at the end unless it is the end-flush window).
   */
  private async runWindow(start: number, from: number, signal: AbortSignal | undefined, validEnd = start + this.window, fadeOut = true): Promise<void> {
    signal?.throwIfAborted();
    const w = this.window;
    const offset = start - this.inStart;
    const valid = validEnd - start;
    for (let r = 0; r < this.input.length; r++) {
      const dest = r * w;
      this.scratch.set(this.input[r]!.subarray(offset, offset + valid), dest);
      if (valid < w) this.scratch.fill(0, dest + valid, dest + w);
    }
    const outputs = await this.model.run(this.scratch, w, signal);
    this.checkOutputs(outputs);
    const spanStart = from - start;
    const spanLength = validEnd - from;
    const base = from - this.emitted;
    const weights = this.spanWeights;
    for (let i = 0; i < spanLength; i++) {
      weights[i] = crossfadeWeight(i, spanLength, this.ramp, fadeOut);
      this.weight[base + i]! += weights[i]!;
    }
    for (let o = 0; o < outputs.length; o++) {
      const out = outputs[o]!;
      const acc = this.acc[o]!;
      for (let r = 0; r < acc.length; r++) {
        const row = acc[r]!;
        const src = r * w + spanStart;
        for (let i = 0; i < spanLength; i++) row[base + i]! += weights[i]! * out[src + i]!;
      }
    }
    await yieldToEventLoop(signal);
  }

  private checkOutputs(outputs: readonly Float32Array[]): void {
    const rows = this.model.outputRows;
    if (outputs.length !== rows.length) throw new RangeError(`model returned ${outputs.length} outputs (${rows.length} expected)`);
    outputs.forEach((out, o) => {
      if (out.length !== rows[o]! * this.window) throw new RangeError(`model output ${o} has ${out.length} values (${rows[o]} rows × ${this.window} frames expected)`);
    });
  }

  /** Normalises and returns frames [emitted, upTo), then shifts the accumulators. */
  private emit(upTo: number): ChunkedOutputs {
    const n = upTo - this.emitted;
    const out = this.acc.map((rows) =>
      rows.map((row) => {
        const res = new Float32Array(n);
        for (let i = 0; i < n; i++) res[i] = row[i]! / this.weight[i]!;
        row.copyWithin(0, n).fill(0, row.length - n);
        return res;
      }),
    );
    this.weight.copyWithin(0, n).fill(0, this.weight.length - n);
    this.emitted = upTo;
    return out;
  }
}

function concatOutputs(outputRows: readonly number[], parts: ChunkedOutputs[]): ChunkedOutputs {
  if (parts.length === 1) return parts[0]!;
  return outputRows.map((rows, o) =>
    Array.from({ length: rows }, (_, r) => {
      const total = parts.reduce((sum, p) => sum + p[o]![r]!.length, 0);
      const res = new Float32Array(total);
      let at = 0;
      for (const p of parts) {
        res.set(p[o]![r]!, at);
        at += p[o]![r]!.length;
      }
      return res;
    }),
  );
}

/**
 * Runs `model` over a whole in-memory input (one array per row) and returns
 * whole outputs. The input is fed one window at a time, so besides the input
 * and the outputs only about two windows are allocated.
 */
export async function runChunked(model: WindowModel, plan: WindowPlan, input: readonly Float32Array[], signal?: AbortSignal): Promise<ChunkedOutputs> {
  const length = input[0]?.length ?? 0;
  const result = model.outputRows.map((rows) => Array.from({ length: rows }, () => new Float32Array(length)));
  const runner = new ChunkedInference(model, plan);
  let written = 0;
  const store = (part: ChunkedOutputs) => {
    const n = part[0]?.[0]?.length ?? 0;
    part.forEach((rows, o) => rows.forEach((row, r) => result[o]![r]!.set(row, written)));
    written += n;
  };
  for (let start = 0; start < length; start += plan.windowFrames) {
    const end = Math.min(length, start + plan.windowFrames);
    store(await runner.push(input.map((row) => row.subarray(start, end)), signal));
  }
  store(await runner.finish(signal));
  return result;
}
