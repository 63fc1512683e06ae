import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { templateBody } from '../../../src/console/app/views/template-fields.ts';
import { requestXml } from '../../../src/console/app/xml.ts';
import { readTemplateRequest } from '../../../src/api/wire/template-wire.ts';
import { validateTemplateRequest, type TemplateTag } from '../../../src/domain/templates/index.ts';
import { parseXmlRequest } from '../../../src/http/xml/parse.ts';

/**
 * The console validates a template form before sending it (issue #9 §4).
 * For its message to be the API's, the raw input it validates must be what
 * the server reads from the body it sends: for every tag, the body is parsed
 * by the server's wire layer and both sides are validated.
 */
const CASES: Array<[TemplateTag, string, Record<string, string>]> = [
  ['VoiceSeparate', 'vs_ok', { AudioMode: 'MusicMode', 'AudioConfig.Codec': 'mp3', 'AudioConfig.Samplerate': '48000' }],
  ['VoiceSeparate', 'vs_bad_rate', { AudioMode: 'IsAudio', 'AudioConfig.Samplerate': '12345' }],
  ['VoiceSeparate', 'vs_no_mode', {}],
  ['VoiceSeparate', 'bad name!', { AudioMode: 'IsAudio' }],
  ['NoiseReduction', 'nr_empty', {}],
  ['NoiseReduction', 'nr_ok', { 'NoiseReduction.Format': 'wav', 'NoiseReduction.Samplerate': '16000' }],
  ['NoiseReduction', 'nr_bad', { 'NoiseReduction.Format': 'ogg' }],
  ['Tts', 'tts_ok', { Mode: 'Sync', Codec: 'mp3', VoiceType: 'aixiaonan', Volume: '5', Speed: '150' }],
  ['Tts', 'tts_bad_speed', { Speed: '20' }],
  ['Tts', 'tts_bad_mode_codec', { Mode: 'Asyc', Codec: 'mp3' }],
  ['Tts', 'tts_bad_volume', { Volume: 'loud' }],
  ['SpeechRecognition', 'asr_ok', { 'SpeechRecognition.EngineModelType': '16k_zh', 'SpeechRecognition.ChannelNum': '1', 'SpeechRecognition.FlashAsr': 'true', 'SpeechRecognition.Format': 'mp3' }],
  ['SpeechRecognition', 'asr_no_engine', { 'SpeechRecognition.ChannelNum': '1' }],
  ['SpeechRecognition', 'asr_bad_channels', { 'SpeechRecognition.EngineModelType': '8k_zh', 'SpeechRecognition.ChannelNum': '7' }],
  ['Tts', '', { Mode: 'Sync' }],
];

const outcome = (fn: () => unknown): string => {
  try {
    return `ok ${JSON.stringify(fn())}`;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
};

describe('console template form ⇄ server wire layer', () => {
  for (const [i, [tag, name, values]] of CASES.entries()) {
    test(`${i + 1}. ${tag} ${JSON.stringify(name)} ${JSON.stringify(values)}`, () => {
      const { body, request } = templateBody(tag, name, new Map(Object.entries(values)));
      const serverRequest = readTemplateRequest(parseXmlRequest(requestXml(body), 'Request'));
      // Equal up to keys holding undefined (absent and undefined mean the same to the validators).
      assert.deepEqual(JSON.parse(JSON.stringify(serverRequest)), JSON.parse(JSON.stringify(request)));
      const client = outcome(() => validateTemplateRequest(request));
      assert.equal(client, outcome(() => validateTemplateRequest(serverRequest)));
      // Every case above that names a bad value must really be refused.
      if (/bad|no_|!|^$/.test(name)) assert.match(client, /^error /);
      else assert.match(client, /^ok /);
    });
  }
});
