import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FfmpegError } from '../../../../src/audio/errors.ts';
import {
  DETECT_SAMPLE_RATE, MIN_ACTIVE_SEC, THRESHOLDS, buildDetectArgs, classifyContent, classifyFeatures, classifyPcmStream, detectFile,
  type ContentClass, type ContentKind,
} from '../../../../src/audio/detect/speech-music.ts';
import { decode, lavfi, makeTempDir } from '../helpers/media.ts';

let dir: string;
let remove: () => Promise<void>;
before(async () => ({ dir, remove } = await makeTempDir()));
after(() => remove());

const rate = DETECT_SAMPLE_RATE;
const mono = (x: Float32Array) => ({ channels: [x], sampleRate: rate });

describe('classifyContent: synthetic input', () => {
  it('1: silence (and anything under 1 s above −60 dBFS) is music with confidence 0, score 0', () => {
    const cases: [string, Float32Array][] = [
      ['10 s of digital silence', new Float32Array(10 * rate)],
      ['empty', new Float32Array(0)],
      ['shorter than a frame', Float32Array.from({ length: 300 }, (_, i) => Math.sin(i))],
      ['−80 dBFS noise', Float32Array.from({ length: 5 * rate }, (_, i) => 1e-4 * Math.sin(i * 1.3) * Math.cos(i * 0.07))],
      ['0.5 s of tone in 10 s of silence', Float32Array.from({ length: 10 * rate }, (_, i) => (i < rate / 2 ? 0.5 * Math.sin(i / 3) : 0))],
    ];
    for (const [name, x] of cases) {
      const c = classifyContent(mono(x));
      assert.deepEqual([c.kind, c.confidence, c.score], ['music', 0, 0], name);
      assert.ok(c.features.activeSec < MIN_ACTIVE_SEC, name);
    }
  });

  it('2: deterministic, level-independent, channels averaged, only the first 30 s analysed', () => {
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    // Bursty noise: 150 ms on, 100 ms off (a crude syllable rhythm).
    const x = Float32Array.from({ length: 8 * rate }, (_, i) => ((i % 4000) < 2400 ? 0.3 * rnd() : 0.003 * rnd()));
    const a = classifyContent(mono(x));
    assert.deepEqual(classifyContent(mono(x)), a);
    const quiet = classifyContent(mono(x.map((v) => v * 0.05)));
    assert.equal(quiet.kind, a.kind);
    assert.ok(Math.abs(quiet.score - a.score) < 1e-3, `${quiet.score} vs ${a.score}`);
    const stereo = classifyContent({ channels: [x, x], sampleRate: rate });
    assert.ok(Math.abs(stereo.score - a.score) < 1e-9);
    const long = new Float32Array(45 * rate);
    for (let i = 0; i < long.length; i += x.length) long.set(x.subarray(0, Math.min(x.length, long.length - i)), i);
    assert.equal(classifyContent(mono(long)).features.durationSec, 30);
  });

  it('3: steady tones and white noise are music; the clamp keeps the score in [−2, 2]', () => {
    const tone = Float32Array.from({ length: 10 * rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
    let s = 3;
    const white = Float32Array.from({ length: 10 * rate }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2);
    for (const [name, x] of [['tone', tone], ['white noise', white]] as const) {
      const c = classifyContent(mono(x));
      assert.equal(c.kind, 'music', `${name}: score ${c.score}`);
      assert.ok(c.score >= -2 && c.score <= 2 && c.confidence > 0 && c.confidence <= 1);
    }
  });

  it('4: classifyFeatures: a feature at each class median scores ±1', () => {
    const at = (sign: 1 | -1) => Object.fromEntries(Object.entries(THRESHOLDS).map(([k, v]) => [k, v.threshold + sign * v.halfSpread]));
    const base = { durationSec: 30, activeSec: 30 };
    const sp = classifyFeatures({ ...base, ...at(1) } as never);
    const mu = classifyFeatures({ ...base, ...at(-1) } as never);
    assert.deepEqual([sp.kind, sp.confidence], ['speech', 1]);
    assert.deepEqual([mu.kind, mu.confidence], ['music', 1]);
    assert.ok(Math.abs(sp.score - 1) < 1e-9 && Math.abs(mu.score + 1) < 1e-9);
  });

  it('5: rejects another sample rate, naming it', () => {
    assert.throws(() => classifyContent({ channels: [new Float32Array(100)], sampleRate: 44100 }), /16000 Hz sample rate \(44100 Hz given\)/);
  });

  it('6: classifyPcmStream reads f32le up to the limit and drains the rest', async () => {
    const x = Float32Array.from({ length: 3 * rate }, (_, i) => 0.3 * Math.sin(i / 5));
    const buf = Buffer.from(x.buffer);
    // Odd-sized chunks that split samples across chunk boundaries.
    const chunks = Array.from({ length: Math.ceil(buf.length / 4099) }, (_, i) => buf.subarray(i * 4099, (i + 1) * 4099));
    const c = await classifyPcmStream(Readable.from(chunks), 2);
    assert.equal(c.features.durationSec, 2);
    assert.deepEqual(c, classifyContent(mono(x.subarray(0, 2 * rate))));
  });
});

describe('detectFile', () => {
  it('1: argv: first audio stream, mono 16 kHz f32le, -t before the output', () => {
    const args = buildDetectArgs('/in/-a:b.mp4', 12.5);
    assert.deepEqual(args.slice(-3), ['-t', '12.5', 'pipe:1']);
    assert.ok(args.includes('file:/in/-a:b.mp4'));
    for (const [k, v] of [['-map', '0:a:0'], ['-ac', '1'], ['-ar', '16000'], ['-f', 'f32le']]) assert.equal(args[args.indexOf(k!) + 1], v);
  });

  it('2: decodes any format at any rate: a 44.1 kHz stereo tone → music; a silent file → music, confidence 0', async () => {
    const tone = await lavfi(join(dir, 'tone.m4a'), 'sine=f=440:d=4:r=44100', ['-ac', '2']);
    const c = await detectFile(tone);
    assert.equal(c.kind, 'music');
    assert.ok(Math.abs(c.features.durationSec - 4) < 0.05, String(c.features.durationSec));
    const silent = await lavfi(join(dir, 'silent.wav'), 'anullsrc=r=8000:cl=mono', ['-t', '3']);
    assert.deepEqual([(await detectFile(silent)).kind, (await detectFile(silent)).confidence], ['music', 0]);
    const long = await lavfi(join(dir, 'long.flac'), 'sine=f=220:d=40:r=16000');
    assert.equal((await detectFile(long, undefined, 5)).features.durationSec, 5);
  });

  it('3: fails like the pipeline: unreadable, no audio, aborted', async () => {
    const junk = join(dir, 'junk.mp3');
    await writeFile(junk, 'not audio at all');
    await assert.rejects(detectFile(junk), (e: unknown) => e instanceof FfmpegError && e.kind === 'unreadable');
    await assert.rejects(detectFile(join(dir, 'absent.wav')), (e: unknown) => e instanceof FfmpegError && e.kind === 'unreadable');
    const video = await lavfi(join(dir, 'video.mp4'), 'testsrc=d=1:s=32x32', ['-pix_fmt', 'yuv420p']);
    await assert.rejects(detectFile(video), (e: unknown) => e instanceof FfmpegError && e.kind === 'no-audio');
    const tone = await lavfi(join(dir, 'tone2.wav'), 'sine=f=300:d=5:r=16000');
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await assert.rejects(detectFile(tone, controller.signal), (e: unknown) => e instanceof FfmpegError && e.kind === 'aborted');
  });
});

/** `../shared/data` beside the repository (shared/data/README.md), or SMART_AUDIO_DATA. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DATA = [process.env.SMART_AUDIO_DATA ?? join(REPO_ROOT, '..', 'shared', 'data')].find((d) => existsSync(d));

/** The committed validation split (eval/splits.json): tracks and singers not used to fit the thresholds. */
function validationSplit(): { musdbTracks: string[]; mir1kSingers: string[] } {
  const s = JSON.parse(readFileSync(join(REPO_ROOT, 'eval', 'splits.json'), 'utf8')) as { musdb18: { validationTracks: string[] }; mir1k: { validationSingers: string[] } };
  return { musdbTracks: s.musdb18.validationTracks, mir1kSingers: s.mir1k.validationSingers };
}

describe('speech/music detector on real recordings', { skip: DATA ? false : 'shared data folder absent (../shared/data beside the repository, or SMART_AUDIO_DATA): real-data accuracy not measured' }, () => {
  interface Trial { set: string; name: string; want: ContentKind; got: ContentClass }
  const trials: Trial[] = [];

  before(async () => {
    const data = DATA!;
    const dns = join(data, 'speech', 'dns3-pairs');
    const speech = readdirSync(dns).filter((f) => /_(clean|noisy)\.wav$/.test(f)).sort();
    for (const f of speech) trials.push({ set: 'DNS3', name: f, want: 'speech', got: await detectFile(join(dns, f)) });
    // MUSDB18 validation tracks (eval/splits.json, not used to fit the thresholds): stream 0 is the mixture.
    const split = validationSplit();
    for (const name of split.musdbTracks) {
      trials.push({ set: 'MUSDB18 val', name, want: 'music', got: await detectFile(join(data, 'musdb18-7-train', `${name}.stem.mp4`)) });
    }
    // MIR-1K validation singers, the first 6 clips of each: mixture = vocals + accompaniment (0 dB).
    const clips = readdirSync(join(data, 'mir-1k', 'vocals')).filter((f) => f.endsWith('.opus')).sort();
    for (const name of split.mir1kSingers.flatMap((singer) => clips.filter((f) => f.startsWith(`${singer}_`)).slice(0, 6).map((f) => f.slice(0, -5)))) {
      const [v, a] = await Promise.all(['vocals', 'accompaniment'].map((part) => decode(join(data, 'mir-1k', part, `${name}.opus`), rate, 1)));
      const n = Math.min(v![0]!.length, a![0]!.length);
      const mix = Float32Array.from({ length: n }, (_, i) => v![0]![i]! + a![0]![i]!);
      trials.push({ set: 'MIR-1K val', name, want: 'music', got: classifyContent(mono(mix)) });
    }
  });

  it('1: ≥ 90 % correct, at most one error per class (table below)', (t) => {
    const lines = trials.map((r) => `${r.got.kind === r.want ? 'ok ' : 'ERR'} ${r.set.padEnd(11)} ${r.want.padEnd(6)} → ${r.got.kind.padEnd(6)} score ${r.got.score.toFixed(2).padStart(5)} conf ${r.got.confidence.toFixed(2)}  ${r.name}`);
    for (const line of lines) t.diagnostic(line);
    const correct = trials.filter((r) => r.got.kind === r.want).length;
    const errors = (kind: ContentKind) => trials.filter((r) => r.want === kind && r.got.kind !== kind).length;
    const summary = `${correct}/${trials.length} correct (${((100 * correct) / trials.length).toFixed(1)} %); errors: speech ${errors('speech')}, music ${errors('music')}`;
    t.diagnostic(summary);
    assert.ok(trials.filter((r) => r.want === 'speech').length === 10, 'the 5 clean + 5 noisy DNS3 clips');
    assert.ok(correct / trials.length >= 0.9, summary);
    assert.ok(errors('speech') <= 1 && errors('music') <= 1, summary);
  });
});
