import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOutputFormat } from '../../../../src/audio/codecs.ts';
import { OnnxModeError, OnnxSeparator, type OnnxModelProfile } from '../../../../src/audio/onnx/onnx-engine.ts';
import { OnnxModelError, releaseSessions } from '../../../../src/audio/onnx/session-cache.ts';
import { separateFile } from '../../../../src/audio/separate-file.ts';
import { decode, lavfi, makeTempDir } from '../helpers/media.ts';
import { gainModel } from './build-model.ts';

let dir: string;
let remove: () => Promise<void>;
let twoStems: string;
let vocalsOnly: string;
let fourStems: string;
before(async () => {
  ({ dir, remove } = await makeTempDir());
  twoStems = join(dir, 'two.onnx');
  vocalsOnly = join(dir, 'vocals-only.onnx');
  fourStems = join(dir, 'four.onnx');
  await writeFile(twoStems, gainModel({ voice: 0.3, rest: 0.7 }, 'mix'));
  await writeFile(vocalsOnly, gainModel({ voice: 0.3 }, 'mix'));
  await writeFile(fourStems, gainModel({ v: 0.1, d: 0.2, b: 0.3, o: 0.4 }, 'mix'));
});
after(async () => {
  await releaseSessions();
  await remove();
});

/** 44.1 kHz stereo, windows of 0.25 s with 0.05 s of crossfade. */
function profile(over: Partial<OnnxModelProfile>): OnnxModelProfile {
  return {
    id: 'onnx-test', modelPath: twoStems, sampleRate: 44100, channels: 2, inputName: 'mix',
    stems: { two: { outputs: { vocals: 'voice', background: 'rest' } } },
    windowFrames: 11025, hopFrames: 8820, ...over,
  };
}

/** A stereo wav, different content per channel, peak below the limiter knee for every gain used. */
async function stereoInput(name: string, seconds: number): Promise<{ path: string; pcm: Float32Array[] }> {
  const path = await lavfi(join(dir, name), `sine=f=330:d=${seconds}:r=44100|anoisesrc=d=${seconds}:r=44100:a=0.3:seed=4`, [
    '-filter_complex', 'amerge=inputs=2', '-ac', '2', '-c:a', 'pcm_f32le',
  ]);
  return { path, pcm: await decode(path, 44100, 2) };
}

/** Max |a − gain·b| (16-bit wav output: quantisation ≤ 1/32768). */
function maxDiff(a: Float32Array, b: Float32Array, gain: number): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - gain * b[i]!));
  return m;
}

const WAV_TOLERANCE = 1.5 / 32768;

describe('OnnxSeparator', () => {
  it('1: separateFile end to end: a model with stems 0.3x / 0.7x → two wav files equal to 0.3/0.7 × input', async () => {
    const { path, pcm } = await stereoInput('in2.wav', 3.7);
    const wav = buildOutputFormat('wav', { sampleRate: 44100, channels: 2 });
    const res = await separateFile({
      inputPath: path, engine: new OnnxSeparator(profile({})), mode: 'two', chunkSec: 1, overlapSec: 0.2,
      outputs: { vocals: { path: join(dir, 'v.wav'), format: wav }, background: { path: join(dir, 'b.wav'), format: wav } },
    });
    assert.ok(Math.abs(res.durationSec - 3.7) < 1e-3);
    const vocals = await decode(res.outputs.vocals!.path, 44100, 2);
    const background = await decode(res.outputs.background!.path, 44100, 2);
    for (let c = 0; c < 2; c++) {
      assert.ok(maxDiff(vocals[c]!, pcm[c]!, 0.3) <= WAV_TOLERANCE, `vocals ch${c}: ${maxDiff(vocals[c]!, pcm[c]!, 0.3)}`);
      assert.ok(maxDiff(background[c]!, pcm[c]!, 0.7) <= WAV_TOLERANCE, `background ch${c}: ${maxDiff(background[c]!, pcm[c]!, 0.7)}`);
    }
  });

  it('2: a residual stem (vocals-only model): background = input − vocals', async () => {
    const engine = new OnnxSeparator(profile({ modelPath: vocalsOnly, channels: 1, stems: { two: { outputs: { vocals: 'voice' }, residual: 'background' } } }));
    const input = Float32Array.from({ length: 30_000 }, (_, i) => Math.sin(i / 7) * 0.8);
    const out = await engine.separateChunk({ channels: [input], sampleRate: 44100 }, 'two');
    assert.ok(maxDiff(out.vocals![0]!, input, 0.3) <= 1e-6);
    assert.ok(maxDiff(out.background![0]!, input, 0.7) <= 1e-6);
  });

  it('3: MusicMode: four stems, the pipeline derives background = drums + bass + other', async () => {
    const { path, pcm } = await stereoInput('in4.wav', 2.2);
    const engine = new OnnxSeparator(profile({ modelPath: fourStems, stems: { four: { outputs: { vocals: 'v', drums: 'd', bass: 'b', other: 'o' } } } }));
    assert.deepEqual(engine.stems('four'), ['vocals', 'drums', 'bass', 'other']);
    const wav = buildOutputFormat('wav', { sampleRate: 44100, channels: 2 });
    const outputs = Object.fromEntries((['vocals', 'background', 'drums', 'bass', 'other'] as const).map((s) => [s, { path: join(dir, `4-${s}.wav`), format: wav }]));
    await separateFile({ inputPath: path, engine, mode: 'four', chunkSec: 1, overlapSec: 0.2, outputs });
    const gains = { vocals: 0.1, drums: 0.2, bass: 0.3, other: 0.4, background: 0.9 };
    for (const [stem, gain] of Object.entries(gains)) {
      const got = await decode(outputs[stem]!.path, 44100, 2);
      for (let c = 0; c < 2; c++) assert.ok(maxDiff(got[c]!, pcm[c]!, gain) <= WAV_TOLERANCE, `${stem} ch${c}: ${maxDiff(got[c]!, pcm[c]!, gain)}`);
    }
  });

  it('4: checks its input, mode, profile and model', async () => {
    const engine = new OnnxSeparator(profile({}));
    assert.throws(() => engine.stems('four'), OnnxModeError);
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10)], sampleRate: 44100 }, 'two'), /requires 2 channel\(s\) \(1 given\)/);
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10), new Float32Array(10)], sampleRate: 48000 }, 'two'), /44100 Hz sample rate \(48000 Hz given\)/);
    assert.throws(() => new OnnxSeparator(profile({ stems: { two: { outputs: { vocals: 'voice' } } } })), /lacks stem\(s\) background/);
    assert.throws(() => new OnnxSeparator(profile({ hopFrames: 0 })), RangeError);
    const wrongNames = new OnnxSeparator(profile({ stems: { two: { outputs: { vocals: 'voice', background: 'accompaniment' } } } }));
    const chunk = { channels: [new Float32Array(10), new Float32Array(10)], sampleRate: 44100 };
    await assert.rejects(wrongNames.separateChunk(chunk, 'two'), (e: unknown) => e instanceof OnnxModelError && /lacks accompaniment/.test(e.message));
    const missing = new OnnxSeparator(profile({ modelPath: join(dir, 'not-there.onnx') }));
    await assert.rejects(missing.separateChunk(chunk, 'two'), (e: unknown) => e instanceof OnnxModelError && /not found/.test(e.message));
  });
});
