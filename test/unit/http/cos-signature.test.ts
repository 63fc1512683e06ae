import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import COS from 'cos-nodejs-sdk-v5';
import {
  canonicalPairs,
  cosUrlEncode,
  hmacSha1Hex,
  httpString,
  parseAuthorization,
  parseTimeWindow,
  sha1Hex,
  signHttpString,
  signRequest,
} from '../../../src/http/auth/cos-signature.ts';
import { parseRequestTarget } from '../../../src/http/request-target.ts';
import { encodeKeyPath, encodeQuery, runVerify } from './verify-helpers.ts';

/**
 * The COS `q-sign-algorithm=sha1` signer (spec/signature.md):
 *  (a) the published test vectors §8.1–§8.3, step by step;
 *  (b) agreement with the official Node SDK's own signer `COS.getAuthorization`
 *      (cos-nodejs-sdk-v5 sdk/util.js getAuth), and the server accepting it;
 *  (c) parseAuthorization on odd and broken input.
 */

const pairs = (o: Record<string, string>) => Object.entries(o).map(([key, value]) => ({ key, value }));

// ---------------------------------------------------------------------------
// (a) spec/signature.md §8
// ---------------------------------------------------------------------------

describe('(a) spec/signature.md §8 test vectors', () => {
  /** §8.1 and §8.2: SignKey published, SecretKey not: steps checked separately, the last one by HMAC with the SignKey. */
  const docVectors: Array<{
    n: string; method: string; target: string; headers: Record<string, string>; keyTime: string; signKey: string;
    urlParamList: string; httpParameters: string; headerList: string; httpHeaders: string; httpString: string; sha1: string; signature: string;
  }> = [
    {
      n: '8.1',
      method: 'GET',
      target:
        '/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)?response-content-type=application%2Foctet-stream&response-cache-control=max-age%3D600',
      headers: { Date: 'Thu, 16 May 2019 06:55:53 GMT', Host: 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com' },
      keyTime: '1557989753;1557996953',
      signKey: '937914bf490e9e8c189836aad2052e4feeb35eaf',
      urlParamList: 'response-cache-control;response-content-type',
      httpParameters: 'response-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream',
      headerList: 'date;host',
      httpHeaders:
        'date=Thu%2C%2016%20May%202019%2006%3A55%3A53%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com',
      httpString:
        'get\n/exampleobject(腾讯云)\nresponse-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream\ndate=Thu%2C%2016%20May%202019%2006%3A55%3A53%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com\n',
      sha1: '54ecfe22f59d3514fdc764b87a32d8133ea611e6',
      signature: '01681b8c9d798a678e43b685a9f1bba0f6c0e012',
    },
    {
      n: '8.2',
      method: 'PUT',
      target: '/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)',
      headers: {
        Date: 'Thu, 16 May 2019 06:45:51 GMT',
        Host: 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com',
        'Content-Type': 'text/plain',
        'Content-Length': '13',
        'Content-MD5': 'mQ/fVh815F3k6TAUm8m0eg==',
        'x-cos-acl': 'private',
        'x-cos-grant-read': 'uin="100000000011"',
      },
      keyTime: '1557989151;1557996351',
      signKey: 'eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f',
      urlParamList: '',
      httpParameters: '',
      headerList: 'content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read',
      httpHeaders:
        'content-length=13&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&content-type=text%2Fplain&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-acl=private&x-cos-grant-read=uin%3D%22100000000011%22',
      httpString:
        'put\n/exampleobject(腾讯云)\n\ncontent-length=13&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&content-type=text%2Fplain&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-acl=private&x-cos-grant-read=uin%3D%22100000000011%22\n',
      sha1: '8b2751e77f43a0995d6e9eb9477f4b685cca4172',
      signature: '3b8851a11a569213c17ba8fa7dcf2abec6935172',
    },
  ];

  for (const v of docVectors) {
    test(`§${v.n} ${v.method} ${v.target.slice(0, 40)}…`, () => {
      const t = parseRequestTarget(v.target);
      assert.equal(t.decodedPath, '/exampleobject(腾讯云)');
      const params = canonicalPairs(t.query);
      assert.equal(params.list, v.urlParamList, 'UrlParamList');
      assert.equal(params.joined, v.httpParameters, 'HttpParameters');
      const headers = canonicalPairs(pairs(v.headers));
      assert.equal(headers.list, v.headerList, 'HeaderList');
      assert.equal(headers.joined, v.httpHeaders, 'HttpHeaders');
      const http = httpString(v.method, t.decodedPath, params.joined, headers.joined);
      assert.equal(http, v.httpString, 'HttpString');
      assert.equal(sha1Hex(http), v.sha1, 'SHA1(HttpString)');
      const stringToSign = `sha1\n${v.keyTime}\n${v.sha1}\n`;
      assert.equal(hmacSha1Hex(v.signKey, stringToSign), v.signature, 'Signature = HMAC(SignKey hex, StringToSign)');
    });
  }

  const SECRET_ID = 'AKIDEXAMPLE';
  const SECRET_KEY = 'ExampleSecretKey0123456789abcdef';
  const KEY_TIME = '1700000000;1700003600';
  const CI_HOST = 'examplebucket-1250000000.ci.ap-chongqing.myqcloud.com';

  test('§8.3 SignKey = HMAC-SHA1(SecretKey, KeyTime)', () => {
    assert.equal(hmacSha1Hex(SECRET_KEY, KEY_TIME), 'e9c5d68b73e44fca2d3c9c5fcb87e169f3da7b9b');
  });

  const ciVectors = [
    {
      n: '8.3 row 1',
      method: 'POST',
      target: '/jobs',
      headers: { 'content-type': 'application/xml', host: CI_HOST } as Record<string, string>,
      signAllParams: true,
      httpString: `post\n/jobs\n\ncontent-type=application%2Fxml&host=${CI_HOST}\n`,
      sha1: '791331c576cbc248903810d1f2deaa90780c5431',
      signature: '3510cc8620527ea9219f80a023cd0810571afdab',
      authorization: `q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600&q-key-time=1700000000;1700003600&q-header-list=content-type;host&q-url-param-list=&q-signature=3510cc8620527ea9219f80a023cd0810571afdab`,
    },
    {
      n: '8.3 row 2',
      method: 'GET',
      target: '/jobs?queueId=p2242ab62c7c94486915508540933a2c6&tag=VoiceSeparate&size=10',
      headers: { host: CI_HOST },
      signAllParams: true,
      httpString: `get\n/jobs\nqueueid=p2242ab62c7c94486915508540933a2c6&size=10&tag=VoiceSeparate\nhost=${CI_HOST}\n`,
      sha1: 'da2bad680c4ed4add31c8e21b818296deb8f966b',
      signature: '33703a8f1421579d5eb4937d31078a3a99a75ffd',
      authorization: `q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600&q-key-time=1700000000;1700003600&q-header-list=host&q-url-param-list=queueid;size;tag&q-signature=33703a8f1421579d5eb4937d31078a3a99a75ffd`,
    },
    {
      n: '8.3 row 3',
      method: 'PUT',
      target: '/jobs/j8d121820f5e411ec926ef19d53ba9c6f?cancel',
      headers: { host: CI_HOST },
      signAllParams: true,
      httpString: `put\n/jobs/j8d121820f5e411ec926ef19d53ba9c6f\ncancel=\nhost=${CI_HOST}\n`,
      sha1: 'db75560d89a29070faef50be39779ed208ef1d34',
      signature: '777c439d8c6f7389f6f80b19bdbd9caa95e9053e',
      authorization: `q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600&q-key-time=1700000000;1700003600&q-header-list=host&q-url-param-list=cancel&q-signature=777c439d8c6f7389f6f80b19bdbd9caa95e9053e`,
    },
    {
      n: '8.3 row 4',
      method: 'GET',
      target: '/asrbucket?regions=ap-chongqing,ap-shanghai&pageNumber=1&pageSize=10',
      headers: {},
      signAllParams: true,
      httpString: `get\n/asrbucket\npagenumber=1&pagesize=10&regions=ap-chongqing%2Cap-shanghai\n\n`,
      sha1: '8b3a368998a11cb16260916b387c8e48dbc17045',
      signature: 'f9b7d66f4c8371b04de790371f9693c47f5e8e3c',
      authorization: `q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600&q-key-time=1700000000;1700003600&q-header-list=&q-url-param-list=pagenumber;pagesize;regions&q-signature=f9b7d66f4c8371b04de790371f9693c47f5e8e3c`,
    },
  ];

  for (const v of ciVectors) {
    test(`§${v.n}: ${v.method} ${v.target}`, () => {
      const t = parseRequestTarget(v.target);
      const params = canonicalPairs(t.query);
      const headers = canonicalPairs(pairs(v.headers));
      const http = httpString(v.method, t.decodedPath, params.joined, headers.joined);
      assert.equal(http, v.httpString, 'HttpString');
      assert.equal(sha1Hex(http), v.sha1, 'SHA1(HttpString)');
      assert.equal(signHttpString(SECRET_KEY, KEY_TIME, KEY_TIME, http), v.signature, 'Signature via signHttpString');
      const [start, end] = KEY_TIME.split(';').map(Number) as [number, number];
      const auth = signRequest({
        secretId: SECRET_ID,
        secretKey: SECRET_KEY,
        method: v.method,
        decodedPath: t.decodedPath,
        query: Object.fromEntries(t.query.map((p) => [p.key, p.value])),
        headers: v.headers,
        startTime: start,
        endTime: end,
      });
      assert.equal(auth, v.authorization, 'full Authorization value');
      // And the server accepts it.
      const result = runVerify({
        method: v.method,
        url: v.target,
        headers: { ...v.headers, host: v.headers.host ?? 'ci.ap-chongqing.myqcloud.com', authorization: auth },
        secretKey: SECRET_KEY,
        nowSeconds: start + 10,
      });
      assert.equal(result, 'ok');
    });
  }

  test('§2 UrlEncode: every char of the must-encode table, upper-case hex; unreserved kept; space %20; UTF-8 bytes', () => {
    const mustEncode = ' !"#$%&\'()*+,/:;<=>?@[\\]^{|}`';
    for (const c of mustEncode) {
      const expected = '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
      assert.equal(cosUrlEncode(c), expected, `encode ${JSON.stringify(c)}`);
    }
    const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~';
    assert.equal(cosUrlEncode(unreserved), unreserved);
    assert.equal(cosUrlEncode('腾讯云'), '%E8%85%BE%E8%AE%AF%E4%BA%91');
    assert.equal(cosUrlEncode('a b'), 'a%20b');
  });

  test('§3 canonicalPairs: keys lower-cased, values keep case, sorted on the transformed key', () => {
    const r = canonicalPairs([
      { key: 'Tag', value: 'VoiceSeparate' },
      { key: 'cancel', value: '' },
      { key: 'QueueId', value: 'P1' },
    ]);
    assert.equal(r.list, 'cancel;queueid;tag');
    assert.equal(r.joined, 'cancel=&queueid=P1&tag=VoiceSeparate');
    assert.deepEqual(canonicalPairs([]), { joined: '', list: '' });
  });

  test('parseTimeWindow: start;end seconds, refuses garbage and end < start', () => {
    assert.deepEqual(parseTimeWindow('1700000000;1700003600'), { start: 1700000000, end: 1700003600 });
    assert.deepEqual(parseTimeWindow('5;5'), { start: 5, end: 5 });
    for (const bad of ['', '1700000000', '1700000000;', ';1700003600', '1700003600;1700000000', 'a;b', '1.5;2', '-1;2', '1;2;3', '1,2'])
      assert.equal(parseTimeWindow(bad), undefined, JSON.stringify(bad));
  });
});

// ---------------------------------------------------------------------------
// (b) agreement with cos-nodejs-sdk-v5's COS.getAuthorization
// ---------------------------------------------------------------------------

describe('(b) our signer = COS.getAuthorization (cos-nodejs-sdk-v5), and verifySignature accepts it', () => {
  const SecretId = 'AKIDsdkCompat0000000000000000000000';
  const SecretKey = 'sdkCompatSecretKey00000000000000';
  const START = 1711111111;
  const END = START + 900;
  const KeyTime = `${START};${END}`;
  const COS_HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com';
  const CI_HOST = 'examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com';

  interface SdkCase {
    n: number;
    name: string;
    method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
    /** Decoded key (path without the leading `/`). */
    key: string;
    query?: Record<string, string>;
    /** Headers the client sends (the SDK keeps only its signable ones). */
    headers?: Record<string, string>;
    /** What the SDK signs of `headers` (defaults to all of them). */
    signed?: string[];
    bucket?: string;
    region?: string;
    /** Raw query string as sent (default: encodeURIComponent of `query`, bare key for ''). */
    rawQuery?: string;
    /** Host header on the wire when not among `headers`. */
    wireHost?: string;
    expectHeaderList: string;
    expectParamList: string;
  }

  const cases: SdkCase[] = [
    { n: 1, name: 'GET, empty header and param lists', method: 'GET', key: 'a.txt', wireHost: COS_HOST, expectHeaderList: '', expectParamList: '' },
    { n: 2, name: 'GET, host only (what Node signs on GET)', method: 'GET', key: 'dir/a.txt', headers: { Host: COS_HOST }, expectHeaderList: 'host', expectParamList: '' },
    {
      n: 3,
      name: 'PUT, CJK + spaces + parentheses in the key, content-length;content-type;host',
      method: 'PUT',
      key: '音频/my file (1) 腾讯云.mp3',
      headers: { 'Content-Length': '13', 'Content-Type': 'audio/mpeg', Host: COS_HOST },
      expectHeaderList: 'content-length;content-type;host',
      expectParamList: '',
    },
    {
      n: 4,
      name: 'POST /jobs on the CI host, application/xml',
      method: 'POST',
      key: 'jobs',
      headers: { 'Content-Type': 'application/xml', 'Content-Length': '321', Host: CI_HOST },
      expectHeaderList: 'content-length;content-type;host',
      expectParamList: '',
    },
    { n: 5, name: 'DELETE /template/<id>', method: 'DELETE', key: 'template/t1460606b9752148c4ab182f55163ba7cd', headers: { Host: CI_HOST }, expectHeaderList: 'host', expectParamList: '' },
    {
      n: 6,
      name: 'HEAD object with x-cos-meta-* header',
      method: 'HEAD',
      key: 'photos/(draft) 照片.jpg',
      headers: { Host: COS_HOST, 'x-cos-meta-author': 'Zhang San' },
      expectHeaderList: 'host;x-cos-meta-author',
      expectParamList: '',
    },
    {
      n: 7,
      name: 'PUT /jobs/<id>?cancel (parameter without value)',
      method: 'PUT',
      key: 'jobs/j8d121820f5e411ec926ef19d53ba9c6f',
      query: { cancel: '' },
      headers: { Host: CI_HOST },
      expectHeaderList: 'host',
      expectParamList: 'cancel',
    },
    {
      n: 8,
      name: 'GET /jobs with upper-case parameter names and empty values',
      method: 'GET',
      key: 'jobs',
      query: { QueueId: 'p2242ab62c7c94486915508540933a2c6', Tag: 'VoiceSeparate', OrderByTime: 'Desc', States: 'All', Size: '10', NextToken: '' },
      headers: { Host: CI_HOST },
      expectHeaderList: 'host',
      expectParamList: 'nexttoken;orderbytime;queueid;size;states;tag',
    },
    {
      n: 9,
      name: 'values with / = + , and spaces (sent %-encoded)',
      method: 'GET',
      key: 'list',
      query: {
        prefix: 'dir/sub dir/',
        marker: 'a=b',
        'response-content-disposition': 'attachment; filename="a b+c,d.mp3"',
        regions: 'ap-chongqing,ap-shanghai',
      },
      headers: { Host: COS_HOST },
      expectHeaderList: 'host',
      expectParamList: 'marker;prefix;regions;response-content-disposition',
    },
    {
      n: 10,
      name: 'same values, spaces sent as + on the wire',
      method: 'GET',
      key: 'list',
      query: { prefix: 'dir/sub dir/', q: 'x y=z' },
      rawQuery: 'prefix=dir%2Fsub+dir%2F&q=x+y%3Dz',
      headers: { Host: COS_HOST },
      expectHeaderList: 'host',
      expectParamList: 'prefix;q',
    },
    {
      n: 11,
      name: 'Bucket + Region given: the SDK adds and signs Host itself',
      method: 'GET',
      key: 'auto-host.txt',
      bucket: 'examplebucket-1250000000',
      region: 'ap-guangzhou',
      wireHost: COS_HOST,
      expectHeaderList: 'host',
      expectParamList: '',
    },
    {
      n: 12,
      name: 'PUT with mixed-case x-cos-meta-*, content-md5, x-cos-acl',
      method: 'PUT',
      key: 'meta.bin',
      headers: {
        Host: COS_HOST,
        'Content-Type': 'application/octet-stream',
        'Content-Length': '4',
        'Content-MD5': 'mQ/fVh815F3k6TAUm8m0eg==',
        'X-Cos-Meta-Author': 'Zhang San',
        'x-cos-meta-note': 'a/b=c,d+e (f)',
        'x-cos-acl': 'private',
      },
      expectHeaderList: 'content-length;content-md5;content-type;host;x-cos-acl;x-cos-meta-author;x-cos-meta-note',
      expectParamList: '',
    },
    {
      n: 13,
      name: 'headers the SDK does not sign (user-agent, accept) are sent but not listed',
      method: 'GET',
      key: 'a.txt',
      headers: { Host: COS_HOST, 'User-Agent': 'cos-nodejs-sdk-v5-3.0.0', Accept: '*/*', Range: 'bytes=0-9' },
      signed: ['Host', 'Range'],
      expectHeaderList: 'host;range',
      expectParamList: '',
    },
    {
      n: 14,
      name: 'GET /asrbucket on the regional host with , in a value',
      method: 'GET',
      key: 'asrbucket',
      query: { regions: 'ap-chongqing,ap-shanghai', bucketNames: '', bucketName: '', pageNumber: '1', pageSize: '10' },
      headers: { Host: 'ci.ap-guangzhou.myqcloud.com' },
      expectHeaderList: 'host',
      expectParamList: 'bucketname;bucketnames;pagenumber;pagesize;regions',
    },
    {
      n: 15,
      name: "key with ! ' * + # % and & characters",
      method: 'GET',
      key: "odd/a!b'c*d+e#f%g&h=i.txt",
      headers: { Host: COS_HOST },
      expectHeaderList: 'host',
      expectParamList: '',
    },
    {
      n: 16,
      name: 'Host signed with the port (Node Domain: 127.0.0.1:PORT)',
      method: 'PUT',
      key: 'ported.txt',
      headers: { Host: '127.0.0.1:8080', 'Content-Length': '2' },
      expectHeaderList: 'content-length;host',
      expectParamList: '',
    },
    {
      n: 17,
      name: 'POST with response-* params and x-ci-* header',
      method: 'POST',
      key: 'workflow',
      query: { 'response-content-type': 'application/octet-stream', 'response-cache-control': 'max-age=600' },
      headers: { Host: CI_HOST, 'x-ci-security-token': 'tok/with+chars=', 'Content-Type': 'application/xml' },
      expectHeaderList: 'content-type;host;x-ci-security-token',
      expectParamList: 'response-cache-control;response-content-type',
    },
  ];

  for (const c of cases) {
    test(`#${c.n} ${c.method} ${c.name}`, () => {
      const sdkAuth = COS.getAuthorization({
        SecretId,
        SecretKey,
        // The SDK's typings omit HEAD; getAuth just lower-cases whatever method it gets.
        Method: c.method as COS.Method,
        Key: c.key,
        Query: c.query ?? {},
        Headers: c.headers ?? {},
        KeyTime,
        ...(c.bucket ? { Bucket: c.bucket, Region: c.region } : {}),
      });

      const signedNames = c.signed ?? Object.keys(c.headers ?? {});
      const signedHeaders: Record<string, string> = Object.fromEntries(signedNames.map((k) => [k, c.headers![k]!]));
      if (c.bucket) signedHeaders.host = `${c.bucket}.cos.${c.region}.myqcloud.com`;
      const ours = signRequest({
        secretId: SecretId,
        secretKey: SecretKey,
        method: c.method,
        decodedPath: '/' + c.key,
        query: c.query,
        headers: signedHeaders,
        startTime: START,
        endTime: END,
      });

      const sdkFields = parseAuthorization(sdkAuth);
      const ourFields = parseAuthorization(ours);
      assert.ok(sdkFields && ourFields);
      assert.equal(sdkFields.headerList.join(';'), c.expectHeaderList, 'SDK q-header-list');
      assert.equal(sdkFields.urlParamList.join(';'), c.expectParamList, 'SDK q-url-param-list');
      assert.deepEqual(ourFields.headerList, sdkFields.headerList, 'q-header-list');
      assert.deepEqual(ourFields.urlParamList, sdkFields.urlParamList, 'q-url-param-list');
      assert.equal(ourFields.signature, sdkFields.signature, 'q-signature');
      assert.equal(ours, sdkAuth, 'whole Authorization value');

      // The server, fed the request as the wire carries it, accepts the SDK's value…
      const query = c.query ?? {};
      const rawQuery = c.rawQuery ?? encodeQuery(Object.entries(query).map(([k, v]) => (v === '' && k === 'cancel' ? [k] : [k, v])));
      const url = encodeKeyPath(c.key) + (rawQuery ? `?${rawQuery}` : '');
      const wireHeaders: Record<string, string> = Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      wireHeaders.host ??= c.wireHost ?? COS_HOST;
      const request = { method: c.method, url, secretKey: SecretKey, nowSeconds: START + 60 };
      assert.equal(runVerify({ ...request, headers: { ...wireHeaders, authorization: sdkAuth } }), 'ok');
      // …and refuses it once one hex digit of the signature changes.
      const last = sdkAuth.slice(-1);
      const tampered = sdkAuth.slice(0, -1) + (last === '0' ? '1' : '0');
      assert.equal(runVerify({ ...request, headers: { ...wireHeaders, authorization: tampered } }), 'SignatureDoesNotMatch');
    });
  }

  test('#18 SDK default window (now-1;now+900) verifies at the current time', () => {
    const auth = COS.getAuthorization({ SecretId, SecretKey, Method: 'get', Key: 'now.txt', Headers: { Host: COS_HOST } });
    const f = parseAuthorization(auth)!;
    const w = parseTimeWindow(f.signTime)!;
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(w.start - (now - 1)) <= 2, `start ${w.start} vs now ${now}`);
    assert.equal(w.end - w.start, 900);
    const ours = signRequest({ secretId: SecretId, secretKey: SecretKey, method: 'GET', decodedPath: '/now.txt', headers: { host: COS_HOST }, startTime: w.start, endTime: w.end });
    assert.equal(ours, auth);
    assert.equal(runVerify({ method: 'GET', url: '/now.txt', headers: { host: COS_HOST, authorization: auth }, secretKey: SecretKey, nowSeconds: now }), 'ok');
    assert.equal(runVerify({ method: 'GET', url: '/now.txt', headers: { host: COS_HOST, authorization: auth }, secretKey: SecretKey, nowSeconds: w.end + 1 }), 'SignatureExpired');
  });
});

// ---------------------------------------------------------------------------
// (c) parseAuthorization
// ---------------------------------------------------------------------------

describe('(c) parseAuthorization', () => {
  const SIG = '3510cc8620527ea9219f80a023cd0810571afdab';
  const F = {
    alg: 'q-sign-algorithm=sha1',
    ak: 'q-ak=AKIDEXAMPLE',
    st: 'q-sign-time=1700000000;1700003600',
    kt: 'q-key-time=1700000000;1700003600',
    hl: 'q-header-list=content-type;host',
    pl: 'q-url-param-list=',
    sig: `q-signature=${SIG}`,
  };
  const expected = {
    algorithm: 'sha1',
    secretId: 'AKIDEXAMPLE',
    signTime: '1700000000;1700003600',
    keyTime: '1700000000;1700003600',
    headerList: ['content-type', 'host'],
    urlParamList: [],
    signature: SIG,
  };
  const join = (...parts: string[]) => parts.join('&');

  const good: Array<[number, string, string, object]> = [
    [1, 'SDK order', join(F.alg, F.ak, F.st, F.kt, F.hl, F.pl, F.sig), expected],
    [2, 'reversed order', join(F.sig, F.pl, F.hl, F.kt, F.st, F.ak, F.alg), expected],
    [3, 'shuffled order', join(F.hl, F.ak, F.sig, F.alg, F.kt, F.pl, F.st), expected],
    [4, 'lists omitted entirely', join(F.alg, F.ak, F.st, F.kt, F.sig), { ...expected, headerList: [] }],
    [5, 'upper-case field names and signature hex', join('Q-Sign-Algorithm=sha1', 'Q-AK=AKIDEXAMPLE', F.st, F.kt, F.hl, F.pl, `q-signature=${SIG.toUpperCase()}`), expected],
    [6, 'list names upper-case and padded are normalised', join(F.alg, F.ak, F.st, F.kt, 'q-header-list= Content-Type ; HOST ', 'q-url-param-list=QueueId;;size', F.sig), { ...expected, urlParamList: ['queueid', 'size'] }],
    [7, 'surrounding whitespace and a trailing &', `  ${join(F.alg, F.ak, F.st, F.kt, F.hl, F.pl, F.sig)}&  `, expected],
    [8, 'different sign-time and key-time kept apart', join(F.alg, F.ak, 'q-sign-time=1;2', 'q-key-time=3;4', F.hl, F.pl, F.sig), { ...expected, signTime: '1;2', keyTime: '3;4' }],
  ];
  for (const [n, name, value, want] of good) {
    test(`#${n} accepts: ${name}`, () => {
      assert.deepEqual(parseAuthorization(value), want);
    });
  }

  const all = [F.alg, F.ak, F.st, F.kt, F.hl, F.pl, F.sig];
  const without = (x: string) => join(...all.filter((p) => p !== x));
  const bad: Array<[number, string, string]> = [
    [9, 'missing q-sign-algorithm', without(F.alg)],
    [10, 'missing q-ak', without(F.ak)],
    [11, 'missing q-sign-time', without(F.st)],
    [12, 'missing q-key-time', without(F.kt)],
    [13, 'missing q-signature', without(F.sig)],
    [14, 'empty q-ak value', join(F.alg, 'q-ak=', F.st, F.kt, F.hl, F.pl, F.sig)],
    [15, 'empty q-signature value', join(F.alg, F.ak, F.st, F.kt, F.hl, F.pl, 'q-signature=')],
    [16, 'duplicated q-ak (different values)', join(F.alg, F.ak, 'q-ak=AKIDOTHER', F.st, F.kt, F.hl, F.pl, F.sig)],
    [17, 'duplicated q-signature (same value)', join(...all, F.sig)],
    [18, 'duplicated field differing only in case', join(...all, 'Q-AK=AKIDEXAMPLE')],
    [19, 'empty string', ''],
    [20, 'garbage word', 'garbage'],
    [21, 'Bearer token', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
    [22, 'AWS v4 header', 'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc'],
    [23, 'a part without =', join(...all, 'q-oops')],
    [24, 'a part with an empty name', join(...all, '=x')],
    [25, 'JSON', JSON.stringify({ 'q-ak': 'AKIDEXAMPLE', 'q-signature': SIG })],
  ];
  for (const [n, name, value] of bad) {
    test(`#${n} refuses: ${name}`, () => {
      assert.equal(parseAuthorization(value), undefined);
    });
  }
});
