import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateTts } from '../../../../src/domain/templates/tts.ts';
import { TTS_VOICES, type RawTts, type TtsParams } from '../../../../src/domain/templates/types.ts';
import { assertRejects, type AcceptCase, type RejectCase } from './helpers.ts';

// spec/templates.md §3, spec/limits.md "TTS".

const tts = (p: Omit<TtsParams, 'tag'>): TtsParams => ({ tag: 'Tts', ...p });

const accepted: AcceptCase<RawTts | undefined, TtsParams>[] = [
  { n: 1, desc: 'spec sample (Sync/pcm/ruxue/2/200)', raw: { Mode: 'Sync', Codec: 'pcm', VoiceType: 'ruxue', Volume: '2', Speed: '200' }, want: tts({ mode: 'Sync', codec: 'pcm', voiceType: 'ruxue', volume: 2, speed: 200 }) },
  { n: 2, desc: 'nothing set (Python SDK demo sends all empty)', raw: { Mode: '', Codec: '', VoiceType: '', Volume: '', Speed: '' }, want: tts({}) },
  { n: 3, desc: 'no parameters at all', raw: undefined, want: tts({}) },
  { n: 4, desc: 'Asyc + pcm', raw: { Mode: 'Asyc', Codec: 'pcm' }, want: tts({ mode: 'Asyc', codec: 'pcm' }) },
  { n: 5, desc: 'Async alias stored as Asyc', raw: { Mode: 'Async' }, want: tts({ mode: 'Asyc' }) },
  { n: 6, desc: 'Sync + mp3', raw: { Mode: 'Sync', Codec: 'mp3' }, want: tts({ mode: 'Sync', codec: 'mp3' }) },
  { n: 7, desc: 'Sync + wav', raw: { Mode: 'Sync', Codec: 'wav' }, want: tts({ mode: 'Sync', codec: 'wav' }) },
  { n: 8, desc: 'unset Mode (Asyc) + pcm', raw: { Codec: 'pcm' }, want: tts({ codec: 'pcm' }) },
  { n: 9, desc: 'Volume bounds -10', raw: { Volume: '-10' }, want: tts({ volume: -10 }) },
  { n: 10, desc: 'Volume bounds 10 and 0', raw: { Volume: '10', Speed: '50' }, want: tts({ volume: 10, speed: 50 }) },
  { n: 11, desc: 'Volume 0', raw: { Volume: '0' }, want: tts({ volume: 0 }) },
  { n: 12, desc: 'aixiaonan with Sync (job sample combination)', raw: { Mode: 'Sync', VoiceType: 'aixiaonan' }, want: tts({ mode: 'Sync', voiceType: 'aixiaonan' }) },
  { n: 13, desc: 'aixiaoliao with Asyc (every voice in both modes)', raw: { Mode: 'Asyc', VoiceType: 'aixiaoliao' }, want: tts({ mode: 'Asyc', voiceType: 'aixiaoliao' }) },
  { n: 14, desc: 'Emotion (SDK-only) stored', raw: { VoiceType: 'aixiaoxing', Emotion: 'arousal' }, want: tts({ voiceType: 'aixiaoxing', emotion: 'arousal' }) },
];

const rejected: RejectCase<RawTts | undefined>[] = [
  { n: 1, desc: 'Mode unknown', raw: { Mode: 'Stream' }, field: 'Mode', value: 'Stream' },
  { n: 2, desc: 'Mode lowercase', raw: { Mode: 'sync' }, field: 'Mode', value: 'sync' },
  { n: 3, desc: 'Codec unknown', raw: { Mode: 'Sync', Codec: 'aac' }, field: 'Codec', value: 'aac' },
  { n: 4, desc: 'Asyc + mp3', raw: { Mode: 'Asyc', Codec: 'mp3' }, field: 'Codec', value: 'mp3' },
  { n: 5, desc: 'Async alias + wav', raw: { Mode: 'Async', Codec: 'wav' }, field: 'Codec', value: 'wav' },
  { n: 6, desc: 'unset Mode (default Asyc) + wav', raw: { Codec: 'wav' }, field: 'Codec', value: 'wav' },
  { n: 7, desc: 'VoiceType unknown', raw: { VoiceType: 'xiaoming' }, field: 'VoiceType', value: 'xiaoming' },
  { n: 8, desc: 'Volume 11', raw: { Volume: '11' }, field: 'Volume', value: '11' },
  { n: 9, desc: 'Volume -11', raw: { Volume: '-11' }, field: 'Volume', value: '-11' },
  { n: 10, desc: 'Volume -0', raw: { Volume: '-0' }, field: 'Volume', value: '-0' },
  { n: 11, desc: 'Volume +5', raw: { Volume: '+5' }, field: 'Volume', value: '+5' },
  { n: 12, desc: 'Volume 1.5', raw: { Volume: '1.5' }, field: 'Volume', value: '1.5' },
  { n: 13, desc: 'Speed 49', raw: { Speed: '49' }, field: 'Speed', value: '49' },
  { n: 14, desc: 'Speed 201', raw: { Speed: '201' }, field: 'Speed', value: '201' },
  { n: 15, desc: 'Speed abc', raw: { Speed: 'abc' }, field: 'Speed', value: 'abc' },
  { n: 16, desc: 'Speed huge', raw: { Speed: '100000000000000000000' }, field: 'Speed', value: '100000000000000000000' },
  { n: 17, desc: 'Speed 1e2', raw: { Speed: '1e2' }, field: 'Speed', value: '1e2' },
  { n: 18, desc: 'Emotion longer than 64 characters', raw: { Emotion: 'e'.repeat(65) }, field: 'Emotion', value: 'e'.repeat(60) },
];

describe('validateTts — accepted', () => {
  for (const c of accepted) it(`A${c.n}: ${c.desc}`, () => assert.deepEqual(validateTts(c.raw), c.want));
  it('A15: every documented voice', () => {
    for (const v of TTS_VOICES) assert.equal(validateTts({ VoiceType: v }).voiceType, v);
  });
});

describe('validateTts — rejected', () => {
  for (const c of rejected) it(`R${c.n}: ${c.desc}`, () => assertRejects(() => validateTts(c.raw), c.field, c.value));
  it('R19: opts.path for the job form Operation.TtsTpl', () => {
    assertRejects(() => validateTts({ Speed: '10' }, { path: 'Operation.TtsTpl' }), 'Operation.TtsTpl.Speed', '10');
  });
});
