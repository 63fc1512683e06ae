import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InferenceSession } from 'onnxruntime-node';
import { ChunkedInference, crossfadeWeight, runChunked, type ChunkedOutputs, type WindowModel, type WindowPlan } from '../../../../src/audio/onnx/chunked-inference.ts';
import { getSession, releaseSessions } from '../../../../src/audio/onnx/session-cache.ts';
import { makeTempDir } from '../helpers/media.ts';
import { gainModel } from './build-model.ts';

let dir: string;
let remove: () => Promise<void>;
let half: InferenceSession;
before(async () => {
  ({ dir, remove } = await makeTempDir());
  const path = join(dir, 'half.onnx');
  await writeFile(path, gainModel({ out: 0.5 }));
  half = await getSession(path);
});
after(async () => {
  await releaseSessions();
  await remove();
});

/** The ONNX model `out = 0.5 × input`, seen as a WindowModel of `rows` rows; records the frames of each call. */
function onnxHalf(rows: number, calls: number[] = []): WindowModel {
  return {
    inputRows: rows,
    outputRows: [rows],
    run: async (input, frames) => {
      calls.push(frames);
      const { Tensor } = await import('onnxruntime-node');
      const res = await half.run({ input: new Tensor('float32', input, [1, rows, frames]) });
      return [res.out!.data as Float32Array];
    },
  };
}

/** Deterministic pseudo-random signal in [-1, 1). */
function noise(length: number, seed: number): Float32Array {
  const x = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

function maxError(out: Float32Array, input: Float32Array, gain: number, indices?: number[]): number {
  let m = 0;
  for (const i of indices ?? out.keys()) m = Math.max(m, Math.abs(out[i]! - gain * input[i]!));
  return m;
}

/** Every window boundary ± 2 frames, including the end-flush window's start. */
function boundaries(length: number, plan: WindowPlan): number[] {
  const idx = new Set<number>();
  const add = (b: number) => { for (let d = -2; d <= 2; d++) if (b + d >= 0 && b + d < length) idx.add(b + d); };
  for (let s = 0; s < length; s += plan.hopFrames) { add(s); add(s + plan.windowFrames); add(s + plan.windowFrames - plan.hopFrames); }
  add(length - plan.windowFrames);
  add(length - 1);
  return [...idx];
}

describe('chunked inference', () => {
  it('1: ONNX 0.5×input over 2 × 1,000,003 frames equals 0.5×input to 1e-6, window boundaries included', async () => {
    const plan = { windowFrames: 44100, hopFrames: 33075 };
    const input = [noise(1_000_003, 1), noise(1_000_003, 2)];
    const calls: number[] = [];
    const [out] = await runChunked(onnxHalf(2, calls), plan, input);
    for (let c = 0; c < 2; c++) {
      assert.ok(maxError(out![c]!, input[c]!, 0.5) <= 1e-6, `channel ${c}: ${maxError(out![c]!, input[c]!, 0.5)}`);
      assert.ok(maxError(out![c]!, input[c]!, 0.5, boundaries(1_000_003, plan)) <= 1e-6);
    }
    // Regular windows while one fits, then one end-flush window.
    const regular = Math.floor((1_000_003 - plan.windowFrames) / plan.hopFrames) + 1;
    assert.equal(calls.length, regular + 1);
    assert.ok(calls.every((f) => f === plan.windowFrames), 'every call is exactly one window');
  });

  it('2: streaming in irregular pieces gives the same samples as one call', async () => {
    const plan = { windowFrames: 4096, hopFrames: 3000 };
    const input = [noise(100_001, 3)];
    const [whole] = await runChunked(onnxHalf(1), plan, input);
    const stream = new ChunkedInference(onnxHalf(1), plan);
    const pieces: ChunkedOutputs[] = [];
    let at = 0;
    for (const size of [1, 0, 4095, 1, 7777, 12, 30_000, 58_115]) {
      pieces.push(await stream.push([input[0]!.subarray(at, at + size)]));
      at += size;
    }
    assert.equal(at, 100_001);
    pieces.push(await stream.finish());
    const joined = new Float32Array(100_001);
    let w = 0;
    for (const p of pieces) { joined.set(p[0]![0]!, w); w += p[0]![0]!.length; }
    assert.equal(w, 100_001);
    assert.deepEqual(joined, whole![0]);
    await assert.rejects(stream.push([new Float32Array(1)]), /after finish/);
  });

  it('3: edge lengths: empty, shorter than a window (padded), exactly one window, exact multiple, no overlap', async () => {
    const cases: [string, number, WindowPlan][] = [
      ['empty', 0, { windowFrames: 1000, hopFrames: 750 }],
      ['one frame', 1, { windowFrames: 1000, hopFrames: 750 }],
      ['short', 999, { windowFrames: 1000, hopFrames: 750 }],
      ['one window', 1000, { windowFrames: 1000, hopFrames: 750 }],
      ['k windows exactly', 1000 + 4 * 750, { windowFrames: 1000, hopFrames: 750 }],
      ['k windows + 1', 1000 + 4 * 750 + 1, { windowFrames: 1000, hopFrames: 750 }],
      ['hop = window', 5555, { windowFrames: 1000, hopFrames: 1000 }],
      ['hop = 1', 50, { windowFrames: 8, hopFrames: 1 }],
      ['small hop', 20_000, { windowFrames: 1024, hopFrames: 100 }],
    ];
    for (const [name, length, plan] of cases) {
      const input = [noise(length, 7)];
      const [out] = await runChunked(onnxHalf(1), plan, input);
      assert.equal(out![0]!.length, length, name);
      assert.ok(maxError(out![0]!, input[0]!, 0.5) <= 1e-6, `${name}: ${maxError(out![0]!, input[0]!, 0.5)}`);
    }
  });

  it('4: a model with edge effects is crossfaded: window k adds k, the joined offset rises smoothly', async () => {
    const plan = { windowFrames: 1000, hopFrames: 600 };
    let k = 0;
    const model: WindowModel = { inputRows: 1, outputRows: [1], run: async (input) => {
      const add = k++;
      return [input.map((v) => v + add)];
    } };
    const input = [noise(10_250, 9)];
    const [out] = await runChunked(model, plan, input);
    const offset = out![0]!.map((v, i) => v - input[0]![i]!);
    assert.ok(Math.abs(offset[0]!) < 1e-6 && Math.abs(offset[399]!) < 1e-6, 'frames only window 0 covers');
    let maxStep = 0;
    for (let i = 1; i < offset.length; i++) {
      const step = offset[i]! - offset[i - 1]!;
      assert.ok(step >= -1e-4, `offset falls at ${i}`);
      maxStep = Math.max(maxStep, step);
    }
    assert.ok(maxStep <= 1 / 400 + 1e-4, `no jump: largest step ${maxStep}`); // ramps of window − hop = 400 frames
    assert.ok(Math.abs(offset.at(-1)! - (k - 1)) < 1e-3, 'the last frames come from the last window');
  });

  it('5: several inputs and outputs keep their rows apart', async () => {
    const model: WindowModel = {
      inputRows: 2,
      outputRows: [1, 2],
      run: async (input, frames) => {
        const sum = new Float32Array(frames);
        for (let i = 0; i < frames; i++) sum[i] = input[i]! + input[frames + i]!;
        const swapped = new Float32Array(2 * frames);
        swapped.set(input.subarray(frames), 0);
        swapped.set(input.subarray(0, frames), frames);
        return [sum, swapped];
      },
    };
    const input = [noise(5000, 11), noise(5000, 12)];
    const [sum, swapped] = await runChunked(model, { windowFrames: 512, hopFrames: 300 }, input);
    assert.ok(maxError(sum![0]!, input[0]!.map((v, i) => v + input[1]![i]!), 1) <= 1e-6);
    assert.ok(maxError(swapped![0]!, input[1]!, 1) <= 1e-6 && maxError(swapped![1]!, input[0]!, 1) <= 1e-6);
  });

  it('6: an hour of 16 kHz audio streams through in flat memory (never more than one window per call)', async () => {
    const rate = 16000;
    const total = 3600 * rate;
    const plan = { windowFrames: 10 * rate, hopFrames: 8 * rate };
    const calls: number[] = [];
    const stream = new ChunkedInference(onnxHalf(1, calls), plan);
    const piece = noise(rate, 5);
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let outFrames = 0;
    let worst = 0;
    for (let s = 0; s < 3600; s++) {
      const [out] = await stream.push([piece]);
      const o = out![0]!;
      // piece repeats every second; output frame t corresponds to piece[t mod rate]
      for (let i = 0; i < o.length; i += 97) worst = Math.max(worst, Math.abs(o[i]! - 0.5 * piece[(outFrames + i) % rate]!));
      outFrames += o.length;
      if (s % 60 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
    }
    outFrames += (await stream.finish())[0]![0]!.length;
    assert.equal(outFrames, total);
    assert.ok(worst <= 1e-6, String(worst));
    assert.ok(calls.every((f) => f === plan.windowFrames));
    // Input ring + accumulators + ORT's output ≈ 4 MB; a whole-input tensor would be 230 MB.
    assert.ok(peak < 32 * 1024 * 1024, `array buffers grew by ${(peak / 1048576).toFixed(1)} MB`);
  });

  it('7: rejects bad plans, malformed outputs and aborted signals', async () => {
    assert.throws(() => new ChunkedInference(onnxHalf(1), { windowFrames: 100, hopFrames: 101 }), RangeError);
    assert.throws(() => new ChunkedInference(onnxHalf(1), { windowFrames: 100, hopFrames: 0 }), RangeError);
    const short: WindowModel = { inputRows: 1, outputRows: [1], run: async (_input, frames) => [new Float32Array(frames - 1)] };
    await assert.rejects(runChunked(short, { windowFrames: 10, hopFrames: 5 }, [new Float32Array(30)]), /output 0 has 9 values/);
    await assert.rejects(runChunked(onnxHalf(2), { windowFrames: 10, hopFrames: 5 }, [new Float32Array(30)]), /expected 2 input rows/);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await assert.rejects(runChunked(onnxHalf(1), { windowFrames: 10, hopFrames: 5 }, [new Float32Array(30)], controller.signal), /stop now/);
  });

  it('8: crossfadeWeight: positive inside a span, ramps sum to 1 across an overlap', () => {
    for (let i = 0; i < 400; i++) {
      assert.ok(Math.abs(crossfadeWeight(i + 600, 1000, 400) + crossfadeWeight(i, 1000, 400) - 1) < 1e-12);
    }
    assert.equal(crossfadeWeight(5, 10, 0), 1);
    assert.ok(crossfadeWeight(0, 3, 400) > 0);
  });
});
