import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { readTemplateRequest, templateResponseBody, templateToXmlNode, TEMPLATE_PARAMS_ELEMENT } from '../../../src/api/wire/template-wire.ts';
import {
  newTemplateRecord,
  officialTemplates,
  updateTemplateRecord,
  validateTemplateParams,
  validateTemplateRequest,
  type RawParamsByTag,
  type Template,
} from '../../../src/domain/templates/index.ts';
import { parseCiTime } from '../../../src/domain/time.ts';
import { ApiError } from '../../../src/http/errors/api-error.ts';
import { buildXml, type XmlNode } from '../../../src/http/xml/build.ts';
import { parseXmlRequest } from '../../../src/http/xml/parse.ts';
import { assertRejects } from '../domain/templates/helpers.ts';

// Request samples copied from spec/templates.md §1–§4 (create bodies).
const SPEC_REQUEST = {
  VoiceSeparate: `<Request><Tag>VoiceSeparate</Tag><Name>TemplateName</Name><AudioMode>IsAudio</AudioMode>
<AudioConfig><Codec>aac</Codec><Samplerate>44100</Samplerate><Bitrate>128</Bitrate><Channels>4</Channels></AudioConfig></Request>`,
  NoiseReduction: `<Request><Tag>NoiseReduction</Tag><Name>TemplateName</Name>
<NoiseReduction><Format>wav</Format><Samplerate>16000</Samplerate></NoiseReduction></Request>`,
  Tts: `<?xml version="1.0" encoding="utf-8"?>
<Request><Tag>Tts</Tag><Name>TemplateName</Name><Mode>Sync</Mode><Codec>pcm</Codec><VoiceType>ruxue</VoiceType><Volume>2</Volume><Speed>200</Speed></Request>`,
  SpeechRecognition: `<Request><Tag>SpeechRecognition</Tag><Name>TemplateName</Name><SpeechRecognition>
<EngineModelType>16k_zh</EngineModelType><ChannelNum>1</ChannelNum><ResTextFormat>1</ResTextFormat><FilterDirty>0</FilterDirty>
<FilterModal>1</FilterModal><ConvertNumMode>0</ConvertNumMode><SpeakerDiarization>1</SpeakerDiarization><SpeakerNumber>0</SpeakerNumber>
<FilterPunc>0</FilterPunc><OutputFileType>txt</OutputFileType></SpeechRecognition></Request>`,
} as const;

const ID = 't1460606b9752148c4ab182f55163ba7cd';
const BUCKET = 'test-1234567890';
const CREATED = parseCiTime('2020-08-05T11:35:24+0800')!;
const UPDATED = parseCiTime('2020-08-31T16:15:20+0800')!;

/** XML text → stored Template, through every layer the HTTP handler uses. */
function createFrom(xml: string): Template {
  const request = validateTemplateRequest(readTemplateRequest(parseXmlRequest(xml)));
  const created = newTemplateRecord({ bucket: BUCKET, request, now: CREATED, id: ID });
  return updateTemplateRecord(created, request, UPDATED);
}

type Ordered = Array<Record<string, unknown>>;
const ordered = new XMLParser({ preserveOrder: true, ignoreDeclaration: true, parseTagValue: false });
/** Child element names, in document order, of the element reached by `path` from the root. */
function childNames(xml: string, path: string[]): string[] {
  let level = ordered.parse(xml) as Ordered;
  for (const name of path) {
    const el = level.find((e) => name in e);
    assert.ok(el, `no <${name}> in ${JSON.stringify(level)}`);
    level = el[name] as Ordered;
  }
  return level.map((e) => Object.keys(e)[0]!).filter((k) => k !== '#text');
}

const ENVELOPE = ['TemplateId', 'Name', 'Tag', 'State', 'BucketId', 'Category'];
const TIMES = ['CreateTime', 'UpdateTime'];

describe('template-wire round trip (spec samples)', () => {
  it('RT1: VoiceSeparate — exact response, params wrapped in <VoiceSeparate>', () => {
    const xml = buildXml('Response', templateResponseBody('NjJmMWQxYjNfOTBmYTUwNjRfNWYyY18x', createFrom(SPEC_REQUEST.VoiceSeparate)));
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="utf-8"?>\n<Response><RequestId>NjJmMWQxYjNfOTBmYTUwNjRfNWYyY18x</RequestId><Template>' +
        `<TemplateId>${ID}</TemplateId><Name>TemplateName</Name><Tag>VoiceSeparate</Tag><State>Normal</State>` +
        '<BucketId>test-1234567890</BucketId><Category>Custom</Category>' +
        '<VoiceSeparate><AudioMode>IsAudio</AudioMode><AudioConfig><Codec>aac</Codec><Samplerate>44100</Samplerate><Bitrate>128</Bitrate><Channels>4</Channels></AudioConfig></VoiceSeparate>' +
        '<CreateTime>2020-08-05T11:35:24+0800</CreateTime><UpdateTime>2020-08-31T16:15:20+0800</UpdateTime></Template></Response>',
    );
    assert.deepEqual(childNames(xml, ['Response']), ['RequestId', 'Template']);
    assert.deepEqual(childNames(xml, ['Response', 'Template']), [...ENVELOPE, 'VoiceSeparate', ...TIMES]);
    assert.deepEqual(childNames(xml, ['Response', 'Template', 'VoiceSeparate']), ['AudioMode', 'AudioConfig']);
    assert.deepEqual(childNames(xml, ['Response', 'Template', 'VoiceSeparate', 'AudioConfig']), ['Codec', 'Samplerate', 'Bitrate', 'Channels']);
  });

  it('RT2: NoiseReduction — <NoiseReduction><Format/><Samplerate/>', () => {
    const xml = buildXml('Response', templateResponseBody('R', createFrom(SPEC_REQUEST.NoiseReduction)));
    assert.deepEqual(childNames(xml, ['Response', 'Template']), [...ENVELOPE, 'NoiseReduction', ...TIMES]);
    assert.ok(xml.includes('<NoiseReduction><Format>wav</Format><Samplerate>16000</Samplerate></NoiseReduction>'), xml);
  });

  it('RT3: Tts — params under <Request> come back in <TtsTpl>', () => {
    const xml = buildXml('Response', templateResponseBody('R', createFrom(SPEC_REQUEST.Tts)));
    assert.deepEqual(childNames(xml, ['Response', 'Template']), [...ENVELOPE, 'TtsTpl', ...TIMES]);
    assert.ok(xml.includes('<TtsTpl><Mode>Sync</Mode><Codec>pcm</Codec><VoiceType>ruxue</VoiceType><Volume>2</Volume><Speed>200</Speed></TtsTpl>'), xml);
  });

  it('RT4: SpeechRecognition — response sample children, then OutputFileType when set', () => {
    const xml = buildXml('Response', templateResponseBody('R', createFrom(SPEC_REQUEST.SpeechRecognition)));
    assert.deepEqual(childNames(xml, ['Response', 'Template']), [...ENVELOPE, 'SpeechRecognition', ...TIMES]);
    assert.deepEqual(childNames(xml, ['Response', 'Template', 'SpeechRecognition']), [
      'EngineModelType', 'ChannelNum', 'ResTextFormat', 'FilterDirty', 'FilterModal', 'ConvertNumMode',
      'SpeakerDiarization', 'SpeakerNumber', 'FilterPunc', 'OutputFileType',
    ]);
    assert.ok(xml.includes('<SpeakerDiarization>1</SpeakerDiarization>'), xml);
  });

  it('RT5: unset parameters come back as empty elements where the samples show them', () => {
    const vs = buildXml('Response', { Template: templateToXmlNode(createFrom('<Request><Tag>VoiceSeparate</Tag><Name>n</Name><AudioMode>MusicMode</AudioMode></Request>')) });
    assert.ok(vs.includes('<AudioConfig><Codec/><Samplerate/><Bitrate/><Channels/></AudioConfig>'), vs);
    const tts = buildXml('Response', { Template: templateToXmlNode(createFrom('<Request><Tag>Tts</Tag><Name>n</Name><Mode></Mode></Request>')) });
    assert.ok(tts.includes('<TtsTpl><Mode/><Codec/><VoiceType/><Volume/><Speed/></TtsTpl>'), tts);
    const asr = buildXml('Response', {
      Template: templateToXmlNode(createFrom('<Request><Tag>SpeechRecognition</Tag><Name>n</Name><SpeechRecognition><EngineModelType>16k_zh</EngineModelType><FlashAsr>true</FlashAsr><Format>m4a</Format></SpeechRecognition></Request>')),
    });
    assert.deepEqual(childNames(asr, ['Response', 'Template', 'SpeechRecognition']), [
      'EngineModelType', 'ChannelNum', 'ResTextFormat', 'FilterDirty', 'FilterModal', 'ConvertNumMode',
      'SpeakerDiarization', 'SpeakerNumber', 'FilterPunc', 'FlashAsr', 'Format',
    ]);
    assert.ok(asr.includes('<ChannelNum/>') && asr.includes('<FlashAsr>true</FlashAsr>'), asr);
  });
});

describe('readTemplateRequest', () => {
  it('W1: VoiceSeparate sample → raw strings', () => {
    assert.deepEqual(readTemplateRequest(parseXmlRequest(SPEC_REQUEST.VoiceSeparate)), {
      tag: 'VoiceSeparate',
      name: 'TemplateName',
      raw: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'aac', Samplerate: '44100', Bitrate: '128', Channels: '4' } },
    });
  });
  it('W2: unknown elements are ignored and never stored', () => {
    const req = readTemplateRequest(parseXmlRequest('<Request><Tag>Tts</Tag><Name>n</Name><Pitch>3</Pitch><Speed>120</Speed><QueueId>p1</QueueId></Request>'));
    assert.deepEqual(req, { tag: 'Tts', name: 'n', raw: { Speed: '120' } });
  });
  it('W3: empty elements are "not set"', () => {
    const req = readTemplateRequest(parseXmlRequest('<Request><Tag>VoiceSeparate</Tag><Name>n</Name><AudioMode>IsAudio</AudioMode><AudioConfig><Codec></Codec><Bitrate/></AudioConfig></Request>'));
    assert.deepEqual(req.raw, { AudioMode: 'IsAudio', AudioConfig: {} });
  });
  it('W4: NoiseReduction accepts the SampleRate spelling', () => {
    const req = readTemplateRequest(parseXmlRequest('<Request><Tag>NoiseReduction</Tag><Name>n</Name><NoiseReduction><SampleRate>8000</SampleRate></NoiseReduction></Request>'));
    assert.deepEqual(validateTemplateRequest(req).params, { tag: 'NoiseReduction', samplerate: 8000 });
  });
  it('W5: missing <NoiseReduction> container is rejected on NoiseReduction', () => {
    const req = readTemplateRequest(parseXmlRequest('<Request><Tag>NoiseReduction</Tag><Name>n</Name><Format>wav</Format></Request>'));
    assertRejects(() => validateTemplateRequest(req), 'NoiseReduction');
  });
  it('W6: response-shaped <TtsTpl> wrapper is accepted, errors name TtsTpl.*', () => {
    const ok = readTemplateRequest(parseXmlRequest('<Request><Tag>Tts</Tag><Name>n</Name><TtsTpl><Mode>Sync</Mode><Codec>mp3</Codec></TtsTpl></Request>'));
    assert.deepEqual(validateTemplateRequest(ok).params, { tag: 'Tts', mode: 'Sync', codec: 'mp3' });
    const bad = readTemplateRequest(parseXmlRequest('<Request><Tag>Tts</Tag><Name>n</Name><TtsTpl><Speed>500</Speed></TtsTpl></Request>'));
    assertRejects(() => validateTemplateRequest(bad), 'TtsTpl.Speed', '500');
  });
  it('W7: response-shaped <VoiceSeparate> wrapper is accepted', () => {
    const req = readTemplateRequest(parseXmlRequest('<Request><Tag>VoiceSeparate</Tag><Name>n</Name><VoiceSeparate><AudioMode>IsBackground</AudioMode><AudioConfig><Codec>mp3</Codec><Channels>6</Channels></AudioConfig></VoiceSeparate></Request>'));
    assertRejects(() => validateTemplateRequest(req), 'VoiceSeparate.AudioConfig.Channels', '6');
  });
  it('W8: direct parameters and a wrapper together are rejected', () => {
    assertRejects(() => readTemplateRequest(parseXmlRequest('<Request><Tag>Tts</Tag><Name>n</Name><Mode>Sync</Mode><TtsTpl><Mode>Sync</Mode></TtsTpl></Request>')), 'TtsTpl');
  });
  it('W9: missing and unknown Tag', () => {
    assertRejects(() => readTemplateRequest(parseXmlRequest('<Request><Name>n</Name></Request>')), 'Tag');
    assertRejects(() => readTemplateRequest(parseXmlRequest('<Request><Tag>Transcode</Tag><Name>n</Name></Request>')), 'Tag', 'Transcode');
  });
  it('W10: a repeated element is InvalidArgument naming its path', () => {
    assert.throws(
      () => readTemplateRequest(parseXmlRequest('<Request><Tag>VoiceSeparate</Tag><Name>n</Name><AudioMode>IsAudio</AudioMode><AudioConfig><Codec>aac</Codec><Codec>mp3</Codec></AudioConfig></Request>')),
      (e: unknown) => e instanceof ApiError && e.errorName === 'InvalidArgument' && /AudioConfig\.Codec/.test(e.message),
    );
  });
  it('W11: text where a container belongs is InvalidArgument', () => {
    assert.throws(
      () => readTemplateRequest(parseXmlRequest('<Request><Tag>SpeechRecognition</Tag><Name>n</Name><SpeechRecognition>16k_zh</SpeechRecognition></Request>')),
      (e: unknown) => e instanceof ApiError && e.errorName === 'InvalidArgument',
    );
  });
  it('W12: ASR reads every documented child, SDK-only ones included', () => {
    const req = readTemplateRequest(parseXmlRequest(`<Request><Tag>SpeechRecognition</Tag><Name>n</Name><SpeechRecognition>
      <EngineModelType>16k_zh</EngineModelType><SentenceMaxLength>10</SentenceMaxLength><HotVocabularyTableId>hv1</HotVocabularyTableId>
      <WordInfo>1</WordInfo><FirstChannelOnly>0</FirstChannelOnly></SpeechRecognition></Request>`));
    assert.deepEqual(req.raw, { EngineModelType: '16k_zh', FirstChannelOnly: '0', WordInfo: '1', SentenceMaxLength: '10', HotVocabularyTableId: 'hv1' });
  });
});

describe('official templates through the wire', () => {
  for (const [n, t] of officialTemplates(BUCKET).entries()) {
    it(`OW${n + 1}: ${t.name} re-validates from its own response node`, () => {
      const node = templateToXmlNode(t);
      assert.equal(node['Category'], 'Official');
      const container = node[TEMPLATE_PARAMS_ELEMENT[t.tag]] as XmlNode;
      const raw = container as unknown as RawParamsByTag[typeof t.tag];
      assert.deepEqual(validateTemplateParams(t.tag, raw), t.params);
    });
  }
});
