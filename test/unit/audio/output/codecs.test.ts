import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOutputFormat, defaultChannels, resolveOutputFormat, type ResolvedOutputFormat } from '../../../../src/audio/codecs.ts';

type Row = [n: number, what: string, got: ResolvedOutputFormat, want: Omit<ResolvedOutputFormat, 'encoderArgs'> & { args: string }];

describe('resolveOutputFormat (spec/templates.md §1, defaults at job time)', () => {
  const rows: Row[] = [
    [1, 'all defaults, stereo source', resolveOutputFormat({}, 'AudioAndBackground', 2),
      { codec: 'aac', ext: 'aac', sampleRate: 44100, channels: 2, bitrateKbps: 128, args: '-ar 44100 -ac 2 -c:a aac -b:a 128k -f adts' }],
    [2, 'aac, mono source → 1 channel', resolveOutputFormat({ codec: 'aac' }, 'IsAudio', 1),
      { codec: 'aac', ext: 'aac', sampleRate: 44100, channels: 1, bitrateKbps: 128, args: '-ar 44100 -ac 1 -c:a aac -b:a 128k -f adts' }],
    [3, 'aac, 3-channel source → 2 (largest allowed ≤ 3)', resolveOutputFormat({}, 'IsAudio', 3),
      { codec: 'aac', ext: 'aac', sampleRate: 44100, channels: 2, bitrateKbps: 128, args: '-ar 44100 -ac 2 -c:a aac -b:a 128k -f adts' }],
    [4, 'flac, 6-channel source, 96 kHz; Bitrate ignored', resolveOutputFormat({ codec: 'flac', samplerate: 96000, bitrate: 320 }, 'IsBackground', 6),
      { codec: 'flac', ext: 'flac', sampleRate: 96000, channels: 6, args: '-ar 96000 -ac 6 -c:a flac -f flac' }],
    [5, 'flac, 12-channel source → 8', resolveOutputFormat({ codec: 'flac' }, 'IsBackground', 12),
      { codec: 'flac', ext: 'flac', sampleRate: 44100, channels: 8, args: '-ar 44100 -ac 8 -c:a flac -f flac' }],
    [6, 'mp3, 6-channel source → 2, explicit bitrate', resolveOutputFormat({ codec: 'mp3', bitrate: 320 }, 'IsAudio', 6),
      { codec: 'mp3', ext: 'mp3', sampleRate: 44100, channels: 2, bitrateKbps: 320, args: '-ar 44100 -ac 2 -c:a libmp3lame -b:a 320k -f mp3' }],
    [7, 'mp3 at 22050 snaps 200 → 160 (MPEG-2 max)', resolveOutputFormat({ codec: 'mp3', samplerate: 22050, bitrate: 200 }, 'IsAudio', 2),
      { codec: 'mp3', ext: 'mp3', sampleRate: 22050, channels: 2, bitrateKbps: 160, args: '-ar 22050 -ac 2 -c:a libmp3lame -b:a 160k -f mp3' }],
    [8, 'mp3 at 11025 caps at 64 (MPEG-2.5)', resolveOutputFormat({ codec: 'mp3', samplerate: 11025 }, 'IsAudio', 1),
      { codec: 'mp3', ext: 'mp3', sampleRate: 11025, channels: 1, bitrateKbps: 64, args: '-ar 11025 -ac 1 -c:a libmp3lame -b:a 64k -f mp3' }],
    [9, 'amr defaults: 8000 Hz mono 12.2 kbps', resolveOutputFormat({ codec: 'amr' }, 'IsAudio', 2),
      { codec: 'amr', ext: 'amr', sampleRate: 8000, channels: 1, bitrateKbps: 12.2, args: '-ar 8000 -ac 1 -c:a libopencore_amrnb -b:a 12200 -f amr' }],
    [10, 'amr Bitrate 8 → 7.95 mode', resolveOutputFormat({ codec: 'amr', bitrate: 8, samplerate: 8000, channels: 1 }, 'IsAudio', 2),
      { codec: 'amr', ext: 'amr', sampleRate: 8000, channels: 1, bitrateKbps: 7.95, args: '-ar 8000 -ac 1 -c:a libopencore_amrnb -b:a 7950 -f amr' }],
    [11, 'amr Bitrate 1000 → 12.2 mode', resolveOutputFormat({ codec: 'amr', bitrate: 1000 }, 'IsAudio', 1),
      { codec: 'amr', ext: 'amr', sampleRate: 8000, channels: 1, bitrateKbps: 12.2, args: '-ar 8000 -ac 1 -c:a libopencore_amrnb -b:a 12200 -f amr' }],
    [12, 'wav, 8 kHz, 8 channels; RF64 past 4 GB', resolveOutputFormat({ codec: 'wav', samplerate: 8000, channels: 8 }, 'IsAudio', 2),
      { codec: 'wav', ext: 'wav', sampleRate: 8000, channels: 8, args: '-ar 8000 -ac 8 -c:a pcm_s16le -rf64 auto -f wav' }],
    [13, 'aac Bitrate 1000 clamped to the encoder maximum', resolveOutputFormat({ codec: 'aac', bitrate: 1000, channels: 1 }, 'IsAudio', 2),
      { codec: 'aac', ext: 'aac', sampleRate: 44100, channels: 1, bitrateKbps: 264, args: '-ar 44100 -ac 1 -c:a aac -b:a 264k -f adts' }],
    [14, 'unknown source channel count → 2', resolveOutputFormat({}, 'IsAudio', undefined),
      { codec: 'aac', ext: 'aac', sampleRate: 44100, channels: 2, bitrateKbps: 128, args: '-ar 44100 -ac 2 -c:a aac -b:a 128k -f adts' }],
    [15, 'MusicMode ignores Samplerate/Bitrate/Channels', resolveOutputFormat({ codec: 'mp3', samplerate: 22050, bitrate: 32, channels: 1 }, 'MusicMode', 6),
      { codec: 'mp3', ext: 'mp3', sampleRate: 44100, channels: 2, bitrateKbps: 128, args: '-ar 44100 -ac 2 -c:a libmp3lame -b:a 128k -f mp3' }],
    [16, 'MusicMode wav', resolveOutputFormat({ codec: 'wav' }, 'MusicMode', 1),
      { codec: 'wav', ext: 'wav', sampleRate: 44100, channels: 2, args: '-ar 44100 -ac 2 -c:a pcm_s16le -rf64 auto -f wav' }],
  ];
  for (const [n, what, got, want] of rows) {
    it(`${n}: ${what}`, () => {
      const { args, ...rest } = want;
      const { encoderArgs, ...gotRest } = got;
      assert.deepEqual(gotRest, rest);
      assert.equal(encoderArgs.join(' '), args);
    });
  }

  it('R1: MusicMode rejects flac and amr', () => {
    assert.throws(() => resolveOutputFormat({ codec: 'flac' }, 'MusicMode', 2), /flac is not allowed with MusicMode/);
    assert.throws(() => resolveOutputFormat({ codec: 'amr' }, 'MusicMode', 2), /amr/);
  });
  it('R2: values outside the matrix throw (validators reject them first)', () => {
    assert.throws(() => resolveOutputFormat({ codec: 'mp3', samplerate: 96000 }, 'IsAudio', 2), /Samplerate 96000 is not allowed with Codec mp3/);
    assert.throws(() => resolveOutputFormat({ codec: 'mp3', channels: 6 }, 'IsAudio', 2), /Channels 6/);
    assert.throws(() => resolveOutputFormat({ codec: 'aac', samplerate: 8000 }, 'IsAudio', 2), /8000/);
  });
});

describe('buildOutputFormat (codec-generic; NoiseReduction formats)', () => {
  it('1: m4a = AAC in MP4 (ipod muxer), faststart; 128k default clamped to 96k at 16 kHz mono', () => {
    const f = buildOutputFormat('m4a', { sampleRate: 16000, channels: 1 });
    assert.equal(f.ext, 'm4a');
    assert.equal(f.encoderArgs.join(' '), '-ar 16000 -ac 1 -c:a aac -b:a 96k -movflags +faststart -f ipod');
  });
  it('2: mp3 at 8000 Hz (MPEG-2.5) and wav at 16000 Hz', () => {
    assert.equal(buildOutputFormat('mp3', { sampleRate: 8000, channels: 1 }).bitrateKbps, 64);
    assert.equal(buildOutputFormat('wav', { sampleRate: 16000, channels: 1 }).bitrateKbps, undefined);
  });
  it('3: amr forces 8000 Hz mono whatever is asked', () => {
    const f = buildOutputFormat('amr', { sampleRate: 44100, channels: 2, bitrateKbps: 5 });
    assert.deepEqual([f.sampleRate, f.channels, f.bitrateKbps], [8000, 1, 5.15]);
  });
  it('R1: bad rate or channel count', () => {
    assert.throws(() => buildOutputFormat('wav', { sampleRate: 0, channels: 1 }), RangeError);
    assert.throws(() => buildOutputFormat('wav', { sampleRate: 8000, channels: 9 }), RangeError);
  });
});

describe('defaultChannels', () => {
  const allowed = [1, 2, 4, 5, 6, 8];
  const cases: [number | undefined, number][] = [[1, 1], [2, 2], [3, 2], [4, 4], [7, 6], [8, 8], [16, 8], [undefined, 2], [0, 2]];
  for (const [source, want] of cases) it(`source ${source} → ${want}`, () => assert.equal(defaultChannels(allowed, source), want));
  it('amr row [1] with stereo source → 1', () => assert.equal(defaultChannels([1], 2), 1));
});
