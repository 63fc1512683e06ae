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
 * Parity of the `tcnmask` (2-stem) and `tcnmask4` (4-stem) engines (TS STFT +
 * onnxruntime-node + TS iSTFT) with the PyTorch models they were exported
 * from: test/fixtures/<model>/ holds a synthetic 1-s stereo clip and the stems
 * the PyTorch model produced on it with masks only (training/make_fixture.py,
 * NumPy STFT framed as dsp/stft.ts).
 */

interface Meta { sampleRate: number; channels: number; frames: number; modelSha256: string; drums?: string | null }

function loadFixture(model: string) {
  const dir = fileURLToPath(new URL(`../../../fixtures/${model}/`, import.meta.url));
  const meta = JSON.parse(readFileSync(`${dir}meta.json`, 'utf8')) as Meta;
  const pcm = readFileSync(`${dir}input.s16le`);
  const n = meta.frames;
  const planar = (buf: Buffer) => [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => buf.readFloatLE(4 * (c * n + i))));
  const input = [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => pcm.readInt16LE(2 * (c * n + i)) / 32768));
  const vocals = planar(readFileSync(`${dir}vocals.f32le`));
  const drums = meta.drums ? planar(readFileSync(`${dir}drums.f32le`)) : undefined;
  return { meta, input, vocals, drums };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function sumOf(stems: Float32Array[][], c: number): Float32Array {
  const out = new Float32Array(stems[0]![c]!.length);
  for (const s of stems) for (let i = 0; i < out.length; i++) out[i]! += s[c]![i]!;
  return out;
}

describe('tcnmask engines', () => {
  after(() => releaseSessions());

  for (const model of ['tcnmask', 'tcnmask4']) {
    it(`${model}: fixture was produced by the committed model`, () => {
      const { meta } = loadFixture(model);
      const sha = createHash('sha256').update(readFileSync(loadProfile(model).modelPath)).digest('hex');
      assert.equal(meta.modelSha256, sha, `models/${model}.onnx changed: regenerate the fixture with training/make_fixture.py`);
    });

    it(`${model}: matches the PyTorch model on the fixture (max abs difference reported)`, async (t) => {
      const { meta, input, vocals, drums } = loadFixture(model);
      const engine = new TcnMaskSeparator(loadProfile(model), { postFilter: 'none' });
      const out = await engine.separateChunk({ channels: input, sampleRate: meta.sampleRate }, 'two');
      const dv = Math.max(...[0, 1].map((c) => maxAbsDiff(out.vocals![c]!, vocals[c]!)));
      const bgRef = input.map((x, c) => x.map((v, i) => v - vocals[c]![i]!));
      const db = Math.max(...[0, 1].map((c) => maxAbsDiff(out.background![c]!, bgRef[c]!)));
      const peak = Math.max(...vocals.map((v) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
      let dd = 0;
      if (drums) {
        const four = await engine.separateChunk({ channels: input, sampleRate: meta.sampleRate }, 'four');
        dd = Math.max(...[0, 1].map((c) => maxAbsDiff(four.drums![c]!, drums[c]!)));
        assert.ok(Math.max(...[0, 1].map((c) => maxAbsDiff(four.vocals![c]!, out.vocals![c]!))) === 0, 'vocals are the same in both modes');
      }
      t.diagnostic(`${model} parity: max |TS − PyTorch| vocals ${dv.toExponential(2)}, background ${db.toExponential(2)}${drums ? `, drums ${dd.toExponential(2)}` : ''} (vocals peak ${peak.toFixed(3)})`);
      assert.ok(peak > 0.01, 'the fixture vocals are not silent');
      assert.ok(dv < 1e-4, `vocals differ by ${dv}`);
      assert.ok(db < 1e-4, `background differs by ${db}`);
      assert.ok(dd < 1e-4, `drums differ by ${dd}`);
    });

    it(`${model}: with the Wiener post-filter the stems still sum to the input and stay close to the masks`, async () => {
      const { meta, input } = loadFixture(model);
      const masks = await new TcnMaskSeparator(loadProfile(model), { postFilter: 'none' }).separateChunk({ channels: input, sampleRate: meta.sampleRate }, 'two');
      const wiener = new TcnMaskSeparator(loadProfile(model), { postFilter: 'wiener' });
      const modes = model === 'tcnmask4' ? (['two', 'four'] as const) : (['two'] as const);
      for (const mode of modes) {
        const out = await wiener.separateChunk({ channels: input, sampleRate: meta.sampleRate }, mode);
        const stems = ENGINE_STEMS[mode].map((s) => out[s]!);
        for (let c = 0; c < 2; c++) assert.ok(maxAbsDiff(sumOf(stems, c), input[c]!) < 1e-5, `${mode}: stems do not sum to the input`);
      }
      const out = await wiener.separateChunk({ channels: input, sampleRate: meta.sampleRate }, 'two');
      // A refinement, not a different separation: the vocals stay correlated with the masked vocals.
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
      const corr = dot(out.vocals![0]!, masks.vocals![0]!) / Math.sqrt(dot(out.vocals![0]!, out.vocals![0]!) * dot(masks.vocals![0]!, masks.vocals![0]!));
      assert.ok(corr > 0.8, `Wiener vocals correlate ${corr.toFixed(3)} with the masked vocals`);
    });
  }

  it('tcnmask is two-stem only; tcnmask4 has both modes; both check their input', async () => {
    const two = await getEngine('tcnmask');
    assert.deepEqual(two.stems('two'), ENGINE_STEMS.two);
    assert.throws(() => two.stems('four'), TcnMaskModeError);
    const four = await getEngine('tcnmask4');
    assert.deepEqual(four.stems('four'), ENGINE_STEMS.four);
    assert.deepEqual(four.stems('two'), ENGINE_STEMS.two);
    for (const engine of [two, four]) {
      await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10)], sampleRate: 44100 }, 'two'), /2 channel/);
      await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10), new Float32Array(10)], sampleRate: 16000 }, 'two'), /44100 Hz/);
    }
  });

  it('runs a chunk longer than one model window (chunked path): stems sum to the input, deterministic', async () => {
    const { input } = loadFixture('tcnmask4');
    const n = (WINDOW_FRAMES + 300) * 512;
    const long = input.map((x) => Float32Array.from({ length: n }, (_, i) => x[i % x.length]!));
    const engine = new TcnMaskSeparator(loadProfile('tcnmask4'));
    const a = await engine.separateChunk({ channels: long, sampleRate: 44100 }, 'four');
    const b = await engine.separateChunk({ channels: long, sampleRate: 44100 }, 'four');
    for (let c = 0; c < 2; c++) {
      assert.equal(a.vocals![c]!.length, n);
      assert.equal(maxAbsDiff(a.drums![c]!, b.drums![c]!), 0);
      assert.ok(maxAbsDiff(sumOf(ENGINE_STEMS.four.map((s) => a[s]!), c), long[c]!) < 1e-5);
    }
  });
});
