import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveTtsSource } from '../../../../src/domain/jobs/tts-source.ts';
import { checkTtsText, countChars, decodeTextObject, TtsTextError, ttsMaxChars } from '../../../../src/domain/jobs/tts-text.ts';

/** Text rules of Tts jobs (spec/jobs.md §1.4, spec/limits.md "TTS"). */
const refused = (code: string, msg: RegExp) => (err: unknown) => err instanceof TtsTextError && err.code === code && msg.test(err.message);
const check = (t: string, max = 300) => checkTtsText(t, max, 'Input', 'inline text');

describe('Tts text rules', () => {
  test('1. limits: inline 300; objects 300 (Sync) / 10,000 (Asyc); characters are code points', () => {
    assert.equal(ttsMaxChars('Text', 'Asyc'), 300);
    assert.equal(ttsMaxChars('Url', 'Sync'), 300);
    assert.equal(ttsMaxChars('Url', 'Asyc'), 10_000);
    assert.equal(countChars('床前😀a'), 4);
    assert.equal(check('床'.repeat(300)), '床'.repeat(300));
    assert.throws(() => check('床'.repeat(301)), refused('InvalidArgument', /301 characters.*300/));
  });

  test('2. empty, whitespace-only and nothing-to-speak texts are refused', () => {
    assert.throws(() => check(''), refused('InvalidArgument', /empty/));
    assert.throws(() => check(' \n\t '), refused('InvalidArgument', /empty/));
    assert.throws(() => check('?!。，…'), refused('InvalidArgument', /nothing to speak/));
    assert.equal(check('42'), '42');
  });

  test('3. control characters, lone surrogates, noncharacters and U+FFFD are refused, naming the character and its position', () => {
    assert.throws(() => check('ab\u0000c'), refused('InvalidArgument', /U\+0000 at character 3.*control/));
    assert.throws(() => check('a\u0085'), refused('InvalidArgument', /U\+0085/));
    assert.throws(() => check('a\ud800b'), refused('InvalidArgument', /U\+D800.*surrogate/));
    assert.throws(() => check('a\udc00'), refused('InvalidArgument', /U\+DC00/));
    assert.throws(() => check('a\uffff'), refused('InvalidArgument', /noncharacter/));
    assert.throws(() => check('a\ufffd'), refused('InvalidArgument', /replacement/));
    assert.equal(check('line one\r\n\tline two 😀'), 'line one\r\n\tline two 😀');
  });

  test('4. a leading BOM is dropped', () => {
    assert.equal(check('\ufeffhello'), 'hello');
  });

  test('5. text objects: UTF-8 decodes; NUL bytes, invalid UTF-8 and UTF-16 are ResourceNotSupported', () => {
    assert.equal(decodeTextObject(Buffer.from('你好 world'), 'obj'), '你好 world');
    assert.throws(() => decodeTextObject(Buffer.from([0x68, 0x00, 0x69]), 'obj'), refused('ResourceNotSupported', /binary/));
    assert.throws(() => decodeTextObject(Buffer.from('caf\xe9', 'latin1'), 'obj'), refused('ResourceNotSupported', /not valid UTF-8/));
    assert.throws(() => decodeTextObject(Buffer.from('hi', 'utf16le'), 'obj'), refused('ResourceNotSupported', /binary/));
    assert.throws(() => decodeTextObject(Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), 'obj'), refused('InvalidArgument', /10485761 bytes/));
  });

  test('6. sources: inline text; a bare key or a COS URL is an object; other http(s) URLs are fetched; other schemes refused', () => {
    const ctx = { bucket: 'a-1250000000', domainSuffixes: ['myqcloud.com'] };
    assert.deepEqual(resolveTtsSource({ inputType: 'Text', input: 'hi' }, ctx), { kind: 'inline', text: 'hi' });
    assert.deepEqual(resolveTtsSource({ inputType: 'Url', input: 'dir/t.txt' }, ctx), { kind: 'object', bucket: 'a-1250000000', key: 'dir/t.txt' });
    assert.deepEqual(resolveTtsSource({ inputType: 'Url', input: 'https://b-1250000000.cos.ap-beijing.myqcloud.com/dir/%E6%96%87.txt' }, ctx), { kind: 'object', bucket: 'b-1250000000', key: 'dir/文.txt' });
    assert.deepEqual(resolveTtsSource({ inputType: 'Url', input: 'http://example.com/t.txt' }, ctx), { kind: 'url', url: 'http://example.com/t.txt' });
    assert.throws(() => resolveTtsSource({ inputType: 'Url', input: 'ftp://example.com/t.txt' }, ctx), /not an http\(s\) URL/);
    assert.throws(() => resolveTtsSource({ inputType: 'Url', input: 'https://b-1250000000.cos.ap-beijing.myqcloud.com/a%00b' }, ctx), /control characters/);
    assert.throws(() => resolveTtsSource({ inputType: 'Url', input: '../x.txt' }, ctx), /"\.\."/);
  });
});
