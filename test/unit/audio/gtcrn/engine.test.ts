import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_STEMS } from '../../../../src/audio/engines/engine.ts';
import { GtcrnModeError, GtcrnSeparator } from '../../../../src/audio/engines/gtcrn/engine.ts';
import { enhanceSpeech } from '../../../../src/audio/engines/gtcrn/enhance.ts';
import { GTCRN_LATENCY, GtcrnStream } from '../../../../src/audio/engines/gtcrn/stream.ts';
import { GTCRN_FRAME } from '../../../../src/audio/engines/gtcrn/wasm.ts';
import { getEngine } from '../../../../src/audio/engines/registry.ts';
import { bestLag, maxAbsDiff, rms } from './helpers.ts';

/** Data-free tests of the `gtcrn` engine (the DNS3 quality tests are in dns3.test.ts). */

const SR = 16000;

/** A voiced "vowel" (F0 glide 140→220 Hz, 20 partials, 3 Hz syllable envelope) plus white noise at about 10 dB SNR. */
function noisyVoice(seconds: number, seed = 1): Float32Array {
  const n = Math.round(seconds * SR);
  const x = new Float32Array(n);
  let phase = 0;
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    phase += (2 * Math.PI * (140 + 80 * ((t % 2) / 2))) / SR;
    let v = 0;
    for (let h = 1; h <= 20; h++) v += Math.sin(h * phase) / h;
    const env = Math.max(0, Math.sin(Math.PI * 3 * t)) ** 2;
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = 0.12 * env * v + 0.012 * ((s / 2 ** 32) * 2 - 1);
  }
  return x;
}

describe('gtcrn wasm stream', () => {
  it('delays by 256 samples (impulse and cross-correlation, before compensation)', async () => {
    const stream = await GtcrnStream.create();
    try {
      const x = noisyVoice(2);
      const y = new Float32Array(x.length + GTCRN_FRAME);
      const frame = new Float32Array(GTCRN_FRAME);
      for (let f = 0; f * GTCRN_FRAME < y.length; f++) {
        stream.processFrame(x, f * GTCRN_FRAME, frame);
        y.set(frame.subarray(0, Math.min(GTCRN_FRAME, y.length - f * GTCRN_FRAME)), f * GTCRN_FRAME);
      }
      assert.equal(GTCRN_LATENCY, 256);
      assert.equal(bestLag(x, y, 600), GTCRN_LATENCY);
    } finally {
      stream.dispose();
    }
    const impulse = new Float32Array(4096);
    impulse[1000] = 0.5;
    const raw = new Float32Array(4096 + GTCRN_FRAME);
    const s2 = await GtcrnStream.create();
    const frame = new Float32Array(GTCRN_FRAME);
    for (let f = 0; f * GTCRN_FRAME < raw.length; f++) {
      s2.processFrame(impulse, f * GTCRN_FRAME, frame);
      raw.set(frame, f * GTCRN_FRAME);
    }
    s2.dispose();
    let peak = 0;
    for (let i = 0; i < raw.length; i++) if (Math.abs(raw[i]!) > Math.abs(raw[peak]!)) peak = i;
    assert.equal(peak, 1000 + GTCRN_LATENCY);
  });

  it('refuses to work after dispose', async () => {
    const stream = await GtcrnStream.create();
    stream.dispose();
    stream.dispose(); // idempotent
    assert.ok(stream.disposed);
    assert.throws(() => stream.processFrame(new Float32Array(GTCRN_FRAME), 0, new Float32Array(GTCRN_FRAME)), /disposed/);
  });
});

describe('enhanceSpeech', () => {
  it('is time-aligned (lag 0), same length, and removes noise', async () => {
    const x = noisyVoice(3);
    const y = await enhanceSpeech(x);
    assert.equal(y.length, x.length);
    assert.equal(bestLag(x, y, 600), 0);
    // The noise-only gaps of the syllable envelope get much quieter.
    const gap = (a: Float32Array) => rms(a.subarray(Math.round(SR / 3) + 400, Math.round((2 * SR) / 3) - 400)); // env = 0 in (1/3 s, 2/3 s)
    assert.ok(gap(y) < gap(x) / 4, `noise rms ${gap(y)} vs ${gap(x)}`);
  });

  it('silence in → silence out; empty in → empty out', async () => {
    const y = await enhanceSpeech(new Float32Array(SR));
    assert.ok(y.every((v) => v === 0));
    assert.equal((await enhanceSpeech(new Float32Array(0))).length, 0);
  });

  it('handles lengths that are not a multiple of the frame, down to 1 sample', async () => {
    for (const n of [1, 255, 256, 257, 511, 513, 1000]) {
      const x = noisyVoice(n / SR + 0.001).subarray(0, n);
      const y = await enhanceSpeech(x);
      assert.equal(y.length, n);
      assert.ok(y.every(Number.isFinite));
    }
  });

  it('is deterministic, also when calls interleave (shared wasm instance, separate states)', async () => {
    const a = noisyVoice(2, 1);
    const b = noisyVoice(2, 2);
    const a1 = await enhanceSpeech(a);
    const b1 = await enhanceSpeech(b);
    const [a2, b2] = await Promise.all([enhanceSpeech(a), enhanceSpeech(b)]);
    assert.equal(maxAbsDiff(a1, a2!), 0);
    assert.equal(maxAbsDiff(b1, b2!), 0);
  });

  it('treats NaN/Infinity as 0 and leaves the input untouched', async () => {
    const x = noisyVoice(1);
    const dirty = x.slice();
    dirty[100] = NaN;
    dirty[2000] = Infinity;
    const cleaned = dirty.slice();
    cleaned[100] = 0;
    cleaned[2000] = 0;
    const y = await enhanceSpeech(dirty);
    assert.ok(Number.isNaN(dirty[100]!));
    assert.equal(maxAbsDiff(y, await enhanceSpeech(cleaned)), 0);
  });

  it('yields to the event loop and honours the AbortSignal', async () => {
    // Yields: the longest gap between timer ticks stays far below the total work.
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    await enhanceSpeech(noisyVoice(6));
    const total = performance.now() - started;
    clearInterval(timer);
    assert.ok(maxGap < Math.max(150, total / 4), `longest event-loop gap ${maxGap.toFixed(0)} ms of ${total.toFixed(0)} ms`);

    // Already aborted → rejects with the reason.
    const reason = new Error('stop');
    await assert.rejects(enhanceSpeech(noisyVoice(1), AbortSignal.abort(reason)), (e) => e === reason);
    // Aborted while running → rejects soon.
    const ac = new AbortController();
    const input = noisyVoice(30);
    let abortedAt = 0;
    const running = enhanceSpeech(input, ac.signal);
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort(reason);
    }, 30);
    await assert.rejects(running, (e) => e === reason);
    // Measured from the abort itself, with slack for a loaded 2-core CI machine;
    // the whole 30 s input would take ≥ 2.4 s at the engine's speed.
    assert.ok(performance.now() - abortedAt < 1500, 'stopped within 1.5 s of the abort');
  });
});

describe('gtcrn engine', () => {
  const engine = new GtcrnSeparator();

  it('is registered as gtcrn, 16 kHz mono, two stems', async () => {
    const e = await getEngine('gtcrn');
    assert.equal(e.id, 'gtcrn');
    assert.deepEqual(e.requires, { sampleRate: 16000, channels: 1 });
    assert.deepEqual(e.stems('two'), ENGINE_STEMS.two);
  });

  it("rejects mode 'four' clearly", async () => {
    assert.throws(() => engine.stems('four'), GtcrnModeError);
    await assert.rejects(engine.separateChunk({ channels: [noisyVoice(0.5)], sampleRate: SR }, 'four'), (e: unknown) => {
      assert.ok(e instanceof GtcrnModeError);
      assert.match(e.message, /mode 'two'.*"four" is not supported/);
      return true;
    });
  });

  it('rejects other rates and channel counts, naming the value', async () => {
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(100)], sampleRate: 44100 }, 'two'), /44100 Hz given/);
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(100), new Float32Array(100)], sampleRate: SR }, 'two'), /2 given/);
  });

  it('vocals = enhanceSpeech(input), background + vocals = input', async () => {
    const x = noisyVoice(2.3);
    const out = await engine.separateChunk({ channels: [x], sampleRate: SR }, 'two');
    assert.deepEqual(Object.keys(out).sort(), ['background', 'vocals']);
    const v = out.vocals![0]!;
    const b = out.background![0]!;
    assert.equal(out.vocals!.length, 1);
    assert.equal(out.background!.length, 1);
    assert.equal(v.length, x.length);
    assert.equal(b.length, x.length);
    assert.equal(maxAbsDiff(v, await enhanceSpeech(x)), 0);
    const sum = Float32Array.from(v, (s, i) => s + b[i]!);
    assert.ok(maxAbsDiff(sum, x) < 1e-7, `sum error ${maxAbsDiff(sum, x)}`);
  });

  it('silence → silent stems', async () => {
    const out = await engine.separateChunk({ channels: [new Float32Array(8000)], sampleRate: SR }, 'two');
    assert.ok(out.vocals![0]!.every((v) => v === 0));
    assert.ok(out.background![0]!.every((v) => v === 0));
  });
});
