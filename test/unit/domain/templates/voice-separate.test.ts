import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawVoiceSeparate, VoiceSeparateParams } from '../../../../src/domain/templates/types.ts';
import { VS_CODEC_MATRIX, validateVoiceSeparate } from '../../../../src/domain/templates/voice-separate.ts';
import { assertRejects, type AcceptCase, type RejectCase } from './helpers.ts';

// spec/templates.md §1, spec/limits.md "Voice separation output".

const vs = (audioConfig: VoiceSeparateParams['audioConfig'], audioMode: VoiceSeparateParams['audioMode'] = 'IsAudio'): VoiceSeparateParams => ({
  tag: 'VoiceSeparate',
  audioMode,
  audioConfig,
});

const accepted: AcceptCase<RawVoiceSeparate | undefined, VoiceSeparateParams>[] = [
  { n: 1, desc: 'spec sample: aac/44100/128/4', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'aac', Samplerate: '44100', Bitrate: '128', Channels: '4' } }, want: vs({ codec: 'aac', samplerate: 44100, bitrate: 128, channels: 4 }) },
  { n: 2, desc: 'IsBackground', raw: { AudioMode: 'IsBackground' }, want: vs({}, 'IsBackground') },
  { n: 3, desc: 'AudioAndBackground', raw: { AudioMode: 'AudioAndBackground' }, want: vs({}, 'AudioAndBackground') },
  { n: 4, desc: 'MusicMode', raw: { AudioMode: 'MusicMode' }, want: vs({}, 'MusicMode') },
  { n: 5, desc: 'AudioConfig absent (Python SDK: optional)', raw: { AudioMode: 'IsAudio' }, want: vs({}) },
  { n: 6, desc: 'empty elements are not set', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: '', Samplerate: '', Bitrate: '', Channels: '' } }, want: vs({}) },
  { n: 7, desc: 'flac 96000 8ch', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'flac', Samplerate: '96000', Channels: '8' } }, want: vs({ codec: 'flac', samplerate: 96000, channels: 8 }) },
  { n: 8, desc: 'mp3 48000 2ch', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Samplerate: '48000', Channels: '2' } }, want: vs({ codec: 'mp3', samplerate: 48000, channels: 2 }) },
  { n: 9, desc: 'amr 8000 1ch', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'amr', Samplerate: '8000', Channels: '1' } }, want: vs({ codec: 'amr', samplerate: 8000, channels: 1 }) },
  { n: 10, desc: 'wav accepts 8000 and 96000, 6ch', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'wav', Samplerate: '8000', Channels: '6' } }, want: vs({ codec: 'wav', samplerate: 8000, channels: 6 }) },
  { n: 11, desc: 'wav Bitrate is ignored but stored', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'wav', Samplerate: '96000', Bitrate: '1000' } }, want: vs({ codec: 'wav', samplerate: 96000, bitrate: 1000 }) },
  { n: 12, desc: 'Bitrate lower bound 8', raw: { AudioMode: 'IsAudio', AudioConfig: { Bitrate: '8' } }, want: vs({ bitrate: 8 }) },
  { n: 13, desc: 'unset Codec checked as aac: 11025 ok', raw: { AudioMode: 'IsAudio', AudioConfig: { Samplerate: '11025', Channels: '5' } }, want: vs({ samplerate: 11025, channels: 5 }) },
  { n: 14, desc: 'MusicMode + mp3', raw: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'mp3' } }, want: vs({ codec: 'mp3' }, 'MusicMode') },
  { n: 15, desc: 'MusicMode + wav', raw: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'wav' } }, want: vs({ codec: 'wav' }, 'MusicMode') },
  { n: 16, desc: 'MusicMode ignores the matrix: mp3 + 96000 + 8ch stored', raw: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'mp3', Samplerate: '96000', Channels: '8', Bitrate: '320' } }, want: vs({ codec: 'mp3', samplerate: 96000, channels: 8, bitrate: 320 }, 'MusicMode') },
];

const rejected: RejectCase<RawVoiceSeparate | undefined>[] = [
  { n: 1, desc: 'AudioMode missing', raw: { AudioConfig: { Codec: 'aac' } }, field: 'AudioMode' },
  { n: 2, desc: 'no parameters at all', raw: undefined, field: 'AudioMode' },
  { n: 3, desc: 'AudioMode unknown', raw: { AudioMode: 'Vocals' }, field: 'AudioMode', value: 'Vocals' },
  { n: 4, desc: 'AudioMode is case-sensitive', raw: { AudioMode: 'isaudio' }, field: 'AudioMode', value: 'isaudio' },
  { n: 5, desc: 'Codec unknown', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'ogg' } }, field: 'AudioConfig.Codec', value: 'ogg' },
  { n: 6, desc: 'Samplerate not in the list', raw: { AudioMode: 'IsAudio', AudioConfig: { Samplerate: '16000' } }, field: 'AudioConfig.Samplerate', value: '16000' },
  { n: 7, desc: 'aac + 8000', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'aac', Samplerate: '8000' } }, field: 'AudioConfig.Samplerate', value: '8000' },
  { n: 8, desc: 'flac + 8000', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'flac', Samplerate: '8000' } }, field: 'AudioConfig.Samplerate', value: '8000' },
  { n: 9, desc: 'mp3 + 8000', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Samplerate: '8000' } }, field: 'AudioConfig.Samplerate', value: '8000' },
  { n: 10, desc: 'mp3 + 96000', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Samplerate: '96000' } }, field: 'AudioConfig.Samplerate', value: '96000' },
  { n: 11, desc: 'amr + 44100', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'amr', Samplerate: '44100' } }, field: 'AudioConfig.Samplerate', value: '44100' },
  { n: 12, desc: 'unset Codec = aac: 8000 rejected', raw: { AudioMode: 'IsAudio', AudioConfig: { Samplerate: '8000' } }, field: 'AudioConfig.Samplerate', value: '8000' },
  { n: 13, desc: 'Channels 3 never allowed', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'wav', Channels: '3' } }, field: 'AudioConfig.Channels', value: '3' },
  { n: 14, desc: 'mp3 + 4ch', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Channels: '4' } }, field: 'AudioConfig.Channels', value: '4' },
  { n: 15, desc: 'amr + 2ch', raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'amr', Samplerate: '8000', Channels: '2' } }, field: 'AudioConfig.Channels', value: '2' },
  { n: 16, desc: 'Bitrate 7 below range', raw: { AudioMode: 'IsAudio', AudioConfig: { Bitrate: '7' } }, field: 'AudioConfig.Bitrate', value: '7' },
  { n: 17, desc: 'Bitrate 1001 above range', raw: { AudioMode: 'IsAudio', AudioConfig: { Bitrate: '1001' } }, field: 'AudioConfig.Bitrate', value: '1001' },
  { n: 18, desc: 'Bitrate not a number', raw: { AudioMode: 'IsAudio', AudioConfig: { Bitrate: 'abc' } }, field: 'AudioConfig.Bitrate', value: 'abc' },
  { n: 19, desc: 'Bitrate fraction', raw: { AudioMode: 'IsAudio', AudioConfig: { Bitrate: '1.5' } }, field: 'AudioConfig.Bitrate', value: '1.5' },
  { n: 20, desc: 'Samplerate with a leading space', raw: { AudioMode: 'IsAudio', AudioConfig: { Samplerate: ' 44100' } }, field: 'AudioConfig.Samplerate', value: ' 44100' },
  { n: 21, desc: 'Channels -0', raw: { AudioMode: 'IsAudio', AudioConfig: { Channels: '-0' } }, field: 'AudioConfig.Channels', value: '-0' },
  { n: 22, desc: 'Bitrate huge', raw: { AudioMode: 'IsAudio', AudioConfig: { Bitrate: '99999999999999999999999' } }, field: 'AudioConfig.Bitrate', value: '99999999999999999999999' },
  { n: 23, desc: 'MusicMode + flac', raw: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'flac' } }, field: 'AudioConfig.Codec', value: 'flac' },
  { n: 24, desc: 'MusicMode + amr', raw: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'amr' } }, field: 'AudioConfig.Codec', value: 'amr' },
  { n: 25, desc: 'MusicMode still checks Samplerate domain', raw: { AudioMode: 'MusicMode', AudioConfig: { Samplerate: '12345' } }, field: 'AudioConfig.Samplerate', value: '12345' },
  { n: 26, desc: 'MusicMode still checks Bitrate domain', raw: { AudioMode: 'MusicMode', AudioConfig: { Bitrate: '2000' } }, field: 'AudioConfig.Bitrate', value: '2000' },
  { n: 27, desc: 'MusicMode still checks Channels domain', raw: { AudioMode: 'MusicMode', AudioConfig: { Channels: '7' } }, field: 'AudioConfig.Channels', value: '7' },
];

describe('validateVoiceSeparate — accepted', () => {
  for (const c of accepted) {
    it(`A${c.n}: ${c.desc}`, () => assert.deepEqual(validateVoiceSeparate(c.raw), c.want));
  }
});

describe('validateVoiceSeparate — rejected', () => {
  for (const c of rejected) {
    it(`R${c.n}: ${c.desc}`, () => assertRejects(() => validateVoiceSeparate(c.raw), c.field, c.value));
  }
});

describe('validateVoiceSeparate — matrix and paths', () => {
  it('M1: every matrix cell is accepted outside MusicMode', () => {
    for (const [codec, row] of Object.entries(VS_CODEC_MATRIX)) {
      for (const sr of row.samplerates) {
        for (const ch of row.channels) {
          const p = validateVoiceSeparate({ AudioMode: 'AudioAndBackground', AudioConfig: { Codec: codec, Samplerate: String(sr), Channels: String(ch) } });
          assert.deepEqual(p.audioConfig, { codec, samplerate: sr, channels: ch });
        }
      }
    }
  });
  it('M2: the message lists the allowed rates, as in the brief example', () => {
    assert.throws(
      () => validateVoiceSeparate({ AudioMode: 'IsAudio', AudioConfig: { Codec: 'aac', Samplerate: '8000' } }),
      /AudioConfig\.Samplerate: "8000" is not allowed with Codec aac \(allowed: 11025, 22050, 32000, 44100, 48000, 96000\)/,
    );
  });
  it('M3: opts.path prefixes the field (job form Operation.VoiceSeparate)', () => {
    assertRejects(
      () => validateVoiceSeparate({ AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Channels: '6' } }, { path: 'Operation.VoiceSeparate' }),
      'Operation.VoiceSeparate.AudioConfig.Channels',
      '6',
    );
  });
});
