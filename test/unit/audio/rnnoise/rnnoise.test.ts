import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RnnoiseSeparator, denoiseRnnoise, RNNOISE_SAMPLE_RATE } from '../../../../src/audio/engines/rnnoise/index.ts';
import { getEngine } from '../../../../src/audio/engines/registry.ts';
import { decodeStream } from '../../../../src/eval/datasets/decode.ts';
import { DNS3_DIR, bestLag, dns3SkipReason, siSdr } from '../gtcrn/helpers.ts';

/**
 * RNNoise engine (src/audio/engines/rnnoise): length and alignment
 * contracts, determinism, the SeparationEngine contract, and real denoising
 * on one DNS3 pair at 48 kHz (the product resamples 16 kHz inputs to 48 kHz
 * with ffmpeg, as here).
 */
const SR = RNNOISE_SAMPLE_RATE;

/** Deterministic pseudo-random noise (LCG) so runs are reproducible. */
function noise(n: number, amplitude: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * amplitude;
  }
  return out;
}

const rms = (x: Float32Array, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
};

describe('rnnoise: denoiseRnnoise', () => {
  it('returns exactly the input length, for lengths around frame boundaries and 0', async () => {
    for (const n of [0, 1, 479, 480, 481, 959, 960, 12345, SR]) {
      const out = await denoiseRnnoise(noise(n, 0.1, n + 1));
      assert.equal(out.length, n, `length ${n}`);
      assert.ok(out.every(Number.isFinite), `finite output for length ${n}`);
    }
  });

  it('is deterministic (fresh state per call) and treats NaN/Infinity as 0', async () => {
    const x = noise(SR, 0.2, 7);
    const a = await denoiseRnnoise(x);
    const b = await denoiseRnnoise(x);
    assert.deepEqual(a, b);
    const bad = x.slice();
    bad[100] = NaN;
    bad[2000] = Infinity;
    const c = await denoiseRnnoise(bad);
    assert.ok(c.every(Number.isFinite));
  });

  it('suppresses stationary white noise strongly (RNNoise\'s target case)', async () => {
    const x = noise(2 * SR, 0.05, 3);
    const y = await denoiseRnnoise(x);
    // Skip the first half second (state settling); measured −13.5 dB.
    const gainDb = 20 * Math.log10(rms(y, SR / 2) / rms(x, SR / 2));
    assert.ok(gainDb < -10, `noise only attenuated by ${gainDb.toFixed(1)} dB`);
  });

  it('rejects with the abort reason when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(denoiseRnnoise(noise(SR, 0.1), ac.signal), /stop/);
  });
});

describe('rnnoise: SeparationEngine contract', () => {
  it('is in the registry, 48 kHz mono, two stems that sum to the input; other modes and rates are refused', async () => {
    const engine = await getEngine('rnnoise');
    assert.ok(engine instanceof RnnoiseSeparator);
    assert.deepEqual(engine.requires, { sampleRate: 48000, channels: 1 });
    assert.deepEqual(engine.stems('two'), ['vocals', 'background']);
    assert.throws(() => engine.stems('four'), /mode 'two'/);
    const x = noise(10_000, 0.3, 5);
    const out = await engine.separateChunk({ channels: [x], sampleRate: SR }, 'two');
    assert.equal(out.vocals![0]!.length, x.length);
    assert.equal(out.background![0]!.length, x.length);
    for (let i = 0; i < x.length; i += 97) assert.ok(Math.abs(out.vocals![0]![i]! + out.background![0]![i]! - x[i]!) < 1e-6);
    await assert.rejects(engine.separateChunk({ channels: [x], sampleRate: 16000 }, 'two'), /48000 Hz/);
    await assert.rejects(engine.separateChunk({ channels: [x, x], sampleRate: SR }, 'two'), /1 channel/);
  });
});

const skip = dns3SkipReason();
describe('rnnoise on a real DNS3 pair (0016)', { skip }, () => {
  it('is aligned at lag 0 and improves SI-SDR by more than 1.5 dB; as good as the RNNoise reference output (±0.5 dB)', async (t) => {
    const load = async (k: string, rate: number) => (await decodeStream(join(DNS3_DIR, `0016_${k}.wav`), 0, rate, 1))[0]!;
    const [noisy48, clean48, clean16, ref16] = await Promise.all([load('noisy', SR), load('clean', SR), load('clean', 16000), load('RNNoise', 16000)]);
    const t0 = performance.now();
    const out48 = await denoiseRnnoise(noisy48);
    const ms = performance.now() - t0;
    assert.equal(out48.length, noisy48.length);
    // Alignment: the output's best lag against the clean speech is 0 (within one sample of resampling jitter).
    const lag = bestLag(clean48.subarray(SR, 3 * SR), out48.subarray(SR, 3 * SR), 960);
    assert.ok(Math.abs(lag) <= 1, `output lags the input by ${lag} samples`);
    const before = siSdr(noisy48, clean48);
    const after = siSdr(out48, clean48);
    const reference = siSdr(ref16, clean16);
    t.diagnostic(`SI-SDR noisy ${before.toFixed(2)} dB → rnnoise ${after.toFixed(2)} dB (RNNoise reference output ${reference.toFixed(2)} dB); RTF ${(ms / 1000 / (noisy48.length / SR)).toFixed(3)}`);
    assert.ok(after > before + 1.5, `SI-SDR ${before.toFixed(2)} → ${after.toFixed(2)} dB`);
    assert.ok(Math.abs(after - reference) < 0.5, `ours ${after.toFixed(2)} vs reference ${reference.toFixed(2)} dB`);
  });
});
