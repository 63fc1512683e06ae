import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/http/auth/cos-signature.ts';
import { errorCode, rawRequest, type RawRequest } from '../helpers/raw-http.ts';
import { APPID, ROOT_ID, ROOT_KEY, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Bad input at the front door (issue #2 "Bad input"): each case gets its
 * documented status and code (spec/errors.md §4, §7, §8) and leaves the
 * stored object untouched.
 */
const BUCKET = `bad-${APPID}`;
const COS_HOST = `${BUCKET}.cos.ap-guangzhou.myqcloud.com`;
const CI_HOST = `${BUCKET}.ci.ap-guangzhou.myqcloud.com`;
const ORIGINAL = 'original content that must survive';

describe('front door bad input', () => {
  let server: TestServer;
  const req = (r: Omit<RawRequest, 'port'>) => rawRequest({ port: server.port, ...r });
  const readOriginal = async () => (await req({ method: 'GET', host: COS_HOST, path: '/keep.txt' })).body;

  before(async () => {
    server = await startTestServer({ 'max-object-size': '1024', 'max-xml-body': '2048' });
    assert.equal((await req({ method: 'PUT', host: COS_HOST, path: '/' })).status, 200);
    assert.equal((await req({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: ORIGINAL })).status, 200);
  });
  after(() => server.close());

  const now = () => Math.floor(Date.now() / 1000);
  type Case = { n: number; what: string; r: () => Omit<RawRequest, 'port'>; status: number; code: string };
  const cases: Case[] = [
    { n: 1, what: 'wrong secret key (COS)', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', secretKey: 'not-the-key' }), status: 403, code: 'SignatureDoesNotMatch' },
    { n: 2, what: 'wrong secret key (CI)', r: () => ({ method: 'GET', host: CI_HOST, path: '/template', secretKey: 'not-the-key' }), status: 403, code: 'AccessDenied' },
    { n: 3, what: 'expired signature (CI)', r: () => ({ method: 'GET', host: CI_HOST, path: '/template', window: [now() - 7200, now() - 3600] }), status: 401, code: 'SignatureExpired' },
    { n: 4, what: 'expired signature (COS)', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', window: [now() - 7200, now() - 3600] }), status: 403, code: 'AccessDenied' },
    { n: 5, what: 'future-dated signature', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', window: [now() + 3600, now() + 7200] }), status: 403, code: 'RequestTimeTooSkewed' },
    {
      n: 6,
      what: 'signature over other header values',
      r: () => ({
        method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', headers: { 'content-type': 'text/plain' },
        authorization: signRequest({ secretId: ROOT_ID, secretKey: ROOT_KEY, method: 'PUT', decodedPath: '/keep.txt', headers: { host: COS_HOST, 'content-type': 'image/png' }, startTime: now() - 10, endTime: now() + 600 }),
      }),
      status: 403, code: 'SignatureDoesNotMatch',
    },
    {
      n: 7,
      what: 'signature for another path',
      r: () => ({
        method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil',
        authorization: signRequest({ secretId: ROOT_ID, secretKey: ROOT_KEY, method: 'PUT', decodedPath: '/other.txt', headers: { host: COS_HOST }, startTime: now() - 10, endTime: now() + 600 }),
      }),
      status: 403, code: 'SignatureDoesNotMatch',
    },
    { n: 8, what: 'missing Authorization (CI)', r: () => ({ method: 'GET', host: CI_HOST, path: '/template', unsigned: true }), status: 401, code: 'MissingAuthorization' },
    { n: 9, what: 'missing Authorization (COS)', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', unsigned: true }), status: 403, code: 'AccessDenied' },
    { n: 10, what: 'malformed Authorization (CI)', r: () => ({ method: 'GET', host: CI_HOST, path: '/template', authorization: 'q-sign-algorithm=sha1&q-ak=x' }), status: 401, code: 'InvalidAuthorization' },
    { n: 11, what: 'unsupported algorithm (CI)', r: () => ({ method: 'GET', host: CI_HOST, path: '/template', authorization: 'q-sign-algorithm=md5&q-ak=a&q-sign-time=1;2&q-key-time=1;2&q-header-list=&q-url-param-list=&q-signature=' + 'a'.repeat(40) }), status: 401, code: 'InvalidAuthorization' },
    { n: 12, what: 'unknown SecretId (CI)', r: () => ({ method: 'GET', host: CI_HOST, path: '/template', secretId: 'AKIDnobody' }), status: 401, code: 'SecretidNotExist' },
    { n: 13, what: 'unknown SecretId (COS)', r: () => ({ method: 'GET', host: COS_HOST, path: '/keep.txt', secretId: 'AKIDnobody' }), status: 403, code: 'InvalidAccessKeyId' },
    { n: 14, what: 'unknown bucket', r: () => ({ method: 'PUT', host: `nosuch-${APPID}.cos.ap-guangzhou.myqcloud.com`, path: '/a.txt', body: 'x' }), status: 404, code: 'NoSuchBucket' },
    { n: 15, what: 'bucket of another APPID', r: () => ({ method: 'GET', host: 'other-1300000000.cos.ap-guangzhou.myqcloud.com', path: '/keep.txt' }), status: 403, code: 'AccessDenied' },
    { n: 16, what: 'CI call on a bucket of another APPID', r: () => ({ method: 'GET', host: 'other-1300000000.ci.ap-guangzhou.myqcloud.com', path: '/template' }), status: 403, code: 'AccessDenied' },
    { n: 17, what: 'key with a .. segment', r: () => ({ method: 'PUT', host: COS_HOST, path: '/a/../../escape.txt', body: 'x' }), status: 400, code: 'InvalidURI' },
    { n: 18, what: 'key with %2F..%2F', r: () => ({ method: 'PUT', host: COS_HOST, path: '/a%2F..%2F..%2Fescape.txt', body: 'x' }), status: 400, code: 'InvalidURI' },
    { n: 19, what: 'key with a NUL byte', r: () => ({ method: 'PUT', host: COS_HOST, path: '/a%00b.txt', body: 'x' }), status: 400, code: 'InvalidURI' },
    { n: 20, what: 'key over 850 bytes', r: () => ({ method: 'PUT', host: COS_HOST, path: '/' + 'k'.repeat(900), body: 'x' }), status: 400, code: 'KeyTooLong' },
    { n: 21, what: 'invalid percent-encoding', r: () => ({ method: 'GET', host: COS_HOST, path: '/a%E8%85.txt', authorization: 'q-sign-algorithm=sha1' }), status: 400, code: 'InvalidURI' },
    { n: 22, what: 'body over the object size limit', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: Buffer.alloc(2000, 1) }), status: 400, code: 'EntityTooLarge' },
    { n: 23, what: 'Content-MD5 mismatch', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' } }), status: 400, code: 'BadDigest' },
    { n: 24, what: 'Content-MD5 not base64 MD5', r: () => ({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: 'evil', headers: { 'content-md5': 'nope' } }), status: 400, code: 'InvalidDigest' },
    { n: 25, what: 'unknown CI path', r: () => ({ method: 'GET', host: CI_HOST, path: '/no-such-api' }), status: 404, code: 'InvalidUrl' },
    { n: 26, what: 'unknown COS sub-resource', r: () => ({ method: 'GET', host: COS_HOST, path: '/keep.txt', rawQuery: 'acl', signQuery: { acl: '' } }), status: 501, code: 'NotImplemented' },
    { n: 27, what: 'unknown method on an object', r: () => ({ method: 'POST', host: COS_HOST, path: '/keep.txt', body: 'x' }), status: 405, code: 'MethodNotAllowed' },
    { n: 28, what: 'Host that is no endpoint', r: () => ({ method: 'GET', host: 'www.myqcloud.com', path: '/keep.txt' }), status: 400, code: 'InvalidURI' },
    { n: 29, what: 'invalid bucket name in Host', r: () => ({ method: 'GET', host: 'UPPER_case.cos.ap-guangzhou.myqcloud.com', path: '/x' }), status: 400, code: 'InvalidBucketName' },
    { n: 30, what: 'invalid max-keys', r: () => ({ method: 'GET', host: COS_HOST, path: '/', rawQuery: 'max-keys=-5', signQuery: { 'max-keys': '-5' } }), status: 400, code: 'InvalidArgument' },
  ];

  for (const c of cases) {
    test(`${c.n}. ${c.what} → ${c.status} ${c.code}`, async () => {
      const res = await req(c.r());
      assert.equal(res.status, c.status, res.body);
      if (res.status !== 304) assert.equal(errorCode(res.body), c.code, res.body);
      // Every error carries the documented headers (spec/errors.md §2, spec/clients.md §5–6).
      const ci = c.r().host.includes('.ci.');
      assert.ok(res.headers[ci ? 'x-ci-request-id' : 'x-cos-request-id'], 'request id header');
      assert.ok(res.headers[ci ? 'x-ci-trace-id' : 'x-cos-trace-id'], 'trace id header');
      assert.equal(res.headers['content-type'], 'application/xml');
      assert.ok(res.headers.date);
      for (const tag of ['Code', 'Message', 'Resource', 'RequestId', 'TraceId']) assert.match(res.body, new RegExp(`<${tag}>[^<]+</${tag}>`), tag);
      assert.equal(await readOriginal(), ORIGINAL, 'stored object untouched');
    });
  }

  test('31. a body cut short of Content-Length leaves the stored object untouched', async () => {
    await assert.rejects(req({ method: 'PUT', host: COS_HOST, path: '/keep.txt', body: Buffer.alloc(800, 7), truncateAt: 100 }));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await readOriginal(), ORIGINAL);
    // No partial upload is left behind in the temporary directory (local files; the S3 store keeps no partial object either: storage.test.ts).
    if (!server.s3rver) assert.deepEqual(readdirSync(join(server.dataDir, 'objects', 'tmp')), []);
  });

  test('32. HEAD errors carry the status only, no body', async () => {
    const res = await req({ method: 'HEAD', host: COS_HOST, path: '/missing.txt' });
    assert.equal(res.status, 404);
    assert.equal(res.body, '');
  });

  test('33. presigned GET URL (q-* in the query) works; tampering with it does not', async () => {
    const t = now();
    const auth = signRequest({ secretId: ROOT_ID, secretKey: ROOT_KEY, method: 'GET', decodedPath: '/keep.txt', headers: { host: COS_HOST }, startTime: t - 10, endTime: t + 600 });
    const query = auth.split('&').map((kv) => { const i = kv.indexOf('='); return `${kv.slice(0, i)}=${encodeURIComponent(kv.slice(i + 1))}`; }).join('&');
    const ok = await req({ method: 'GET', host: COS_HOST, path: '/keep.txt', rawQuery: query, unsigned: true });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, ORIGINAL);
    const tampered = await req({ method: 'GET', host: COS_HOST, path: '/keep.txt', rawQuery: query + '&response-content-type=text%2Fhtml', unsigned: true });
    assert.equal(tampered.status, 200, 'unsigned extra params are ignored by the signature, as on COS');
    const other = await req({ method: 'GET', host: COS_HOST, path: '/other.txt', rawQuery: query, unsigned: true });
    assert.equal(other.status, 403);
    assert.equal(errorCode(other.body), 'SignatureDoesNotMatch');
  });

  test('34. nothing under the data directory was created outside objects/ and the metadata file', () => {
    const top = readdirSync(server.dataDir).sort();
    assert.deepEqual(top.filter((f) => !f.startsWith('metadata.sqlite')), server.s3rver ? [] : ['objects']);
  });
});
