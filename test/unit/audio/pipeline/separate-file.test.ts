import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOutputFormat, resolveOutputFormat, type OutputCodec, type ResolvedOutputFormat } from '../../../../src/audio/codecs.ts';
import { AudioError, FfmpegError, type AudioErrorKind } from '../../../../src/audio/errors.ts';
import { probe } from '../../../../src/audio/ffmpeg/probe.ts';
import { separateFile, type SeparateFileOptions } from '../../../../src/audio/separate-file.ts';
import { decode, lavfi, makeTempDir, maxAbsDiff } from '../helpers/media.ts';

/**
 * Decoded length tolerance, in samples at the output rate: one codec frame
 * after the end; ADTS AAC also carries the encoder's 1024 priming samples
 * (it cannot signal them, see codecs.ts), so up to two frames there.
 */
const EXTRA_SAMPLES: Record<OutputCodec, number> = { aac: 2048, m4a: 1024, mp3: 1152, amr: 160, flac: 0, wav: 0 };

let dir: string;
let remove: () => Promise<void>;
before(async () => ({ dir, remove } = await makeTempDir()));
after(() => remove());

const out = (name: string, format: ResolvedOutputFormat) => ({ path: join(dir, `${name}.${format.ext}`), format });

/** Probes and decodes an output; checks codec, rate, channels and length. */
async function checkOutput(path: string, format: ResolvedOutputFormat, seconds: number): Promise<Float32Array[]> {
  const p = await probe(path);
  const codecName = { aac: 'aac', m4a: 'aac', mp3: 'mp3', flac: 'flac', amr: 'amr_nb', wav: 'pcm_s16le' }[format.codec];
  assert.deepEqual([p.audio?.codecName, p.audio?.sampleRate, p.audio?.channels], [codecName, format.sampleRate, format.channels], path);
  const pcm = await decode(path, format.sampleRate, format.channels);
  const expected = Math.round(seconds * format.sampleRate);
  const extra = pcm[0]!.length - expected;
  assert.ok(extra >= -1 && extra <= EXTRA_SAMPLES[format.codec] + 1, `${path}: ${pcm[0]!.length} samples, expected ${expected} (+${EXTRA_SAMPLES[format.codec]})`);
  for (const ch of pcm) assert.ok(ch.every((v) => Number.isFinite(v) && Math.abs(v) <= 1));
  return pcm;
}

/** Our ffmpeg/ffprobe child processes still alive (tsx also has an esbuild child). */
function childProcesses(): string[] {
  try {
    return execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n').map((s) => s.trim()).filter((s) => s === 'ffmpeg' || s === 'ffprobe');
  } catch {
    return []; // ps exits 1 when there is no child
  }
}

async function rejectsWith(opts: SeparateFileOptions, kind: AudioErrorKind): Promise<AudioError> {
  const err = await separateFile(opts).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(err instanceof AudioError, `not an AudioError: ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  for (const o of Object.values(opts.outputs)) assert.equal(existsSync(o!.path), false, `${o!.path} left behind`);
  assert.deepEqual(childProcesses(), [], 'child processes left running');
  return err;
}

describe('separateFile: formats and lengths', () => {
  it('1: stereo 44.1 kHz, two stems → aac (defaults) + mp3; progress, timings, sizes', async () => {
    const input = await lavfi(join(dir, 'st.wav'), 'sine=f=330:d=3:r=44100|anoisesrc=d=3:r=44100:a=0.1:seed=1', ['-filter_complex', 'amerge=inputs=2', '-ac', '2']);
    const aac = resolveOutputFormat({}, 'AudioAndBackground', 2);
    const mp3 = resolveOutputFormat({ codec: 'mp3' }, 'AudioAndBackground', 2);
    const progress: number[] = [];
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('1-v', aac), background: out('1-b', mp3) }, onProgress: (f) => progress.push(f) });
    assert.ok(Math.abs(res.durationSec - 3) < 1e-3);
    assert.equal(res.sourceProbe.audio?.channels, 2);
    await checkOutput(res.outputs.vocals!.path, aac, 3);
    await checkOutput(res.outputs.background!.path, mp3, 3);
    assert.equal(res.outputs.vocals!.bytes, (await stat(res.outputs.vocals!.path)).size);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= progress[i - 1]!)));
    for (const k of ['probeMs', 'decodeMs', 'separateMs', 'encodeMs', 'totalMs'] as const) assert.ok(res.timings[k] >= 0);
    assert.ok(res.timings.separateMs <= res.timings.totalMs);
  });

  it('2: four stems over several chunks: stems sum to the input; background = drums + bass + other', async () => {
    const input = await lavfi(join(dir, 'music.wav'), 'sine=f=220:d=3.3:r=44100|anoisesrc=d=3.3:r=44100:a=0.08:seed=2|sine=f=60:d=3.3:r=44100', [
      '-filter_complex', '[0][1]amerge=inputs=2,volume=0.5[m];[m][2]amix=inputs=2', '-ac', '2', '-c:a', 'pcm_f32le',
    ]);
    const wav = buildOutputFormat('wav', { sampleRate: 44100, channels: 2 });
    const stems = ['vocals', 'background', 'drums', 'bass', 'other'] as const;
    const outputs = Object.fromEntries(stems.map((s) => [s, out(`2-${s}`, wav)]));
    await separateFile({ inputPath: input, engine: 'dsp', mode: 'four', outputs, chunkSec: 1, overlapSec: 0.25 });
    const mix = await decode(input, 44100, 2);
    const pcm = Object.fromEntries(await Promise.all(stems.map(async (s) => [s, await checkOutput(outputs[s]!.path, wav, 3.3)] as const)));
    for (let c = 0; c < 2; c++) {
      const sum = mix[c]!.map((_, i) => pcm.vocals![c]![i]! + pcm.drums![c]![i]! + pcm.bass![c]![i]! + pcm.other![c]![i]!);
      assert.ok(maxAbsDiff(sum, mix[c]!) < 2e-4, `sum error ${maxAbsDiff(sum, mix[c]!)}`); // 16-bit quantisation of 4 stems
      const bg = mix[c]!.map((_, i) => pcm.drums![c]![i]! + pcm.bass![c]![i]! + pcm.other![c]![i]!);
      assert.ok(maxAbsDiff(bg, pcm.background![c]!) < 2e-4);
    }
  });

  it('3: mono 8 kHz input → default channels follow the source (1), 44.1 kHz', async () => {
    const input = await lavfi(join(dir, 'm8k.wav'), 'sine=f=440:d=2:r=8000');
    const probed = await probe(input);
    const aac = resolveOutputFormat({}, 'IsAudio', probed.audio!.channels);
    assert.equal(aac.channels, 1);
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('3-v', aac) } });
    await checkOutput(res.outputs.vocals!.path, aac, 2);
  });

  it('4: 6-channel 96 kHz input → flac 96 kHz 6 ch, and mp3 defaults (2 ch)', async () => {
    const input = await lavfi(join(dir, 'c6.wav'), 'anoisesrc=d=1.5:r=96000:a=0.2:seed=3', ['-ac', '6']);
    const flac = resolveOutputFormat({ codec: 'flac', samplerate: 96000 }, 'AudioAndBackground', 6);
    const mp3 = resolveOutputFormat({ codec: 'mp3' }, 'AudioAndBackground', 6);
    assert.deepEqual([flac.channels, mp3.channels], [6, 2]);
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('4-v', flac), background: out('4-b', mp3) } });
    assert.equal(res.sourceProbe.audio?.channels, 6);
    await checkOutput(res.outputs.vocals!.path, flac, 1.5);
    await checkOutput(res.outputs.background!.path, mp3, 1.5);
  });

  it('5: a 50 ms input → wav (exact) and amr (8 kHz mono)', async () => {
    const input = await lavfi(join(dir, 'short.wav'), 'sine=f=440:d=0.05:r=44100');
    const wav = resolveOutputFormat({ codec: 'wav' }, 'AudioAndBackground', 1);
    const amr = resolveOutputFormat({ codec: 'amr' }, 'AudioAndBackground', 1);
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('5-v', wav), background: out('5-b', amr) } });
    assert.equal((await checkOutput(res.outputs.vocals!.path, wav, 0.05))[0]!.length, 2205);
    await checkOutput(res.outputs.background!.path, amr, 0.05);
  });

  it('6: silence in → exact silence out, right length', async () => {
    const input = await lavfi(join(dir, 'silence.wav'), 'anullsrc=r=44100:cl=stereo', ['-t', '2']);
    const wav = resolveOutputFormat({ codec: 'wav' }, 'MusicMode', 2);
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'four', outputs: { vocals: out('6-v', wav), drums: out('6-d', wav) } });
    for (const o of Object.values(res.outputs)) {
      const pcm = await checkOutput(o.path, wav, 2);
      assert.ok(pcm.every((ch) => ch.every((v) => v === 0)));
    }
  });

  it('7: an mp4 with video and audio → the audio is separated', async () => {
    const input = await lavfi(join(dir, 'av.mp4'), 'testsrc=d=1.2:s=64x48:r=10|sine=f=500:d=1.2', ['-c:v', 'mpeg4', '-c:a', 'aac', '-shortest']);
    const wav = resolveOutputFormat({ codec: 'wav', channels: 2 }, 'IsAudio', 1);
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('7-v', wav) } });
    assert.ok(Math.abs(res.durationSec - 1.2) < 0.05, `${res.durationSec} s`);
    await checkOutput(res.outputs.vocals!.path, wav, res.durationSec);
  });

  it('8: overloads are soft-limited below full scale, NaN-free', async () => {
    const input = await lavfi(join(dir, 'loud.wav'), 'aevalsrc=3*sin(2*PI*200*t)|aevalsrc=-3*sin(2*PI*200*t)', ['-filter_complex', 'amerge=inputs=2', '-t', '1', '-c:a', 'pcm_f32le']);
    const wav = resolveOutputFormat({ codec: 'wav' }, 'IsAudio', 2);
    const res = await separateFile({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('8-v', wav), background: out('8-b', wav) } });
    const pcm = await checkOutput(res.outputs.background!.path, wav, 1);
    const peak = Math.max(...pcm[0]!.map(Math.abs));
    assert.ok(peak > 0.9 && peak <= 0.9901, `peak ${peak}`);
  });
});

describe('separateFile: typed failures, nothing left behind', () => {
  const wav = buildOutputFormat('wav', { sampleRate: 44100, channels: 2 });
  let long: string;
  before(async () => {
    long = await lavfi(join(dir, 'long.wav'), 'anoisesrc=d=30:r=44100:a=0.2:seed=4', ['-ac', '2']);
  });

  it('R1: a video with no audio stream → no-audio', async () => {
    const input = await lavfi(join(dir, 'v.mp4'), 'testsrc=d=1:s=64x48:r=10', ['-c:v', 'mpeg4']);
    const err = await rejectsWith({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('r1', wav) } }, 'no-audio');
    assert.match(err.message, /no audio stream/);
  });

  it('R2: a text file → unreadable (FfmpegError from ffprobe)', async () => {
    const input = join(dir, 'notes.wav');
    await writeFile(input, 'hello, this is text\n'.repeat(50));
    const err = await rejectsWith({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('r2', wav) } }, 'unreadable');
    assert.ok(err instanceof FfmpegError && err.stderrTail.length > 0);
  });

  it('R3: a 0-byte file → empty; a missing file → unreadable', async () => {
    const input = join(dir, 'empty.mp3');
    await writeFile(input, '');
    await rejectsWith({ inputPath: input, engine: 'dsp', mode: 'two', outputs: { vocals: out('r3', wav) } }, 'empty');
    await rejectsWith({ inputPath: join(dir, 'missing.mp3'), engine: 'dsp', mode: 'two', outputs: { vocals: out('r3', wav) } }, 'unreadable');
  });

  it('R4: longer than maxDurationSec → too-long', async () => {
    const err = await rejectsWith({ inputPath: long, engine: 'dsp', mode: 'two', outputs: { vocals: out('r4', wav) }, maxDurationSec: 10 }, 'too-long');
    assert.match(err.message, /30\.000 s exceeds the limit of 10 s/);
  });

  it('R5: abort while running → aborted; children killed, outputs removed', async () => {
    const ac = new AbortController();
    let running: string[] = [];
    const opts: SeparateFileOptions = {
      inputPath: long, engine: 'dsp', mode: 'four', chunkSec: 2, overlapSec: 0.5, signal: ac.signal,
      outputs: { vocals: out('r5-v', wav), background: out('r5-b', buildOutputFormat('mp3', { sampleRate: 44100, channels: 2 })) },
      onProgress: () => {
        running = childProcesses();
        ac.abort(new Error('job cancelled'));
      },
    };
    const err = await rejectsWith(opts, 'aborted');
    assert.deepEqual(running, ['ffmpeg', 'ffmpeg', 'ffmpeg'], 'decoder and two encoders were running');
    assert.equal((err.cause as Error).message, 'job cancelled');
  });

  it('R6: timeout → timeout', async () => {
    await rejectsWith({ inputPath: long, engine: 'dsp', mode: 'two', outputs: { vocals: out('r6', wav) }, timeoutMs: 150 }, 'timeout');
  });

  it('R7: an encoder that fails → FfmpegError(failed) with its stderr; the rest is killed', async () => {
    const broken: ResolvedOutputFormat = { ...wav, encoderArgs: ['-c:a', 'no_such_encoder', '-f', 'wav'] };
    const err = await rejectsWith({ inputPath: long, engine: 'dsp', mode: 'two', outputs: { vocals: out('r7-v', wav), background: out('r7-b', broken) } }, 'failed');
    assert.ok(err instanceof FfmpegError && /no_such_encoder/.test(err.stderrTail), err.message);
    // fails only once PCM arrives (the output is opened after the first frame)
    const unwritable = { path: join(dir, 'no-such-dir', 'x.wav'), format: wav };
    const err2 = await rejectsWith({ inputPath: long, engine: 'dsp', mode: 'two', outputs: { vocals: out('r7-v', wav), background: unwritable } }, 'failed');
    assert.ok(err2 instanceof FfmpegError && /No such file or directory/.test(err2.stderrTail), err2.message);
  });

  it('R8: bad requests are programming errors (RangeError), before any work', async () => {
    await assert.rejects(separateFile({ inputPath: long, engine: 'dsp', mode: 'two', outputs: {} }), RangeError);
    await assert.rejects(separateFile({ inputPath: long, engine: 'dsp', mode: 'two', outputs: { drums: out('r8', wav) } }), /not produced in mode two/);
    await assert.rejects(separateFile({ inputPath: long, engine: 'dsp', mode: 'two', outputs: { vocals: out('r8', wav), background: out('r8', wav) } }), /share a path/);
  });
});
