import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostname, resolveAddress, type Address, type AddressingOptions } from '../../../src/http/addressing.ts';
import { ApiError } from '../../../src/http/errors/api-error.ts';
import { hasQuery, parseRequestTarget, queryValue, type RequestTarget } from '../../../src/http/request-target.ts';

/**
 * Host → address (spec/README.md "Endpoints / hosts", spec/clients.md §1) and
 * request-target parsing (origin-form, absolute-form, percent-decoding).
 */

const OPTS: AddressingOptions = { domainSuffixes: ['myqcloud.com'], defaultBucket: undefined, defaultRegion: 'ap-guangzhou' };
const CUSTOM: AddressingOptions = { domainSuffixes: ['myqcloud.com', 'audio.example.internal'], defaultBucket: undefined, defaultRegion: 'ap-guangzhou' };
const DEFAULT_BUCKET: AddressingOptions = { domainSuffixes: ['myqcloud.com'], defaultBucket: 'local-1250000000', defaultRegion: 'ap-shanghai' };

const errorName = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.errorName;
    throw e;
  }
  return 'no error';
};

describe('resolveAddress', () => {
  const ok: Array<[number, string, string, string, AddressingOptions, Address]> = [
    [1, 'CI bucket host', 'examplebucket-1250000000.ci.ap-chongqing.myqcloud.com', '/jobs', OPTS, { kind: 'ci-bucket', bucket: 'examplebucket-1250000000', region: 'ap-chongqing' }],
    [2, 'CI regional host', 'ci.ap-chongqing.myqcloud.com', '/asrbucket', OPTS, { kind: 'ci-regional', region: 'ap-chongqing' }],
    [3, 'COS bucket host, nested key', 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com', '/dir/a b(腾讯云).mp3', OPTS, { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-beijing', key: 'dir/a b(腾讯云).mp3' }],
    [4, 'COS bucket host, bucket root', 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com', '/', OPTS, { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-beijing', key: '' }],
    [5, 'COS service host', 'cos.ap-beijing.myqcloud.com', '/', OPTS, { kind: 'cos-service', region: 'ap-beijing' }],
    [6, 'Host with :port', 'examplebucket-1250000000.ci.ap-chongqing.myqcloud.com:8080', '/jobs', OPTS, { kind: 'ci-bucket', bucket: 'examplebucket-1250000000', region: 'ap-chongqing' }],
    [7, 'Host with :443 on the regional host', 'ci.ap-shanghai.myqcloud.com:443', '/asrbucket', OPTS, { kind: 'ci-regional', region: 'ap-shanghai' }],
    [8, 'upper-case Host is lower-cased', 'ExampleBucket-1250000000.CI.AP-Chongqing.MyQcloud.com', '/jobs', OPTS, { kind: 'ci-bucket', bucket: 'examplebucket-1250000000', region: 'ap-chongqing' }],
    [9, 'custom suffix, CI bucket', 'examplebucket-1250000000.ci.ap-chongqing.audio.example.internal', '/template', CUSTOM, { kind: 'ci-bucket', bucket: 'examplebucket-1250000000', region: 'ap-chongqing' }],
    [10, 'custom suffix, COS bucket with port', 'b-1.cos.local.audio.example.internal:9000', '/k', CUSTOM, { kind: 'cos-bucket', bucket: 'b-1', region: 'local', key: 'k' }],
    [11, 'default suffix still works next to a custom one', 'ci.ap-beijing.myqcloud.com', '/asrbucket', CUSTOM, { kind: 'ci-regional', region: 'ap-beijing' }],
    [12, 'IP host + default bucket (Node Domain option)', '127.0.0.1:8080', '/dir/k.txt', DEFAULT_BUCKET, { kind: 'cos-bucket', bucket: 'local-1250000000', region: 'ap-shanghai', key: 'dir/k.txt' }],
    [13, 'IP host + default bucket, first segment is NOT a bucket', '127.0.0.1:8080', '/other-1250000000/k', DEFAULT_BUCKET, { kind: 'cos-bucket', bucket: 'local-1250000000', region: 'ap-shanghai', key: 'other-1250000000/k' }],
    [14, 'path-style: bucket and key', '127.0.0.1:8080', '/examplebucket-1250000000/dir/k.txt', OPTS, { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', key: 'dir/k.txt' }],
    [15, 'path-style: bucket only', 'localhost', '/examplebucket-1250000000', OPTS, { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', key: '' }],
    [16, 'path-style: bucket with trailing slash', 'localhost', '/examplebucket-1250000000/', OPTS, { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', key: '' }],
    [17, 'path-style: root is the service (every region)', '[::1]:8080', '/', OPTS, { kind: 'cos-service', region: undefined }],
    [18, 'bare suffix is "any other host" (path-style)', 'myqcloud.com', '/examplebucket-1250000000/k', OPTS, { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', key: 'k' }],
    [19, 'look-alike domain is not the suffix', 'examplebucket-1250000000.ci.ap-chongqing.notmyqcloud.com', '/x-1/k', OPTS, { kind: 'cos-bucket', bucket: 'x-1', region: 'ap-guangzhou', key: 'k' }],
    [20, 'shortest valid bucket name', 'a-1.ci.ap-chongqing.myqcloud.com', '/jobs', OPTS, { kind: 'ci-bucket', bucket: 'a-1', region: 'ap-chongqing' }],
    [21.1, 'the all-regions service host of getService without a Region', 'service.cos.myqcloud.com', '/', OPTS, { kind: 'cos-service', region: undefined }],
    [21.2, 'the all-regions service host on a custom suffix', 'service.cos.audio.example.internal:9000', '/', CUSTOM, { kind: 'cos-service', region: undefined }],
    [21, 'bucket with several dashes', 'my-audio-bucket-1250000000.cos.ap-guangzhou.myqcloud.com', '/k', OPTS, { kind: 'cos-bucket', bucket: 'my-audio-bucket-1250000000', region: 'ap-guangzhou', key: 'k' }],
  ];
  for (const [n, name, host, path, opts, want] of ok) {
    test(`#${n} ${name}: ${host} ${path}`, () => {
      assert.deepEqual(resolveAddress(host, path, opts), want);
    });
  }

  const bad: Array<[number, string, string, string, AddressingOptions, string]> = [
    [22, 'bucket without APPID', 'examplebucket.ci.ap-chongqing.myqcloud.com', '/jobs', OPTS, 'InvalidBucketName'],
    [23, 'bucket with underscore', 'example_bucket-1250000000.cos.ap-chongqing.myqcloud.com', '/k', OPTS, 'InvalidBucketName'],
    [24, 'bucket starting with a dash', '-abc-1250000000.ci.ap-chongqing.myqcloud.com', '/jobs', OPTS, 'InvalidBucketName'],
    [25, 'bucket APPID not numeric', 'examplebucket-12500000ab.ci.ap-chongqing.myqcloud.com', '/jobs', OPTS, 'InvalidBucketName'],
    [26, 'bucket name part too long (51 chars)', `${'a'.repeat(51)}-1250000000.cos.ap-chongqing.myqcloud.com`, '/k', OPTS, 'InvalidBucketName'],
    [27, 'region with underscore', 'examplebucket-1250000000.ci.ap_chongqing.myqcloud.com', '/jobs', OPTS, 'InvalidHost'],
    [28, 'region ending with dash (regional host)', 'ci.ap-chongqing-.myqcloud.com', '/asrbucket', OPTS, 'InvalidHost'],
    [29, 'empty region label', 'examplebucket-1250000000.ci..myqcloud.com', '/jobs', OPTS, 'InvalidHost'],
    [30, 'service other than ci|cos', 'examplebucket-1250000000.vod.ap-chongqing.myqcloud.com', '/jobs', OPTS, 'InvalidHost'],
    [31, 'too many labels under the suffix', 'x.examplebucket-1250000000.ci.ap-chongqing.myqcloud.com', '/jobs', OPTS, 'InvalidHost'],
    [32, 'single label under the suffix', 'www.myqcloud.com', '/', OPTS, 'InvalidHost'],
    [33, 'two labels, first not ci|cos', 'service.ap-chongqing.myqcloud.com', '/', OPTS, 'InvalidHost'],
    [34, 'path-style: first segment not a bucket', 'localhost:8080', '/notabucket/k', OPTS, 'InvalidBucketName'],
    [35, 'path-style: upper-case bucket', 'localhost:8080', '/ExampleBucket-1250000000/k', OPTS, 'InvalidBucketName'],
  ];
  for (const [n, name, host, path, opts, want] of bad) {
    test(`#${n} ${name} → ${want}`, () => {
      assert.equal(errorName(() => resolveAddress(host, path, opts)), want);
    });
  }

  test('#36 the documented wire codes: InvalidHost is 400 (COS InvalidURI), InvalidBucketName 400', () => {
    const e = new ApiError('InvalidHost');
    assert.deepEqual([e.wire('ci').status, e.wire('ci').code, e.wire('cos').code], [400, 'InvalidHost', 'InvalidURI']);
    const b = new ApiError('InvalidBucketName');
    assert.deepEqual([b.wire('ci').status, b.wire('ci').code, b.wire('cos').code], [400, 'InvalidArgument', 'InvalidBucketName']);
  });

  test('#37 hostname(): strips port, lower-cases, keeps IPv6 brackets', () => {
    assert.equal(hostname('Example.COM:8080'), 'example.com');
    assert.equal(hostname('example.com'), 'example.com');
    assert.equal(hostname('[::1]:8080'), '[::1]');
    assert.equal(hostname('[::1]'), '[::1]');
    assert.equal(hostname(' 127.0.0.1:80 '), '127.0.0.1');
  });
});

describe('parseRequestTarget', () => {
  const q = (t: RequestTarget) => t.query.map((p) => [p.key, p.value]);
  const ok: Array<[number, string, string, Partial<RequestTarget> & { q?: string[][] }]> = [
    [38, 'origin-form, no query', '/jobs', { rawPath: '/jobs', decodedPath: '/jobs', absoluteHost: undefined, q: [] }],
    [39, 'origin-form with query (order kept)', '/jobs?queueId=p1&tag=VoiceSeparate&size=10', { decodedPath: '/jobs', q: [['queueId', 'p1'], ['tag', 'VoiceSeparate'], ['size', '10']] }],
    [40, 'value-less parameter ?cancel', '/jobs/j1?cancel', { decodedPath: '/jobs/j1', q: [['cancel', '']] }],
    [41, 'empty values sent by the SDKs', '/asrqueue?queueIds=&state=All&pageNumber=1', { q: [['queueIds', ''], ['state', 'All'], ['pageNumber', '1']] }],
    [42, 'first = splits, later = belong to the value', '/x?a=b=c', { q: [['a', 'b=c']] }],
    [43, 'empty pieces between & skipped', '/x?&a=1&&b=2&', { q: [['a', '1'], ['b', '2']] }],
    [44, '+ is a space in names and values, %2B a plus', '/x?my+key=a+b%2Bc', { q: [['my key', 'a b+c']] }],
    [45, 'duplicate names kept', '/x?a=1&a=2', { q: [['a', '1'], ['a', '2']] }],
    [46, 'percent-decoded CJK path, raw path kept', '/%E9%9F%B3%E9%A2%91/a%20b%281%29.mp3', { rawPath: '/%E9%9F%B3%E9%A2%91/a%20b%281%29.mp3', decodedPath: '/音频/a b(1).mp3' }],
    [47, '%2F in the path decodes to / (decoded once)', '/dir%2Fsub/k%252F', { rawPath: '/dir%2Fsub/k%252F', decodedPath: '/dir/sub/k%2F' }],
    [48, '+ in the path stays +', '/a+b.txt', { decodedPath: '/a+b.txt' }],
    [49, 'lower-case hex decodes', '/x?prefix=dir%2fsub', { q: [['prefix', 'dir/sub']] }],
    [50, 'absolute-form (proxy)', 'http://examplebucket-1250000000.ci.ap-chongqing.myqcloud.com/jobs?size=10', { absoluteHost: 'examplebucket-1250000000.ci.ap-chongqing.myqcloud.com', rawPath: '/jobs', decodedPath: '/jobs', q: [['size', '10']] }],
    [51, 'absolute-form with port, https, upper-case scheme', 'HTTPS://ci.ap-beijing.myqcloud.com:443/asrbucket', { absoluteHost: 'ci.ap-beijing.myqcloud.com:443', rawPath: '/asrbucket' }],
    [52, 'absolute-form with userinfo dropped', 'http://user:pw@b-1.cos.r.myqcloud.com/k', { absoluteHost: 'b-1.cos.r.myqcloud.com', rawPath: '/k' }],
    [53, 'absolute-form without a path', 'http://cos.ap-beijing.myqcloud.com', { absoluteHost: 'cos.ap-beijing.myqcloud.com', rawPath: '/', decodedPath: '/' }],
    [54, 'absolute-form with a query but no path', 'http://cos.ap-beijing.myqcloud.com?a=1', { absoluteHost: 'cos.ap-beijing.myqcloud.com', rawPath: '/', q: [['a', '1']] }],
    [55, 'absolute-form with a CJK key', 'http://b-1.cos.r.myqcloud.com/%E8%85%BE%E8%AE%AF%E4%BA%91.txt', { decodedPath: '/腾讯云.txt' }],
    [56, 'percent-encoded query name', '/x?response-content-type=application%2Foctet-stream&%E5%90%8D=%E5%80%BC', { q: [['response-content-type', 'application/octet-stream'], ['名', '值']] }],
  ];
  for (const [n, name, url, want] of ok) {
    test(`#${n} ${name}: ${url}`, () => {
      const t = parseRequestTarget(url);
      const { q: wantQ, ...rest } = want;
      for (const [k, v] of Object.entries(rest)) assert.equal(t[k as keyof RequestTarget], v, k);
      if (wantQ) assert.deepEqual(q(t), wantQ);
    });
  }

  const bad: Array<[number, string, string]> = [
    [57, 'truncated UTF-8 in the path', '/%E8%85'],
    [58, 'non-hex escape in the path', '/a%zzb'],
    [59, 'lone % at the end of the path', '/a%'],
    [60, 'invalid UTF-8 byte in the path', '/%FF.txt'],
    [61, 'bad escape in a query name', '/x?%E8=1'],
    [62, 'bad escape in a query value', '/x?a=%G1'],
    [63, 'bad escape in an absolute-form path', 'http://b-1.cos.r.myqcloud.com/%C0'],
  ];
  for (const [n, name, url] of bad) {
    test(`#${n} ${name} → InvalidURI`, () => {
      assert.equal(errorName(() => parseRequestTarget(url)), 'InvalidURI');
    });
  }

  test('#64 queryValue / hasQuery are case-insensitive (spec/README.md)', () => {
    const t = parseRequestTarget('/jobs?QueueId=p1&Tag=VoiceSeparate&cancel');
    assert.equal(queryValue(t.query, 'queueId'), 'p1');
    assert.equal(queryValue(t.query, 'TAG'), 'VoiceSeparate');
    assert.equal(queryValue(t.query, 'size'), undefined);
    assert.equal(hasQuery(t.query, 'CANCEL'), true);
    assert.equal(hasQuery(t.query, 'nextToken'), false);
  });

  test('#65 addressing of a full request: absolute-form authority drives resolveAddress', () => {
    const t = parseRequestTarget('http://examplebucket-1250000000.cos.ap-chengdu.myqcloud.com/%E9%9F%B3%E9%A2%91%2F1.mp3?x=1');
    assert.deepEqual(resolveAddress(t.absoluteHost!, t.decodedPath, OPTS), { kind: 'cos-bucket', bucket: 'examplebucket-1250000000', region: 'ap-chengdu', key: '音频/1.mp3' });
  });
});
