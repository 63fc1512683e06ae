import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSpeechRecognition } from '../../../../src/domain/templates/speech-recognition.ts';
import { ASR_ENGINES, ASR_FLASH_FORMATS, type RawSpeechRecognition, type SpeechRecognitionParams } from '../../../../src/domain/templates/types.ts';
import { assertRejects, type AcceptCase, type RejectCase } from './helpers.ts';

// spec/templates.md §4, spec/limits.md "Speech recognition".

type P = Omit<SpeechRecognitionParams, 'tag'>;
const asr = (p: P): SpeechRecognitionParams => ({ tag: 'SpeechRecognition', ...p });
const F = 'SpeechRecognition.';

const accepted: AcceptCase<RawSpeechRecognition, SpeechRecognitionParams>[] = [
  {
    n: 1,
    desc: 'spec request sample',
    raw: { EngineModelType: '16k_zh', ChannelNum: '1', ResTextFormat: '1', FilterDirty: '0', FilterModal: '1', ConvertNumMode: '0', SpeakerDiarization: '1', SpeakerNumber: '0', FilterPunc: '0', OutputFileType: 'txt' },
    want: asr({ engineModelType: '16k_zh', channelNum: 1, resTextFormat: 1, filterDirty: 0, filterModal: 1, convertNumMode: 0, speakerDiarization: 1, speakerNumber: 0, filterPunc: 0, outputFileType: 'txt' }),
  },
  { n: 2, desc: 'only EngineModelType (lenient: ChannelNum/ResTextFormat optional)', raw: { EngineModelType: '16k_en' }, want: asr({ engineModelType: '16k_en' }) },
  { n: 3, desc: '8k_zh dual channel', raw: { EngineModelType: '8k_zh', ChannelNum: '2' }, want: asr({ engineModelType: '8k_zh', channelNum: 2 }) },
  { n: 4, desc: 'ResTextFormat 3 (FAQ subtitle mode)', raw: { EngineModelType: '16k_zh', ResTextFormat: '3' }, want: asr({ engineModelType: '16k_zh', resTextFormat: 3 }) },
  { n: 5, desc: 'ConvertNumMode 3 in normal ASR', raw: { EngineModelType: '16k_zh', ConvertNumMode: '3' }, want: asr({ engineModelType: '16k_zh', convertNumMode: 3 }) },
  { n: 6, desc: 'diarization on 8k_zh mono, SpeakerNumber 10', raw: { EngineModelType: '8k_zh', ChannelNum: '1', SpeakerDiarization: '1', SpeakerNumber: '10' }, want: asr({ engineModelType: '8k_zh', channelNum: 1, speakerDiarization: 1, speakerNumber: 10 }) },
  { n: 7, desc: 'diarization on 16k_zh_video', raw: { EngineModelType: '16k_zh_video', SpeakerDiarization: '1' }, want: asr({ engineModelType: '16k_zh_video', speakerDiarization: 1 }) },
  { n: 8, desc: 'flash on 16k_zh with Format', raw: { EngineModelType: '16k_zh', FlashAsr: 'true', Format: 'mp3' }, want: asr({ engineModelType: '16k_zh', flashAsr: true, format: 'mp3' }) },
  { n: 9, desc: 'Python SDK demo: flash + ChannelNum + ResTextFormat 2 (ignored, stored)', raw: { EngineModelType: '16k_zh', ChannelNum: '1', ResTextFormat: '2', FlashAsr: 'True', Format: 'mp3', OutputFileType: 'txt' }, want: asr({ engineModelType: '16k_zh', channelNum: 1, resTextFormat: 2, flashAsr: true, format: 'mp3', outputFileType: 'txt' }) },
  { n: 10, desc: 'flash options FirstChannelOnly 0, WordInfo 2', raw: { EngineModelType: '8k_zh', FlashAsr: 'true', Format: 'ogg-opus', FirstChannelOnly: '0', WordInfo: '2' }, want: asr({ engineModelType: '8k_zh', flashAsr: true, format: 'ogg-opus', firstChannelOnly: 0, wordInfo: 2 }) },
  { n: 11, desc: 'FlashAsr false + srt', raw: { EngineModelType: '16k_ja', FlashAsr: 'false', OutputFileType: 'srt' }, want: asr({ engineModelType: '16k_ja', flashAsr: false, outputFileType: 'srt' }) },
  { n: 12, desc: 'flash-only option outside flash: stored, ignored', raw: { EngineModelType: '16k_zh', WordInfo: '1' }, want: asr({ engineModelType: '16k_zh', wordInfo: 1 }) },
  { n: 13, desc: 'Mandarin-only option on 16k_en: stored, ignored', raw: { EngineModelType: '16k_en', FilterDirty: '2', FilterPunc: '2' }, want: asr({ engineModelType: '16k_en', filterDirty: 2, filterPunc: 2 }) },
  { n: 14, desc: 'SentenceMaxLength 6 and 40 bounds', raw: { EngineModelType: '16k_zh', ResTextFormat: '3', SentenceMaxLength: '40' }, want: asr({ engineModelType: '16k_zh', resTextFormat: 3, sentenceMaxLength: 40 }) },
  { n: 15, desc: 'SentenceMaxLength 0 (off)', raw: { EngineModelType: '16k_zh', SentenceMaxLength: '0' }, want: asr({ engineModelType: '16k_zh', sentenceMaxLength: 0 }) },
  { n: 16, desc: 'SentenceMaxLength 6', raw: { EngineModelType: '16k_zh', SentenceMaxLength: '6' }, want: asr({ engineModelType: '16k_zh', sentenceMaxLength: 6 }) },
  { n: 17, desc: 'HotVocabularyTableId (SDK-only)', raw: { EngineModelType: '16k_zh', HotVocabularyTableId: 'hv-123' }, want: asr({ engineModelType: '16k_zh', hotVocabularyTableId: 'hv-123' }) },
  { n: 18, desc: 'empty elements are not set', raw: { EngineModelType: '16k_ca', ChannelNum: '', FlashAsr: '', Format: '' }, want: asr({ engineModelType: '16k_ca' }) },
];

const rejected: RejectCase<RawSpeechRecognition | undefined>[] = [
  { n: 1, desc: 'container missing', raw: undefined, field: 'SpeechRecognition' },
  { n: 2, desc: 'EngineModelType missing', raw: { ChannelNum: '1' }, field: F + 'EngineModelType' },
  { n: 3, desc: 'EngineModelType unknown', raw: { EngineModelType: '16k_fr' }, field: F + 'EngineModelType', value: '16k_fr' },
  { n: 4, desc: 'ChannelNum 3', raw: { EngineModelType: '8k_zh', ChannelNum: '3' }, field: F + 'ChannelNum', value: '3' },
  { n: 5, desc: 'ChannelNum 2 on 16k_zh', raw: { EngineModelType: '16k_zh', ChannelNum: '2' }, field: F + 'ChannelNum', value: '2' },
  { n: 6, desc: 'ChannelNum 2 on 8k_zh_s (mono only)', raw: { EngineModelType: '8k_zh_s', ChannelNum: '2' }, field: F + 'ChannelNum', value: '2' },
  { n: 7, desc: 'ResTextFormat 4', raw: { EngineModelType: '16k_zh', ResTextFormat: '4' }, field: F + 'ResTextFormat', value: '4' },
  { n: 8, desc: 'FilterDirty 3', raw: { EngineModelType: '16k_zh', FilterDirty: '3' }, field: F + 'FilterDirty', value: '3' },
  { n: 9, desc: 'FilterModal -1', raw: { EngineModelType: '16k_zh', FilterModal: '-1' }, field: F + 'FilterModal', value: '-1' },
  { n: 10, desc: 'ConvertNumMode 2', raw: { EngineModelType: '16k_zh', ConvertNumMode: '2' }, field: F + 'ConvertNumMode', value: '2' },
  { n: 11, desc: 'ConvertNumMode 3 with flash', raw: { EngineModelType: '16k_zh', FlashAsr: 'true', Format: 'wav', ConvertNumMode: '3' }, field: F + 'ConvertNumMode', value: '3' },
  { n: 12, desc: 'SpeakerDiarization 2', raw: { EngineModelType: '16k_zh', SpeakerDiarization: '2' }, field: F + 'SpeakerDiarization', value: '2' },
  { n: 13, desc: 'diarization on 16k_en', raw: { EngineModelType: '16k_en', SpeakerDiarization: '1' }, field: F + 'SpeakerDiarization', value: '1' },
  { n: 14, desc: 'diarization with ChannelNum 2 (mono only)', raw: { EngineModelType: '8k_zh', ChannelNum: '2', SpeakerDiarization: '1' }, field: F + 'SpeakerDiarization', value: '1' },
  { n: 15, desc: 'SpeakerNumber 11', raw: { EngineModelType: '16k_zh', SpeakerNumber: '11' }, field: F + 'SpeakerNumber', value: '11' },
  { n: 16, desc: 'SpeakerNumber with a leading space', raw: { EngineModelType: '16k_zh', SpeakerNumber: ' 1' }, field: F + 'SpeakerNumber', value: ' 1' },
  { n: 17, desc: 'FilterPunc 3', raw: { EngineModelType: '16k_zh', FilterPunc: '3' }, field: F + 'FilterPunc', value: '3' },
  { n: 18, desc: 'OutputFileType docx', raw: { EngineModelType: '16k_zh', OutputFileType: 'docx' }, field: F + 'OutputFileType', value: 'docx' },
  { n: 19, desc: 'srt with flash', raw: { EngineModelType: '16k_zh', FlashAsr: 'true', Format: 'wav', OutputFileType: 'srt' }, field: F + 'OutputFileType', value: 'srt' },
  { n: 20, desc: 'FlashAsr yes', raw: { EngineModelType: '16k_zh', FlashAsr: 'yes' }, field: F + 'FlashAsr', value: 'yes' },
  { n: 21, desc: 'flash on a non-flash engine', raw: { EngineModelType: '16k_ca', FlashAsr: 'true', Format: 'wav' }, field: F + 'FlashAsr', value: 'true' },
  { n: 22, desc: 'flash without Format', raw: { EngineModelType: '16k_zh', FlashAsr: 'true' }, field: F + 'Format' },
  { n: 23, desc: 'Format flac', raw: { EngineModelType: '16k_zh', FlashAsr: 'true', Format: 'flac' }, field: F + 'Format', value: 'flac' },
  { n: 24, desc: 'FirstChannelOnly 2', raw: { EngineModelType: '16k_zh', FirstChannelOnly: '2' }, field: F + 'FirstChannelOnly', value: '2' },
  { n: 25, desc: 'WordInfo 3', raw: { EngineModelType: '16k_zh', WordInfo: '3' }, field: F + 'WordInfo', value: '3' },
  { n: 26, desc: 'SentenceMaxLength 5', raw: { EngineModelType: '16k_zh', SentenceMaxLength: '5' }, field: F + 'SentenceMaxLength', value: '5' },
  { n: 27, desc: 'SentenceMaxLength 41', raw: { EngineModelType: '16k_zh', SentenceMaxLength: '41' }, field: F + 'SentenceMaxLength', value: '41' },
  { n: 28, desc: 'HotVocabularyTableId longer than 128', raw: { EngineModelType: '16k_zh', HotVocabularyTableId: 'h'.repeat(129) }, field: F + 'HotVocabularyTableId', value: 'h'.repeat(60) },
  { n: 29, desc: 'ChannelNum 1.0', raw: { EngineModelType: '16k_zh', ChannelNum: '1.0' }, field: F + 'ChannelNum', value: '1.0' },
];

describe('validateSpeechRecognition — accepted', () => {
  for (const c of accepted) it(`A${c.n}: ${c.desc}`, () => assert.deepEqual(validateSpeechRecognition(c.raw), c.want));
  it('A19: every engine', () => {
    for (const e of ASR_ENGINES) assert.equal(validateSpeechRecognition({ EngineModelType: e, ChannelNum: '1', ResTextFormat: '0' }).engineModelType, e);
  });
  it('A20: every flash format on every flash engine', () => {
    for (const e of ['8k_zh', '16k_zh', '16k_en', '16k_zh_video']) {
      for (const fmt of ASR_FLASH_FORMATS) assert.equal(validateSpeechRecognition({ EngineModelType: e, FlashAsr: 'true', Format: fmt }).format, fmt);
    }
  });
  it('A21: missing ChannelNum/ResTextFormat in normal ASR warns (lenient defaults)', () => {
    const notes: string[] = [];
    validateSpeechRecognition({ EngineModelType: '16k_zh' }, { warn: (m) => notes.push(m) });
    assert.equal(notes.length, 2);
    assert.match(notes[0]!, /ChannelNum/);
    assert.match(notes[1]!, /ResTextFormat/);
  });
  it('A22: no warning in flash mode', () => {
    const notes: string[] = [];
    validateSpeechRecognition({ EngineModelType: '16k_zh', FlashAsr: 'true', Format: 'wav' }, { warn: (m) => notes.push(m) });
    assert.deepEqual(notes, []);
  });
});

describe('validateSpeechRecognition — rejected', () => {
  for (const c of rejected) it(`R${c.n}: ${c.desc}`, () => assertRejects(() => validateSpeechRecognition(c.raw), c.field, c.value));
  it('R30: opts.path for the job form', () => {
    assertRejects(() => validateSpeechRecognition({ EngineModelType: 'x' }, { path: 'Operation.SpeechRecognition' }), 'Operation.SpeechRecognition.EngineModelType', 'x');
  });
});
