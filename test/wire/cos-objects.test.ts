import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { APPID, REGION, call, cosClient, startTestServer, type AddressingMode, type TestServer } from '../helpers/server.ts';

/**
 * COS object API through the official SDK (spec/cos-objects.md), in each Node
 * addressing mode of spec/clients.md §1.
 */
const MODES: AddressingMode[] = ['ip', 'proxy', 'domain'];

for (const mode of MODES) {
  describe(`COS objects via cos-nodejs-sdk-v5 (${mode} addressing)`, () => {
    const Bucket = `objects-${mode}-${APPID}`;
    const Region = REGION;
    let server: TestServer;
    let cos: ReturnType<typeof cosClient>;

    before(async () => {
      // The Domain mode sends Host: 127.0.0.1:PORT, which needs a default bucket.
      server = await startTestServer(mode === 'domain' ? { 'default-bucket': Bucket, 'default-region': Region } : {});
      cos = cosClient(server.port, mode);
      const { err } = await call(cos, 'putBucket', { Bucket, Region });
      assert.equal(err, null);
    });
    after(() => server.close());

    test('1. putBucket twice is refused with BucketAlreadyExists', async () => {
      const { err } = await call(cos, 'putBucket', { Bucket, Region });
      assert.equal(err?.statusCode, 409);
      assert.equal(err?.code, 'BucketAlreadyExists');
    });

    test('2. headBucket answers 200 for an existing bucket', async () => {
      const { err, data } = await call(cos, 'headBucket', { Bucket, Region });
      assert.equal(err, null);
      assert.equal(data.statusCode, 200);
    });

    test('3. putObject returns ETag = MD5 and keeps Content-Type and x-cos-meta-*', async () => {
      const body = Buffer.from('hello smart audio '.repeat(100));
      const Key = 'input/腾讯 云 (1).txt';
      const { err, data } = await call(cos, 'putObject', {
        Bucket, Region, Key, Body: body, ContentType: 'text/plain; charset=utf-8', Headers: { 'x-cos-meta-origin': 'unit-test', 'Cache-Control': 'max-age=60' },
      });
      assert.equal(err, null);
      assert.equal(data.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
      const head = await call(cos, 'headObject', { Bucket, Region, Key });
      assert.equal(head.err, null);
      assert.equal(head.data.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(head.data.headers['x-cos-meta-origin'], 'unit-test');
      assert.equal(head.data.headers['cache-control'], 'max-age=60');
      assert.equal(head.data.headers['content-length'], String(body.length));
      assert.match(head.data.headers['x-cos-hash-crc64ecma'], /^\d+$/);
      const got = await call(cos, 'getObject', { Bucket, Region, Key });
      assert.equal(got.err, null);
      assert.deepEqual(got.data.Body, body);
    });

    test('4. getObject honours Range (first-last, open-ended, suffix) and refuses unsatisfiable ranges', async () => {
      const body = Buffer.from('0123456789abcdefghij');
      await call(cos, 'putObject', { Bucket, Region, Key: 'range.bin', Body: body });
      const cases: Array<[string, string, string]> = [
        ['bytes=0-4', '01234', 'bytes 0-4/20'],
        ['bytes=15-', 'fghij', 'bytes 15-19/20'],
        ['bytes=-3', 'hij', 'bytes 17-19/20'],
        ['bytes=18-100', 'ij', 'bytes 18-19/20'],
      ];
      for (const [Range, want, contentRange] of cases) {
        const { err, data } = await call(cos, 'getObject', { Bucket, Region, Key: 'range.bin', Range });
        assert.equal(err, null, Range);
        assert.equal(data.statusCode, 206, Range);
        assert.equal(data.Body.toString(), want, Range);
        assert.equal(data.headers['content-range'], contentRange, Range);
      }
      const bad = await call(cos, 'getObject', { Bucket, Region, Key: 'range.bin', Range: 'bytes=20-30' });
      assert.equal(bad.err?.statusCode, 416);
      assert.equal(bad.err?.code, 'InvalidRange');
    });

    test('5. getObject/headObject of a missing key: 404 NoSuchKey', async () => {
      const g = await call(cos, 'getObject', { Bucket, Region, Key: 'missing/key.wav' });
      assert.equal(g.err?.statusCode, 404);
      assert.equal(g.err?.code, 'NoSuchKey');
      const h = await call(cos, 'headObject', { Bucket, Region, Key: 'missing/key.wav' });
      assert.equal(h.err?.statusCode, 404);
    });

    test('6. putObject replaces an object; deleteObject removes it and is idempotent', async () => {
      await call(cos, 'putObject', { Bucket, Region, Key: 'replace.txt', Body: Buffer.from('one') });
      await call(cos, 'putObject', { Bucket, Region, Key: 'replace.txt', Body: Buffer.from('two!') });
      const got = await call(cos, 'getObject', { Bucket, Region, Key: 'replace.txt' });
      assert.equal(got.data.Body.toString(), 'two!');
      const del = await call(cos, 'deleteObject', { Bucket, Region, Key: 'replace.txt' });
      assert.equal(del.err, null);
      assert.equal(del.data.statusCode, 204);
      const again = await call(cos, 'deleteObject', { Bucket, Region, Key: 'replace.txt' });
      assert.equal(again.err, null);
      const gone = await call(cos, 'headObject', { Bucket, Region, Key: 'replace.txt' });
      assert.equal(gone.err?.statusCode, 404);
    });

    test('7. getBucket lists with prefix, delimiter, marker and max-keys', async () => {
      const keys = ['list/a.mp3', 'list/b.mp3', 'list/sub/c.mp3', 'list/sub/d.mp3', 'list/sub2/e.mp3', 'list/z.mp3'];
      for (const Key of keys) await call(cos, 'putObject', { Bucket, Region, Key, Body: Buffer.from(Key) });
      const all = await call(cos, 'getBucket', { Bucket, Region, Prefix: 'list/' });
      assert.deepEqual(all.data.Contents.map((c: { Key: string }) => c.Key), keys);
      assert.equal(all.data.IsTruncated, 'false');
      const grouped = await call(cos, 'getBucket', { Bucket, Region, Prefix: 'list/', Delimiter: '/' });
      assert.deepEqual(grouped.data.Contents.map((c: { Key: string }) => c.Key), ['list/a.mp3', 'list/b.mp3', 'list/z.mp3']);
      assert.deepEqual(grouped.data.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix), ['list/sub/', 'list/sub2/']);
      // Paging with max-keys: contents and common prefixes count together, NextMarker resumes.
      const seen: string[] = [];
      let Marker = '';
      for (let page = 0; page < 10; page++) {
        const r = await call(cos, 'getBucket', { Bucket, Region, Prefix: 'list/', Delimiter: '/', MaxKeys: 2, Marker });
        assert.equal(r.err, null);
        seen.push(...r.data.Contents.map((c: { Key: string }) => c.Key), ...r.data.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix));
        if (r.data.IsTruncated !== 'true') break;
        Marker = r.data.NextMarker;
      }
      assert.deepEqual(seen.sort(), ['list/a.mp3', 'list/b.mp3', 'list/sub/', 'list/sub2/', 'list/z.mp3']);
      const after = await call(cos, 'getBucket', { Bucket, Region, Prefix: 'list/', Marker: 'list/sub/d.mp3' });
      assert.deepEqual(after.data.Contents.map((c: { Key: string }) => c.Key), ['list/sub2/e.mp3', 'list/z.mp3']);
      const etag = all.data.Contents[0].ETag;
      assert.equal(etag, `"${createHash('md5').update('list/a.mp3').digest('hex')}"`);
    });

    // The SDK's getService goes to service.cos.myqcloud.com (no Region) or cos.<Region>.myqcloud.com:
    // reachable through the Ip and Proxy options; with Domain it would leave for the real COS.
    test('7.1 getService lists every region\'s buckets on service.cos…, one region\'s on cos.<Region>…', { skip: mode === 'domain' }, async () => {
      const elsewhere = `objects-${mode}-bj-${APPID}`;
      assert.equal((await call(cos, 'putBucket', { Bucket: elsewhere, Region: 'ap-beijing' })).err, null);
      const all = await call(cos, 'getService', {});
      assert.equal(all.err, null, JSON.stringify(all.err?.error));
      const names = (r: typeof all) => (r.data.Buckets as Array<{ Name: string; Location: string }>).map((b) => `${b.Name}@${b.Location}`).sort();
      assert.deepEqual(names(all), [`${Bucket}@${Region}`, `${elsewhere}@ap-beijing`].sort());
      assert.equal(all.data.Owner.DisplayName, APPID);
      const bj = await call(cos, 'getService', { Region: 'ap-beijing' });
      assert.equal(bj.err, null);
      assert.deepEqual(names(bj), [`${elsewhere}@ap-beijing`]);
      const here = await call(cos, 'getService', { Region });
      assert.deepEqual(names(here), [`${Bucket}@${Region}`]);
      assert.equal((await call(cos, 'deleteBucket', { Bucket: elsewhere, Region: 'ap-beijing' })).err, null);
    });

    test('7.2 deleteMultipleObject deletes listed keys (missing ones count as deleted), reports bad keys, and is quiet on request', async () => {
      for (const Key of ['multi/a', 'multi/b', 'multi/c']) assert.equal((await call(cos, 'putObject', { Bucket, Region, Key, Body: Buffer.from(Key) })).err, null);
      const res = await call(cos, 'deleteMultipleObject', { Bucket, Region, Objects: [{ Key: 'multi/a' }, { Key: 'multi/never' }, { Key: 'multi/../x' }] });
      assert.equal(res.err, null, JSON.stringify(res.err?.error));
      assert.deepEqual(res.data.Deleted.map((d: { Key: string }) => d.Key), ['multi/a', 'multi/never']);
      assert.deepEqual(res.data.Error.map((e: { Key: string; Code: string }) => [e.Key, e.Code]), [['multi/../x', 'InvalidURI']]);
      const quiet = await call(cos, 'deleteMultipleObject', { Bucket, Region, Quiet: true, Objects: [{ Key: 'multi/b' }, { Key: 'multi/c' }] });
      assert.equal(quiet.err, null);
      assert.deepEqual(quiet.data.Deleted, []);
      assert.deepEqual(quiet.data.Error, []);
      const left = await call(cos, 'getBucket', { Bucket, Region, Prefix: 'multi/' });
      assert.deepEqual(left.data.Contents, []);
    });

    test('8. a getObject of a bucket that does not exist: 404 NoSuchBucket', { skip: mode === 'domain' }, async () => {
      const { err } = await call(cos, 'getObject', { Bucket: `nosuch-${APPID}`, Region, Key: 'x' });
      assert.equal(err?.statusCode, 404);
      assert.equal(err?.code, 'NoSuchBucket');
    });

    test('9. conditional GET/HEAD (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since) and response-* overrides', async () => {
      const put = await call(cos, 'putObject', { Bucket, Region, Key: 'cond.txt', Body: Buffer.from('conditional'), ContentType: 'text/plain' });
      assert.equal(put.err, null);
      const etag = put.data.ETag as string;
      const future = new Date(Date.now() + 3600_000).toUTCString();
      const past = new Date(Date.now() - 3600_000).toUTCString();
      const cases: Array<[string, Record<string, string>, number]> = [
        ['If-None-Match matches', { IfNoneMatch: etag }, 304],
        ['If-None-Match differs', { IfNoneMatch: '"0000"' }, 200],
        ['If-Match differs', { IfMatch: '"0000"' }, 412],
        ['If-Match matches', { IfMatch: etag }, 200],
        ['If-Modified-Since in the future', { IfModifiedSince: future }, 304],
        ['If-Unmodified-Since in the past', { IfUnmodifiedSince: past }, 412],
      ];
      for (const method of ['getObject', 'headObject']) {
        for (const [what, params, status] of cases) {
          const { err, data } = await call(cos, method, { Bucket, Region, Key: 'cond.txt', ...params });
          // The SDK reports some 304s as data {NotModified: true}.
          const got = data?.NotModified === true ? 304 : (err?.statusCode ?? data?.statusCode);
          assert.equal(got, status, `${method}: ${what}: ${JSON.stringify(err ?? data)?.slice(0, 300)}`);
          // HEAD errors carry no body, so the SDK has only the status there.
          if (status === 412 && method === 'getObject') assert.equal(err?.code, 'PreconditionFailed');
          if (status === 200 && method === 'getObject') assert.equal(data.Body.toString(), 'conditional', what);
        }
      }
      const over = await call(cos, 'getObject', { Bucket, Region, Key: 'cond.txt', ResponseContentType: 'application/x-test', ResponseCacheControl: 'no-store' });
      assert.equal(over.err, null);
      assert.equal(over.data.headers['content-type'], 'application/x-test');
      assert.equal(over.data.headers['cache-control'], 'no-store');
      assert.equal(over.data.Body.toString(), 'conditional');
    });
  });
}
