import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOutputFormat } from '../../../../src/audio/codecs.ts';
import { buildDecodeArgs, buildEncodeArgs, buildProbeArgs, fileUrl } from '../../../../src/audio/ffmpeg/args.ts';

describe('ffmpeg argv builders (pure)', () => {
  it('1: decode → first audio stream, f32le on stdout, resampled and remixed', () => {
    assert.deepEqual(buildDecodeArgs({ input: '/in/a b.mp4', sampleRate: 44100, channels: 2 }), [
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-i', 'file:/in/a b.mp4',
      '-map', '0:a:0', '-vn', '-sn', '-dn',
      '-ac', '2', '-ar', '44100',
      '-c:a', 'pcm_f32le', '-f', 'f32le',
      'pipe:1',
    ]);
  });

  it('2: encode ← f32le on stdin, codec options, output as file: URL', () => {
    const format = buildOutputFormat('mp3', { sampleRate: 48000, channels: 2, bitrateKbps: 192 });
    assert.deepEqual(buildEncodeArgs({ output: '/out/v.mp3', inputSampleRate: 44100, inputChannels: 2, format }), [
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', 'pipe:0',
      '-ar', '48000', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3',
      '-y', 'file:/out/v.mp3',
    ]);
  });

  it('3: probe → JSON of format and streams; -count_packets on request', () => {
    assert.deepEqual(buildProbeArgs({ input: 'x.aac' }), ['-hide_banner', '-loglevel', 'error', '-print_format', 'json', '-show_format', '-show_streams', 'file:x.aac']);
    assert.deepEqual(buildProbeArgs({ input: 'x.aac', countPackets: true }).slice(-2), ['-count_packets', 'file:x.aac']);
  });

  it('4: paths that look like options or protocols stay paths', () => {
    assert.equal(fileUrl('-y'), 'file:-y');
    assert.equal(fileUrl('http:evil'), 'file:http:evil');
    assert.equal(buildDecodeArgs({ input: '-i', sampleRate: 8000, channels: 1 })[5], 'file:-i');
  });
});
