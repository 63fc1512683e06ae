import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signRequest, type SignRequestInput } from '../../../src/http/auth/cos-signature.ts';
import { checkTimeWindow, locateSignature, verifySignature } from '../../../src/http/auth/verify.ts';
import { ApiError } from '../../../src/http/errors/api-error.ts';
import { parseRequestTarget } from '../../../src/http/request-target.ts';
import { buildVerifyInput, runVerify, type WireRequest } from './verify-helpers.ts';

/**
 * Server-side verification (spec/signature.md §5–6, spec/clients.md §2):
 * numbered bad-input cases, each with the expected ApiError errorName, run
 * through the same locate → time window → verify chain as src/http/app.ts.
 */

const SECRET_ID = 'AKIDverify000000000000000000000000';
const SECRET = 'verifySecretKey000000000000000000';
const NOW = 1_720_000_000;
const HOST = 'examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com';
const COS_HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com';

const sign = (o: Partial<SignRequestInput> & Pick<SignRequestInput, 'method' | 'decodedPath'>) =>
  signRequest({ secretId: SECRET_ID, secretKey: SECRET, startTime: NOW - 60, endTime: NOW + 900, ...o });

/** Replaces one `k=v` field of an Authorization value. */
const withField = (auth: string, key: string, value: string) =>
  auth.split('&').map((p) => (p.startsWith(key + '=') ? `${key}=${value}` : p)).join('&');

const base = (over: Partial<WireRequest> = {}): WireRequest => ({
  method: 'GET',
  url: '/jobs',
  headers: { host: HOST },
  secretKey: SECRET,
  nowSeconds: NOW,
  ...over,
});

/** A signed `POST /jobs` with content-type and host, as Node sends bodies. */
const postAuth = sign({ method: 'POST', decodedPath: '/jobs', headers: { 'content-type': 'application/xml', 'content-length': '42', host: HOST } });
const postReq = (headers: Record<string, string>, over: Partial<WireRequest> = {}) => base({ method: 'POST', url: '/jobs', headers, ...over });

interface Case {
  n: number;
  name: string;
  req: WireRequest;
  expect: string;
}

const cases: Case[] = [
  // --- baseline ---
  { n: 1, name: 'valid signed POST', req: postReq({ host: HOST, 'content-type': 'application/xml', 'content-length': '42', authorization: postAuth }), expect: 'ok' },
  // --- key ---
  { n: 2, name: 'server holds a different secret for q-ak', req: postReq({ host: HOST, 'content-type': 'application/xml', 'content-length': '42', authorization: postAuth }, { secretKey: SECRET + 'x' }), expect: 'SignatureDoesNotMatch' },
  {
    n: 3,
    name: 'client signed with the wrong secret',
    req: base({ headers: { host: HOST, authorization: signRequest({ secretId: SECRET_ID, secretKey: 'wrong', method: 'GET', decodedPath: '/jobs', headers: { host: HOST }, startTime: NOW, endTime: NOW + 60 }) } }),
    expect: 'SignatureDoesNotMatch',
  },
  // --- time window ---
  { n: 4, name: 'expired window (now > end)', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW - 1000, endTime: NOW - 1 }) } }), expect: 'SignatureExpired' },
  { n: 5, name: 'now == end is still valid', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW - 1000, endTime: NOW }) } }), expect: 'ok' },
  { n: 6, name: 'window starts 15 min + 1 s in the future', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW + 901, endTime: NOW + 2000 }) } }), expect: 'RequestTimeTooSkewed' },
  { n: 7, name: 'window starts 1 h in the future', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW + 3600, endTime: NOW + 7200 }) } }), expect: 'RequestTimeTooSkewed' },
  { n: 8, name: 'window starts exactly 15 min in the future (within skew)', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW + 900, endTime: NOW + 2000 }) } }), expect: 'ok' },
  { n: 9, name: 'window starts 5 min in the future (within skew)', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW + 300, endTime: NOW + 2000 }) } }), expect: 'ok' },
  { n: 10, name: 'Python window now-60;now+10000', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW - 60, endTime: NOW + 10000 }) } }), expect: 'ok' },
  { n: 11, name: 'custom skew 0: a start 1 s ahead is too skewed', req: base({ clockSkewSeconds: 0, headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', startTime: NOW + 1, endTime: NOW + 100 }) } }), expect: 'RequestTimeTooSkewed' },
  // --- signed headers ---
  { n: 12, name: 'signed content-type changed', req: postReq({ host: HOST, 'content-type': 'text/xml', 'content-length': '42', authorization: postAuth }), expect: 'SignatureDoesNotMatch' },
  { n: 13, name: 'signed content-length missing', req: postReq({ host: HOST, 'content-type': 'application/xml', authorization: postAuth }), expect: 'SignatureDoesNotMatch' },
  { n: 14, name: 'signed host differs (other bucket)', req: postReq({ host: 'otherbucket-1250000000.ci.ap-guangzhou.myqcloud.com', 'content-type': 'application/xml', 'content-length': '42', authorization: postAuth }), expect: 'SignatureDoesNotMatch' },
  { n: 15, name: 'unsigned extra header is ignored', req: postReq({ host: HOST, 'content-type': 'application/xml', 'content-length': '42', 'user-agent': 'x', 'x-cos-meta-a': 'b', authorization: postAuth }), expect: 'ok' },
  { n: 16, name: 'method changed (POST signed, PUT sent)', req: postReq({ host: HOST, 'content-type': 'application/xml', 'content-length': '42', authorization: postAuth }, { method: 'PUT' }), expect: 'SignatureDoesNotMatch' },
  { n: 17, name: 'path changed', req: postReq({ host: HOST, 'content-type': 'application/xml', 'content-length': '42', authorization: postAuth }, { url: '/jobs/x' }), expect: 'SignatureDoesNotMatch' },
  {
    n: 18,
    name: 'header list names a header in mixed case (lookup is case-insensitive)',
    req: base({ headers: { host: HOST, 'x-cos-meta-a': 'v', authorization: withField(sign({ method: 'GET', decodedPath: '/jobs', headers: { host: HOST, 'x-cos-meta-a': 'v' } }), 'q-header-list', 'Host;X-Cos-Meta-A') } }),
    expect: 'ok',
  },
  // --- signed query parameters ---
  {
    n: 19,
    name: 'listed query parameter missing from the request',
    req: base({ url: '/jobs?tag=VoiceSeparate', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', query: { tag: 'VoiceSeparate', size: '10' }, headers: { host: HOST } }) } }),
    expect: 'SignatureDoesNotMatch',
  },
  {
    n: 20,
    name: 'listed value-less parameter (?cancel) missing',
    req: base({ method: 'PUT', url: '/jobs/j1', headers: { host: HOST, authorization: sign({ method: 'PUT', decodedPath: '/jobs/j1', query: { cancel: '' }, headers: { host: HOST } }) } }),
    expect: 'SignatureDoesNotMatch',
  },
  {
    n: 21,
    name: 'signed query value changed',
    req: base({ url: '/jobs?tag=VoiceSeparate&size=11', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', query: { tag: 'VoiceSeparate', size: '10' }, headers: { host: HOST } }) } }),
    expect: 'SignatureDoesNotMatch',
  },
  {
    n: 22,
    name: 'unlisted extra query parameter is ignored',
    req: base({ url: '/jobs?tag=VoiceSeparate&extra=1', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', query: { tag: 'VoiceSeparate' }, headers: { host: HOST } }) } }),
    expect: 'ok',
  },
  {
    n: 23,
    name: 'parameter names matched case-insensitively (QueueId sent, queueid listed)',
    req: base({ url: '/jobs?QueueId=p1&Tag=VoiceSeparate', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', query: { QueueId: 'p1', Tag: 'VoiceSeparate' }, headers: { host: HOST } }) } }),
    expect: 'ok',
  },
  {
    n: 24,
    name: 'lower-case %2f in a value re-encodes the same as %2F',
    req: base({ url: '/list?prefix=dir%2fsub%2F', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/list', query: { prefix: 'dir/sub/' }, headers: { host: HOST } }) } }),
    expect: 'ok',
  },
  // --- + in the query ---
  { n: 25, name: '+ in a query value is a space', req: base({ url: '/list?q=a+b', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/list', query: { q: 'a b' }, headers: { host: HOST } }) } }), expect: 'ok' },
  { n: 26, name: '%2B is a literal + (not a space)', req: base({ url: '/list?q=a%2Bb', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/list', query: { q: 'a b' }, headers: { host: HOST } }) } }), expect: 'SignatureDoesNotMatch' },
  { n: 27, name: '%2B signed as +', req: base({ url: '/list?q=a%2Bb', headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/list', query: { q: 'a+b' }, headers: { host: HOST } }) } }), expect: 'ok' },
  { n: 28, name: '+ in the path stays a +', req: base({ url: '/a+b.txt', headers: { host: COS_HOST, authorization: sign({ method: 'GET', decodedPath: '/a+b.txt', headers: { host: COS_HOST } }) } }), expect: 'ok' },
  // --- decoded path ---
  {
    n: 29,
    name: 'percent-encoded CJK path verified against the decoded path',
    req: base({ url: '/%E9%9F%B3%E9%A2%91/a%20b%281%29.mp3', headers: { host: COS_HOST, authorization: sign({ method: 'GET', decodedPath: '/音频/a b(1).mp3', headers: { host: COS_HOST } }) } }),
    expect: 'ok',
  },
  // --- malformed Authorization ---
  { n: 30, name: 'no q-ak', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs' }).replace(/q-ak=[^&]*&/, '') } }), expect: 'InvalidAuthorization' },
  { n: 31, name: 'q-sign-algorithm=md5', req: base({ headers: { host: HOST, authorization: withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-sign-algorithm', 'md5') } }), expect: 'InvalidAuthorization' },
  { n: 32, name: 'non-hex signature', req: base({ headers: { host: HOST, authorization: withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-signature', 'z'.repeat(40)) } }), expect: 'InvalidAuthorization' },
  { n: 33, name: 'signature 39 hex digits', req: base({ headers: { host: HOST, authorization: withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-signature', 'a'.repeat(39)) } }), expect: 'InvalidAuthorization' },
  { n: 34, name: 'q-sign-time not start;end', req: base({ headers: { host: HOST, authorization: withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-sign-time', 'yesterday') } }), expect: 'InvalidAuthorization' },
  { n: 35, name: 'q-key-time end before start', req: base({ headers: { host: HOST, authorization: withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-key-time', `${NOW};${NOW - 10}`) } }), expect: 'InvalidAuthorization' },
  { n: 36, name: 'Authorization is garbage', req: base({ headers: { host: HOST, authorization: 'Basic dXNlcjpwYXNz' } }), expect: 'InvalidAuthorization' },
  { n: 37, name: 'duplicated field', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs' }) + '&q-ak=AKIDOTHER' } }), expect: 'InvalidAuthorization' },
  {
    n: 38,
    name: 'valid fields in a shuffled order',
    req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', headers: { host: HOST } }).split('&').reverse().join('&') } }),
    expect: 'ok',
  },
  {
    n: 39,
    name: 'upper-case signature hex accepted',
    req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', headers: { host: HOST } }).replace(/q-signature=(\w+)/, (_m, s: string) => `q-signature=${s.toUpperCase()}`) } }),
    expect: 'ok',
  },
  // --- no signature at all ---
  { n: 40, name: 'no Authorization, no query', req: base({ headers: { host: HOST } }), expect: 'MissingAuthorization' },
  { n: 41, name: 'no Authorization, only ordinary query params', req: base({ url: '/jobs?tag=VoiceSeparate&size=10', headers: { host: HOST } }), expect: 'MissingAuthorization' },
  { n: 42, name: 'blank Authorization header, no q-*', req: base({ headers: { host: HOST, authorization: '   ' } }), expect: 'MissingAuthorization' },
  { n: 43, name: 'incomplete q-* query params', req: base({ url: '/jobs?q-ak=AKIDverify&q-signature=' + 'a'.repeat(40), headers: { host: HOST } }), expect: 'InvalidAuthorization' },
  // --- host variants (spec/clients.md §1 table, §2) ---
  {
    n: 44,
    name: 'host signed with the port (Node Domain), Host has the port',
    req: base({ url: '/a.txt', headers: { host: '127.0.0.1:8080', authorization: sign({ method: 'GET', decodedPath: '/a.txt', headers: { host: '127.0.0.1:8080' } }) } }),
    expect: 'ok',
  },
  {
    n: 45,
    name: 'host signed without the port (Python Domain), Host has the port',
    req: base({ url: '/a.txt', headers: { host: '127.0.0.1:8080', authorization: sign({ method: 'GET', decodedPath: '/a.txt', headers: { host: '127.0.0.1' } }) } }),
    expect: 'ok',
  },
  {
    n: 46,
    name: 'host signed with another port',
    req: base({ url: '/a.txt', headers: { host: '127.0.0.1:8080', authorization: sign({ method: 'GET', decodedPath: '/a.txt', headers: { host: '127.0.0.1:9090' } }) } }),
    expect: 'SignatureDoesNotMatch',
  },
  {
    n: 47,
    name: 'virtual host signed, reached through Ip (Host: virtual, no port)',
    req: base({ url: '/a.txt', headers: { host: COS_HOST, authorization: sign({ method: 'GET', decodedPath: '/a.txt', headers: { host: COS_HOST } }) } }),
    expect: 'ok',
  },
  {
    n: 48,
    name: 'absolute-form target via proxy: the authority is the signed host',
    req: base({ method: 'POST', url: `http://${HOST}/jobs`, headers: { host: '127.0.0.1:3128', authorization: sign({ method: 'POST', decodedPath: '/jobs', headers: { host: HOST } }) } }),
    expect: 'ok',
  },
  {
    n: 49,
    name: 'trusted X-Forwarded-Host is a candidate',
    req: base({ forwardedHost: COS_HOST, url: '/a.txt', headers: { host: 'backend:8080', authorization: sign({ method: 'GET', decodedPath: '/a.txt', headers: { host: COS_HOST } }) } }),
    expect: 'ok',
  },
  // --- requireSignedHost ---
  { n: 50, name: 'requireSignedHost, host not signed', req: base({ requireSignedHost: true, headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs' }) } }), expect: 'AccessDenied' },
  { n: 51, name: 'requireSignedHost, host signed', req: base({ requireSignedHost: true, headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs', headers: { host: HOST } }) } }), expect: 'ok' },
  { n: 52, name: 'requireSignedHost off, nothing signed (doc samples)', req: base({ headers: { host: HOST, authorization: sign({ method: 'GET', decodedPath: '/jobs' }) } }), expect: 'ok' },
];

/** Presigned URL the way cos-nodejs-sdk-v5 getObjectUrl builds it (base.js): raw Authorization, q-url-param-list re-encoded, token, then the query. */
function presignedUrl(path: string, auth: string, extra: { token?: string; tokenParam?: string; query?: string } = {}): string {
  let q = auth.replace(/q-url-param-list=([^&]*)/, (_m, list: string) => 'q-url-param-list=' + encodeURIComponent(list).toLowerCase());
  if (extra.token) q += `&${extra.tokenParam ?? 'x-cos-security-token'}=${encodeURIComponent(extra.token)}`;
  if (extra.query) q += '&' + extra.query;
  return `${path}?${q}`;
}

const getAuth = sign({ method: 'GET', decodedPath: '/音频 1.mp3', headers: { host: COS_HOST } });
const getAuthParams = sign({
  method: 'GET',
  decodedPath: '/音频 1.mp3',
  query: { 'response-content-type': 'audio/mpeg', 'response-content-disposition': 'attachment; filename=a.mp3' },
  headers: { host: COS_HOST },
});
const presignPath = '/%E9%9F%B3%E9%A2%91%201.mp3';

cases.push(
  { n: 53, name: 'presigned GET, no token', req: base({ url: presignedUrl(presignPath, getAuth), headers: { host: COS_HOST } }), expect: 'ok' },
  { n: 54, name: 'presigned GET with x-cos-security-token param', req: base({ url: presignedUrl(presignPath, getAuth, { token: 'tok/+=en' }), headers: { host: COS_HOST } }), expect: 'ok' },
  { n: 55, name: 'presigned GET with x-ci-security-token param', req: base({ url: presignedUrl(presignPath, getAuth, { token: 'tok', tokenParam: 'x-ci-security-token' }), headers: { host: COS_HOST } }), expect: 'ok' },
  {
    n: 56,
    name: 'presigned GET with signed response-* params (q-* and token excluded from HttpParameters)',
    req: base({
      url: presignedUrl(presignPath, getAuthParams, { token: 'tok', query: 'response-content-type=audio%2Fmpeg&response-content-disposition=attachment%3B%20filename%3Da.mp3' }),
      headers: { host: COS_HOST },
    }),
    expect: 'ok',
  },
  {
    n: 57,
    name: 'presigned GET with a signed response-* param changed',
    req: base({ url: presignedUrl(presignPath, getAuthParams, { query: 'response-content-type=text%2Fhtml&response-content-disposition=attachment%3B%20filename%3Da.mp3' }), headers: { host: COS_HOST } }),
    expect: 'SignatureDoesNotMatch',
  },
  { n: 58, name: 'presigned URL used for another key', req: base({ url: presignedUrl('/other.mp3', getAuth), headers: { host: COS_HOST } }), expect: 'SignatureDoesNotMatch' },
  { n: 59, name: 'presigned URL expired', req: base({ nowSeconds: NOW + 901, url: presignedUrl(presignPath, getAuth), headers: { host: COS_HOST } }), expect: 'SignatureExpired' },
  {
    // cos-go-sdk-v5 GetPresignedURL with a temporary key (example/object/presigned_url_with_token.go):
    // the token goes into the query *before* signing, so it is listed in q-url-param-list.
    n: 66,
    name: 'presigned URL that signs its x-cos-security-token param (Go SDK)',
    req: base({
      url: `/a.txt?${encodeURIComponent(sign({ method: 'GET', decodedPath: '/a.txt', query: { 'x-cos-security-token': 'tok/+=en' }, headers: { host: COS_HOST } })).replace(/%26/g, '&').replace(/%3D/g, '=')}&x-cos-security-token=tok%2F%2B%3Den`,
      headers: { host: COS_HOST },
    }),
    expect: 'ok',
  },
  {
    n: 67,
    name: 'presigned URL that signs its token param, token changed',
    req: base({
      url: `/a.txt?${sign({ method: 'GET', decodedPath: '/a.txt', query: { 'x-cos-security-token': 'tok' }, headers: { host: COS_HOST } })}&x-cos-security-token=other`,
      headers: { host: COS_HOST },
    }),
    expect: 'SignatureDoesNotMatch',
  },
  {
    n: 68,
    name: 'presigned URL listing a q-* param of its own (q-* are never signed params)',
    req: base({
      url: presignedUrl('/a.txt', sign({ method: 'GET', decodedPath: '/a.txt', query: { 'q-ak': SECRET_ID }, headers: { host: COS_HOST } })),
      headers: { host: COS_HOST },
    }),
    expect: 'SignatureDoesNotMatch',
  },
  {
    n: 60,
    name: 'presigned with q-* names upper-case in the query',
    req: base({ url: presignedUrl(presignPath, getAuth).replace(/([?&])q-/g, '$1Q-'), headers: { host: COS_HOST } }),
    expect: 'ok',
  },
);

describe('verify: numbered cases (errorName or ok)', () => {
  for (const c of cases) {
    test(`#${c.n} ${c.name} → ${c.expect}`, () => {
      assert.equal(runVerify(c.req), c.expect);
    });
  }
  test('case numbers are unique', () => {
    assert.equal(new Set(cases.map((c) => c.n)).size, cases.length);
  });
});

describe('verify: pieces', () => {
  test('#61 locateSignature prefers the header over q-* params', () => {
    const auth = sign({ method: 'GET', decodedPath: '/jobs' });
    const t = parseRequestTarget('/jobs?q-sign-algorithm=md5&q-ak=x');
    const located = locateSignature({ authorization: auth }, t.query);
    assert.equal(located.fromQuery, false);
    assert.equal(located.fields.secretId, SECRET_ID);
  });

  test('#62 locateSignature from a presigned URL: fromQuery, lists decoded from %3b', () => {
    const t = parseRequestTarget(presignedUrl(presignPath, getAuthParams));
    const located = locateSignature({}, t.query);
    assert.equal(located.fromQuery, true);
    assert.deepEqual(located.fields.urlParamList, ['response-content-disposition', 'response-content-type']);
    assert.deepEqual(located.fields.headerList, ['host']);
  });

  test('#63 with the Authorization header, q-* query params are ordinary parameters (signed if listed)', () => {
    // A header-signed request that lists a q-prefixed parameter: it must take part.
    const auth = sign({ method: 'GET', decodedPath: '/x', query: { 'q-custom': 'v' } });
    assert.equal(runVerify(base({ url: '/x?q-custom=v', headers: { host: HOST, authorization: auth } })), 'ok');
    assert.equal(runVerify(base({ url: '/x?q-custom=w', headers: { host: HOST, authorization: auth } })), 'SignatureDoesNotMatch');
  });

  test('#64 errors are ApiError with the documented wire codes (CI vs COS)', () => {
    const input = buildVerifyInput(base({ headers: { host: HOST, authorization: withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-signature', 'f'.repeat(40)) } }));
    const located = locateSignature(input.headers, input.query);
    assert.throws(
      () => verifySignature(input, located, SECRET),
      (e: unknown) => e instanceof ApiError && e.wire('ci').code === 'AccessDenied' && e.wire('cos').code === 'SignatureDoesNotMatch' && e.wire('ci').status === 403,
    );
    assert.throws(
      () => checkTimeWindow(located.fields, NOW + 10_000, 900),
      (e: unknown) => e instanceof ApiError && e.errorName === 'SignatureExpired' && e.wire('ci').status === 401,
    );
    assert.throws(
      () => locateSignature({}, []),
      (e: unknown) => e instanceof ApiError && e.errorName === 'MissingAuthorization' && e.wire('ci').status === 401 && e.wire('cos').code === 'AccessDenied',
    );
  });

  test('#65 the time window is checked on q-sign-time', () => {
    const auth = withField(withField(sign({ method: 'GET', decodedPath: '/jobs' }), 'q-sign-time', `${NOW - 100};${NOW - 50}`), 'q-key-time', `${NOW - 100};${NOW + 900}`);
    const located = locateSignature({ authorization: auth }, []);
    assert.throws(() => checkTimeWindow(located.fields, NOW, 900), (e: unknown) => e instanceof ApiError && e.errorName === 'SignatureExpired');
  });
});
