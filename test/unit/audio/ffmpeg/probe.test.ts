import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AudioError, FfmpegError } from '../../../../src/audio/errors.ts';
import { parseProbeJson, probe, requireAudio, toMediaInfo } from '../../../../src/audio/ffmpeg/probe.ts';
import { lavfi, makeTempDir } from '../helpers/media.ts';

describe('toMediaInfo (spec/jobs.md §2.2)', () => {
  it('1: the spec sample, from ffprobe 4.x JSON', () => {
    const probed = parseProbeJson({
      streams: [{
        index: 0, codec_name: 'mp3', codec_long_name: 'MP3 (MPEG audio layer 3)', codec_type: 'audio',
        codec_time_base: '1/14112000', codec_tag_string: '[0][0][0][0]', codec_tag: '0x0000', sample_fmt: 'fltp',
        sample_rate: '44100', channels: 2, channel_layout: 'stereo', time_base: '1/14112000', start_time: '0.025057',
        duration: '13.688163', bit_rate: '128000',
      }],
      format: {
        nb_streams: 1, nb_programs: 0, format_name: 'mp3', format_long_name: 'MP2/3 (MPEG audio layer 2/3)',
        start_time: '0.025057', duration: '13.688163', size: '219263', bit_rate: '128147',
      },
    });
    assert.deepEqual(toMediaInfo(probed), {
      Format: {
        Bitrate: '128.147000', Duration: '13.688163', FormatLongName: 'MP2/3 (MPEG audio layer 2/3)', FormatName: 'mp3',
        NumProgram: '0', NumStream: '1', Size: '219263', StartTime: '0.025057',
      },
      Stream: {
        Audio: [{
          Bitrate: '128.000000', Channel: '2', ChannelLayout: 'stereo', CodecLongName: 'MP3 (MPEG audio layer 3)', CodecName: 'mp3',
          CodecTag: '0x0000', CodecTagString: '[0][0][0][0]', CodecTimeBase: '1/14112000', Duration: '13.688163', Index: '0',
          SampleFmt: 'fltp', SampleRate: '44100', StartTime: '0.025057', Timebase: '1/14112000',
        }],
        Video: [],
        Subtitle: [],
      },
    });
    assert.deepEqual(probed.audio, { index: 0, codecName: 'mp3', sampleRate: 44100, channels: 2, channelLayout: 'stereo', durationSec: 13.688163, bitRate: 128000 });
  });

  it('2: missing values are empty strings; no codec_time_base (ffprobe ≥ 5) → 1/sample_rate', () => {
    const info = toMediaInfo(parseProbeJson({ streams: [{ index: 0, codec_type: 'audio', sample_rate: '8000', channels: 1, duration: 'N/A' }], format: { format_name: 'amr' } }));
    assert.equal(info.Format.Bitrate, '');
    assert.equal(info.Format.Duration, '');
    assert.equal(info.Stream.Audio[0]!.CodecTimeBase, '1/8000');
    assert.equal(info.Stream.Audio[0]!.Duration, '');
  });
});

describe('probe (real files)', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await makeTempDir()));
  after(() => remove());

  it('3: wav, stereo 44.1 kHz, 1 s', async () => {
    const path = await lavfi(join(dir, 'a.wav'), 'sine=f=440:d=1:r=44100', ['-ac', '2']);
    const p = await probe(path);
    assert.equal(p.format.name, 'wav');
    assert.deepEqual([p.audio?.codecName, p.audio?.sampleRate, p.audio?.channels], ['pcm_s16le', 44100, 2]);
    assert.ok(Math.abs(p.durationSec! - 1) < 1e-3);
    const info = toMediaInfo(p);
    assert.equal(info.Format.Duration, '1.000000');
    assert.equal(info.Stream.Audio[0]!.Bitrate, '1411.200000');
  });

  it('4: raw ADTS → duration counted from packets (1024 samples each)', async () => {
    const path = await lavfi(join(dir, 'a.aac'), 'sine=f=440:d=3:r=44100', ['-c:a', 'aac', '-b:a', '32k', '-f', 'adts']);
    const p = await probe(path);
    assert.equal(p.format.name, 'aac');
    const packets = p.streams[0]!.numReadPackets!;
    assert.ok(packets >= 130 && packets <= 131, `${packets} packets`); // 3 s + 1024 priming = 130.2 frames
    assert.equal(p.durationSec, (packets * 1024) / 44100);
    assert.equal(p.format.durationSec, p.durationSec);
    const estimated = await probe(path, { exactDuration: false });
    assert.equal(estimated.streams[0]!.numReadPackets, undefined);
  });

  it('5: mp4 with video and audio; video-only → no-audio; no stream → unreadable', async () => {
    const av = await lavfi(join(dir, 'av.mp4'), 'testsrc=d=1:s=64x48:r=10|sine=d=1', ['-c:v', 'mpeg4', '-c:a', 'aac', '-shortest']);
    const p = await probe(av);
    assert.deepEqual(p.streams.map((s) => s.codecType), ['video', 'audio']);
    assert.equal(p.audio?.index, 1);
    const info = toMediaInfo(p);
    assert.equal(info.Stream.Video.length, 1);
    assert.equal(info.Stream.Video[0]!.Width, '64');
    assert.equal(requireAudio(p, av), p.audio);

    const v = await lavfi(join(dir, 'v.mp4'), 'testsrc=d=1:s=64x48:r=10', ['-c:v', 'mpeg4']);
    assert.throws(() => requireAudio(parseProbeJson({ streams: [], format: {} }), 'x'), (e) => e instanceof AudioError && e.kind === 'unreadable');
    const pv = await probe(v);
    assert.throws(() => requireAudio(pv, v), (e) => e instanceof AudioError && e.kind === 'no-audio' && /streams: video/.test(e.message));
  });

  it('6: a text file → FfmpegError(unreadable)', async () => {
    const path = join(dir, 'notes.mp3');
    await writeFile(path, 'this is not audio\n'.repeat(20));
    await assert.rejects(probe(path), (e) => e instanceof FfmpegError && e.kind === 'unreadable' && e.tool === 'ffprobe');
  });
});

