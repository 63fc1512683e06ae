import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jobRaw } from '../../../src/console/app/views/job-body.ts';
import { requestXml, type XmlObject } from '../../../src/console/app/xml.ts';
import { readJobRequest } from '../../../src/api/wire/job-request.ts';
import { buildJobSpec } from '../../../src/domain/jobs/submit.ts';
import { parseXmlRequest } from '../../../src/http/xml/parse.ts';

/**
 * The jobs form checks a body with the server's submit rules before sending
 * it (no template chosen). The raw input it checks must be what the server's
 * wire layer reads from the same body, and the outcome must be the same.
 */
const out = (extra: XmlObject = {}): XmlObject => ({ Region: 'ap-guangzhou', Bucket: 'demo-1250000000', ...extra });
const CASES: Array<[string, XmlObject, 'ok' | 'error']> = [
  ['VS inline', { Tag: 'VoiceSeparate', Input: { Object: 'in/a.mp3' }, Operation: { VoiceSeparate: { AudioMode: 'AudioAndBackground', AudioConfig: { Codec: 'mp3' } }, Output: out({ Object: 'o/b.${ext}', AuObject: 'o/v.${ext}' }), JobLevel: '0' } }, 'ok'],
  ['VS without AuObject', { Tag: 'VoiceSeparate', Input: { Object: 'in/a.mp3' }, Operation: { VoiceSeparate: { AudioMode: 'AudioAndBackground' }, Output: out({ Object: 'o/b.mp3' }), JobLevel: '0' } }, 'error'],
  ['VS bad mode', { Tag: 'VoiceSeparate', Input: { Object: 'in/a.mp3' }, Operation: { VoiceSeparate: { AudioMode: 'Karaoke' }, Output: out({ Object: 'o/b.mp3', AuObject: 'o/v.mp3' }), JobLevel: '0' } }, 'error'],
  ['VS no input', { Tag: 'VoiceSeparate', Input: { Object: '' }, Operation: { VoiceSeparate: { AudioMode: 'IsAudio' }, Output: out({ AuObject: 'o/v.mp3' }), JobLevel: '0' } }, 'error'],
  ['NR defaults', { Tag: 'NoiseReduction', Input: { Object: 'in/n.wav' }, Operation: { Output: out({ Object: 'o/d.wav' }), JobLevel: '1' } }, 'ok'],
  ['NR inline', { Tag: 'NoiseReduction', Input: { Object: 'in/n.wav' }, Operation: { NoiseReduction: { Format: 'mp3', SampleRate: '16000' }, Output: out({ Object: 'o/d.mp3' }), JobLevel: '0' } }, 'ok'],
  ['NR bad rate', { Tag: 'NoiseReduction', Input: { Object: 'in/n.wav' }, Operation: { NoiseReduction: { SampleRate: '1000' }, Output: out({ Object: 'o/d.wav' }), JobLevel: '0' } }, 'error'],
  ['Tts text', { Tag: 'Tts', Operation: { TtsTpl: { Mode: 'Sync', Codec: 'mp3', VoiceType: 'aixiaonan' }, TtsConfig: { InputType: 'Text', Input: 'hello' }, Output: out({ Object: 'o/s.mp3' }), JobLevel: '0' } }, 'ok'],
  ['Tts Asyc mp3', { Tag: 'Tts', Operation: { TtsTpl: { Mode: 'Asyc', Codec: 'mp3' }, TtsConfig: { InputType: 'Text', Input: 'hello' }, Output: out({ Object: 'o/s.mp3' }), JobLevel: '0' } }, 'error'],
  ['Tts no text', { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Text' }, Output: out({ Object: 'o/s.mp3' }), JobLevel: '0' } }, 'error'],
  ['bad UserData', { Tag: 'NoiseReduction', Input: { Object: 'in/n.wav' }, Operation: { Output: out({ Object: 'o/d.wav' }), UserData: 'ünïcode', JobLevel: '0' } }, 'error'],
];

const outcome = (fn: () => unknown): string => {
  try {
    return `ok ${JSON.stringify(fn())}`;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
};

describe('console job form ⇄ server wire layer', () => {
  for (const [i, [name, body, expected]] of CASES.entries()) {
    test(`${i + 1}. ${name}`, () => {
      const client = jobRaw(body);
      const server = readJobRequest(parseXmlRequest(requestXml(body), 'Request'));
      assert.deepEqual(JSON.parse(JSON.stringify(server)), JSON.parse(JSON.stringify(client)));
      const ctx = { bucket: 'demo-1250000000', region: 'ap-guangzhou', template: undefined };
      const c = outcome(() => buildJobSpec(client, ctx));
      assert.equal(c, outcome(() => buildJobSpec(server, ctx)));
      assert.ok(c.startsWith(expected), c);
    });
  }
});
