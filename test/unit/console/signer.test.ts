import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { hmacSha1Bytes, sha1Bytes, toHex } from '../../../src/console/app/sha1.ts';
import { authorization, type ToSign } from '../../../src/console/app/signer.ts';
import { signRequest } from '../../../src/http/auth/cos-signature.ts';

/**
 * The console signs in the browser (src/console/app/signer.ts) with the
 * string-to-sign steps shared with the server; its answer must equal the
 * server-side signer's, which is itself checked against spec/signature.md §8.
 */
describe('console signer', () => {
  const cases: ToSign[] = [
    { method: 'POST', decodedPath: '/jobs', query: {}, headers: { 'x-smart-audio-host': 'demo-1250000000.ci.ap-guangzhou.myqcloud.com', 'content-type': 'application/xml' } },
    { method: 'GET', decodedPath: '/jobs', query: { tag: 'VoiceSeparate', states: 'Submitted,Running', size: '10' }, headers: { 'x-smart-audio-host': 'demo-1250000000.ci.ap-guangzhou.myqcloud.com' } },
    { method: 'PUT', decodedPath: '/jobs/j8d121820f5e411ec926ef19d53ba9c6f', query: { cancel: '' }, headers: { 'x-smart-audio-host': 'demo-1250000000.ci.ap-guangzhou.myqcloud.com' } },
    { method: 'PUT', decodedPath: '/input/歌 (1)+[x]~!.mp3', query: {}, headers: { 'x-smart-audio-host': 'demo-1250000000.cos.ap-guangzhou.myqcloud.com', 'content-type': 'audio/mpeg' } },
  ];
  const now = 1_700_000_000;
  for (const [i, c] of cases.entries()) {
    test(`${i + 1}. ${c.method} ${c.decodedPath} matches the server's signer`, async () => {
      const cred = { secretId: 'AKIDEXAMPLE', secretKey: 'ExampleSecretKey0123456789abcdef' };
      const browser = await authorization(cred, c, now);
      const server = signRequest({ ...cred, ...c, startTime: now - 60, endTime: now + 3600 });
      assert.equal(browser, server);
    });
  }
});

describe('console SHA-1 fallback (plain-http pages without crypto.subtle)', () => {
  const enc = new TextEncoder();
  test('SHA-1 equals node:crypto across block boundaries and UTF-8', () => {
    for (const len of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000]) {
      const s = 'a€b'.repeat(len).slice(0, len);
      assert.equal(toHex(sha1Bytes(enc.encode(s))), createHash('sha1').update(s, 'utf8').digest('hex'), `length ${len}`);
    }
  });
  test('HMAC-SHA1 equals node:crypto, short and long (> 64 byte) keys', () => {
    for (const key of ['', 'k', 'ExampleSecretKey0123456789abcdef', 'x'.repeat(64), 'y'.repeat(100)]) {
      const msg = `sha1\n1700000000;1700003600\n${'f'.repeat(40)}\n`;
      assert.equal(toHex(hmacSha1Bytes(enc.encode(key), enc.encode(msg))), createHmac('sha1', key).update(msg).digest('hex'), `key length ${key.length}`);
    }
  });
});
