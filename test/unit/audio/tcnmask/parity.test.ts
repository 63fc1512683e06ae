import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINE_STEMS } from '../../../../src/audio/engines/engine.ts';
import { getEngine } from '../../../../src/audio/engines/registry.ts';
import { TcnMaskModeError, TcnMaskSeparator, WINDOW_FRAMES, loadProfile } from '../../../../src/audio/engines/tcnmask/engine.ts';
import { releaseSessions } from '../../../../src/audio/onnx/session-cache.ts';

/**
 * Parity of the `tcnmask` engine (TS STFT + onnxruntime-node + TS iSTFT) with
 * the PyTorch model it was exported from: test/fixtures/tcnmask/ holds a
 * synthetic 1-s stereo clip and the vocals the PyTorch model produced on it
 * (training/make_fixture.py, NumPy STFT framed as dsp/stft.ts).
 */

const FIXTURE = fileURLToPath(new URL('../../../fixtures/tcnmask/', import.meta.url));

interface Meta { sampleRate: number; channels: number; frames: number; modelSha256: string }

function loadFixture() {
  const meta = JSON.parse(readFileSync(`${FIXTURE}meta.json`, 'utf8')) as Meta;
  const pcm = readFileSync(`${FIXTURE}input.s16le`);
  const voc = readFileSync(`${FIXTURE}vocals.f32le`);
  const n = meta.frames;
  const input = [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => pcm.readInt16LE(2 * (c * n + i)) / 32768));
  const vocals = [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => voc.readFloatLE(4 * (c * n + i))));
  return { meta, input, vocals };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('tcnmask engine', () => {
  after(() => releaseSessions());

  it('fixture was produced by the committed model', () => {
    const { meta } = loadFixture();
    const sha = createHash('sha256').update(readFileSync(loadProfile().modelPath)).digest('hex');
    assert.equal(meta.modelSha256, sha, 'models/tcnmask.onnx changed: regenerate the fixture with training/make_fixture.py');
  });

  it('matches the PyTorch model on the fixture (max abs difference reported)', async (t) => {
    const { meta, input, vocals } = loadFixture();
    const engine = new TcnMaskSeparator();
    const out = await engine.separateChunk({ channels: input, sampleRate: meta.sampleRate }, 'two');
    const dv = Math.max(...[0, 1].map((c) => maxAbsDiff(out.vocals![c]!, vocals[c]!)));
    const bgRef = input.map((x, c) => x.map((v, i) => v - vocals[c]![i]!));
    const db = Math.max(...[0, 1].map((c) => maxAbsDiff(out.background![c]!, bgRef[c]!)));
    const peak = Math.max(...vocals.map((v) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
    t.diagnostic(`tcnmask parity: max |TS − PyTorch| vocals ${dv.toExponential(2)}, background ${db.toExponential(2)} (vocals peak ${peak.toFixed(3)})`);
    assert.ok(peak > 0.01, 'the fixture vocals are not silent');
    assert.ok(dv < 1e-4, `vocals differ by ${dv}`);
    assert.ok(db < 1e-4, `background differs by ${db}`);
  });

  it('is registered, two-stem only, and checks its input', async () => {
    const engine = await getEngine('tcnmask');
    assert.deepEqual(engine.stems('two'), ENGINE_STEMS.two);
    assert.throws(() => engine.stems('four'), TcnMaskModeError);
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10)], sampleRate: 44100 }, 'two'), /2 channel/);
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10), new Float32Array(10)], sampleRate: 16000 }, 'two'), /44100 Hz/);
  });

  it('runs a chunk longer than one model window (chunked path): stems sum to the input, deterministic', async () => {
    const { input } = loadFixture();
    const n = (WINDOW_FRAMES + 300) * 512;
    const long = input.map((x) => Float32Array.from({ length: n }, (_, i) => x[i % x.length]!));
    const engine = new TcnMaskSeparator();
    const a = await engine.separateChunk({ channels: long, sampleRate: 44100 }, 'two');
    const b = await engine.separateChunk({ channels: long, sampleRate: 44100 }, 'two');
    for (let c = 0; c < 2; c++) {
      assert.equal(a.vocals![c]!.length, n);
      assert.equal(maxAbsDiff(a.vocals![c]!, b.vocals![c]!), 0);
      const sum = a.vocals![c]!.map((v, i) => v + a.background![c]![i]!);
      assert.ok(maxAbsDiff(sum, long[c]!) < 1e-5);
    }
  });
});
