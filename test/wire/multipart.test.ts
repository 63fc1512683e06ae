import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rawRequest } from '../helpers/raw-http.ts';
import { APPID, REGION, call, cosClient, startTestServer, type AddressingMode, type TestServer } from '../helpers/server.ts';

/**
 * COS multipart upload through the official SDK (src/api/multipart.ts): the
 * SDK's everyday `uploadFile`/`sliceUploadFile` (multipart above 1 MB), and
 * each call on its own with its documented errors. Runs on every storage and
 * store backend the suite is pointed at (TEST_STORAGE, TEST_STORE).
 */
const MB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const multipartEtag = (parts: Buffer[]) => `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-${parts.length}"`;

for (const mode of ['ip', 'proxy'] as AddressingMode[]) {
  describe(`multipart upload via cos-nodejs-sdk-v5 (${mode} addressing)`, () => {
    const Bucket = `multipart-${mode}-${APPID}`;
    const Region = REGION;
    let server: TestServer;
    let cos: ReturnType<typeof cosClient>;
    const work = mkdtempSync(join(tmpdir(), 'smart-audio-multipart-'));

    before(async () => {
      server = await startTestServer();
      cos = cosClient(server.port, mode);
      assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    });
    after(async () => {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    });

    test('1. uploadFile of a 3.5 MB file slices it; the object reads back byte for byte with its type, metadata and a multipart ETag', async () => {
      const body = randomBytes(3.5 * MB);
      const file = join(work, 'song.bin');
      writeFileSync(file, body);
      let progressed = 0;
      const up = await call(cos, 'uploadFile', {
        Bucket, Region, Key: 'in/song.bin', FilePath: file, SliceSize: MB, ChunkSize: MB,
        ContentType: 'audio/mpeg', Headers: { 'x-cos-meta-artist': 'someone' },
        onProgress: (p: { percent: number }) => { progressed = Math.max(progressed, p.percent); },
      });
      assert.equal(up.err, null, JSON.stringify(up.err?.error ?? up.err));
      const parts = [0, 1, 2, 3].map((i) => body.subarray(i * MB, Math.min(body.length, (i + 1) * MB)));
      assert.equal(up.data.ETag, multipartEtag(parts));
      assert.equal(progressed, 1);
      const got = await call(cos, 'getObject', { Bucket, Region, Key: 'in/song.bin' });
      assert.equal(got.err, null);
      assert.equal(md5(got.data.Body), md5(body));
      assert.equal(got.data.headers['content-type'], 'audio/mpeg');
      assert.equal(got.data.headers['x-cos-meta-artist'], 'someone');
      assert.equal(got.data.ETag, multipartEtag(parts));
      // A Range read across a part boundary.
      const range = await call(cos, 'getObject', { Bucket, Region, Key: 'in/song.bin', Range: `bytes=${MB - 10}-${MB + 9}` });
      assert.equal(range.data.statusCode, 206);
      assert.deepEqual(range.data.Body, body.subarray(MB - 10, MB + 10));
      // Nothing left in progress.
      const list = await call(cos, 'multipartList', { Bucket, Region });
      assert.deepEqual(list.data.Upload, []);
    });

    test('2. the calls one by one: init, parts (one replaced), list parts, complete; ListParts then says NoSuchUpload', async () => {
      const init = await call(cos, 'multipartInit', { Bucket, Region, Key: 'dir/manual.wav', ContentType: 'audio/wav' });
      assert.equal(init.err, null, JSON.stringify(init.err?.error));
      const UploadId = init.data.UploadId as string;
      assert.match(UploadId, /^\d{10}[0-9a-f]{56}$/);
      const p1 = randomBytes(MB + 7);
      const p2 = randomBytes(1000);
      const first = await call(cos, 'multipartUpload', { Bucket, Region, Key: 'dir/manual.wav', UploadId, PartNumber: 1, Body: randomBytes(MB) });
      assert.equal(first.err, null);
      // The same part number again: the last body wins.
      const up1 = await call(cos, 'multipartUpload', { Bucket, Region, Key: 'dir/manual.wav', UploadId, PartNumber: 1, Body: p1 });
      assert.equal(up1.data.ETag, `"${md5(p1)}"`);
      const up2 = await call(cos, 'multipartUpload', { Bucket, Region, Key: 'dir/manual.wav', UploadId, PartNumber: 2, Body: p2 });
      assert.equal(up2.data.ETag, `"${md5(p2)}"`);

      const listed = await call(cos, 'multipartListPart', { Bucket, Region, Key: 'dir/manual.wav', UploadId });
      assert.equal(listed.err, null);
      assert.deepEqual(listed.data.Part.map((p: { PartNumber: string; ETag: string; Size: string }) => [p.PartNumber, p.ETag, p.Size]), [['1', `"${md5(p1)}"`, String(p1.length)], ['2', `"${md5(p2)}"`, String(p2.length)]]);
      const page = await call(cos, 'multipartListPart', { Bucket, Region, Key: 'dir/manual.wav', UploadId, MaxParts: 1 });
      assert.equal(page.data.IsTruncated, 'true');
      assert.equal(page.data.NextPartNumberMarker, '1');
      const rest = await call(cos, 'multipartListPart', { Bucket, Region, Key: 'dir/manual.wav', UploadId, PartNumberMarker: 1 });
      assert.deepEqual(rest.data.Part.map((p: { PartNumber: string }) => p.PartNumber), ['2']);

      const uploads = await call(cos, 'multipartList', { Bucket, Region, Prefix: 'dir/' });
      assert.deepEqual(uploads.data.Upload.map((u: { Key: string; UploadId: string }) => [u.Key, u.UploadId]), [['dir/manual.wav', UploadId]]);

      const done = await call(cos, 'multipartComplete', { Bucket, Region, Key: 'dir/manual.wav', UploadId, Parts: [{ PartNumber: 1, ETag: up1.data.ETag }, { PartNumber: 2, ETag: up2.data.ETag }] });
      assert.equal(done.err, null, JSON.stringify(done.err?.error));
      assert.equal(done.data.ETag, multipartEtag([p1, p2]));
      assert.equal(done.data.Key, 'dir/manual.wav');
      const head = await call(cos, 'headObject', { Bucket, Region, Key: 'dir/manual.wav' });
      assert.equal(head.data.headers['content-length'], String(p1.length + p2.length));
      assert.equal(head.data.headers['content-type'], 'audio/wav');
      const got = await call(cos, 'getObject', { Bucket, Region, Key: 'dir/manual.wav' });
      assert.equal(md5(got.data.Body), md5(Buffer.concat([p1, p2])));

      const gone = await call(cos, 'multipartListPart', { Bucket, Region, Key: 'dir/manual.wav', UploadId });
      assert.equal(gone.err?.statusCode, 404);
      assert.equal(gone.err?.code, 'NoSuchUpload');
      const late = await call(cos, 'multipartUpload', { Bucket, Region, Key: 'dir/manual.wav', UploadId, PartNumber: 3, Body: p2 });
      assert.equal(late.err?.code, 'NoSuchUpload');
    });

    test('3. Complete refuses parts out of order, unknown parts, wrong ETags and small middle parts, and keeps the upload', async () => {
      const Key = 'bad/complete.bin';
      const { data } = await call(cos, 'multipartInit', { Bucket, Region, Key });
      const UploadId = data.UploadId as string;
      const small = randomBytes(10);
      const big = randomBytes(MB);
      const e1 = (await call(cos, 'multipartUpload', { Bucket, Region, Key, UploadId, PartNumber: 1, Body: small })).data.ETag;
      const e2 = (await call(cos, 'multipartUpload', { Bucket, Region, Key, UploadId, PartNumber: 2, Body: big })).data.ETag;
      const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) => call(cos, 'multipartComplete', { Bucket, Region, Key, UploadId, Parts });
      const order = await complete([{ PartNumber: 2, ETag: e2 }, { PartNumber: 1, ETag: e1 }]);
      assert.equal(order.err?.statusCode, 400);
      assert.equal(order.err?.code, 'InvalidPartOrder');
      const unknown = await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 3, ETag: e2 }]);
      assert.equal(unknown.err?.code, 'InvalidPart');
      const wrong = await complete([{ PartNumber: 1, ETag: `"${md5(big)}"` }]);
      assert.equal(wrong.err?.code, 'InvalidPart');
      const tooSmall = await complete([{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }]);
      assert.equal(tooSmall.err?.code, 'EntityTooSmall');
      assert.equal((await call(cos, 'headObject', { Bucket, Region, Key })).err?.statusCode, 404, 'no object was written');
      // The upload is intact: the last part may be small.
      const ok = await complete([{ PartNumber: 2, ETag: e2 }]);
      assert.equal(ok.err, null, JSON.stringify(ok.err?.error));
      assert.equal((await call(cos, 'headObject', { Bucket, Region, Key })).data.headers['content-length'], String(MB));
      // A bad part number is refused before any body is read.
      const bad = await call(cos, 'multipartUpload', { Bucket, Region, Key, UploadId: 'nope', PartNumber: 10001, Body: small });
      assert.equal(bad.err?.code, 'InvalidArgument');
      const none = await call(cos, 'multipartUpload', { Bucket, Region, Key, UploadId: 'nope', PartNumber: 1, Body: small });
      assert.equal(none.err?.code, 'NoSuchUpload');
    });

    test('4. Abort ends the upload; a bucket with an unfinished upload cannot be deleted until it is aborted', async () => {
      const other = `multipart-${mode}-del-${APPID}`;
      assert.equal((await call(cos, 'putBucket', { Bucket: other, Region })).err, null);
      const { data } = await call(cos, 'multipartInit', { Bucket: other, Region, Key: 'a.bin' });
      const UploadId = data.UploadId as string;
      assert.equal((await call(cos, 'multipartUpload', { Bucket: other, Region, Key: 'a.bin', UploadId, PartNumber: 1, Body: randomBytes(100) })).err, null);
      const refused = await call(cos, 'deleteBucket', { Bucket: other, Region });
      assert.equal(refused.err?.statusCode, 409);
      assert.equal(refused.err?.code, 'BucketNotEmpty');
      const aborted = await call(cos, 'multipartAbort', { Bucket: other, Region, Key: 'a.bin', UploadId });
      assert.equal(aborted.err, null);
      assert.equal(aborted.data.statusCode, 204);
      assert.equal((await call(cos, 'multipartAbort', { Bucket: other, Region, Key: 'a.bin', UploadId })).err?.code, 'NoSuchUpload');
      assert.equal((await call(cos, 'multipartListPart', { Bucket: other, Region, Key: 'a.bin', UploadId })).err?.code, 'NoSuchUpload');
      assert.equal((await call(cos, 'headObject', { Bucket: other, Region, Key: 'a.bin' })).err?.statusCode, 404);
      assert.equal((await call(cos, 'deleteBucket', { Bucket: other, Region })).err, null);
      // An upload id only works on its own key.
      const init = await call(cos, 'multipartInit', { Bucket, Region, Key: 'x/one' });
      const wrongKey = await call(cos, 'multipartListPart', { Bucket, Region, Key: 'x/two', UploadId: init.data.UploadId });
      assert.equal(wrongKey.err?.code, 'NoSuchUpload');
      assert.equal((await call(cos, 'multipartAbort', { Bucket, Region, Key: 'x/one', UploadId: init.data.UploadId })).err, null);
    });

    test('5. ListMultipartUploads: prefix, delimiter, and paging with key and upload-id markers', async () => {
      const keys = ['list/a', 'list/a', 'list/b', 'list/sub/c', 'list/sub/d', 'list/z'];
      const ids: string[] = [];
      for (const Key of keys) ids.push((await call(cos, 'multipartInit', { Bucket, Region, Key })).data.UploadId);
      const all = await call(cos, 'multipartList', { Bucket, Region, Prefix: 'list/' });
      assert.equal(all.err, null);
      const pairs = (r: typeof all) => r.data.Upload.map((u: { Key: string; UploadId: string }) => `${u.Key} ${u.UploadId}`);
      const expected = keys.map((k, i) => `${k} ${ids[i]}`).sort();
      assert.deepEqual(pairs(all), expected);
      const grouped = await call(cos, 'multipartList', { Bucket, Region, Prefix: 'list/', Delimiter: '/' });
      assert.deepEqual(grouped.data.Upload.map((u: { Key: string }) => u.Key), ['list/a', 'list/a', 'list/b', 'list/z']);
      const prefixes = [grouped.data.CommonPrefixes].flat().filter(Boolean).map((p: { Prefix: string }) => p.Prefix);
      assert.deepEqual(prefixes, ['list/sub/']);
      // Paging two at a time walks the same list.
      const seen: string[] = [];
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await call(cos, 'multipartList', { Bucket, Region, Prefix: 'list/', MaxUploads: 2, KeyMarker, UploadIdMarker });
        assert.equal(page.err, null);
        seen.push(...pairs(page));
        if (page.data.IsTruncated !== 'true') break;
        KeyMarker = page.data.NextKeyMarker;
        UploadIdMarker = page.data.NextUploadIdMarker;
      }
      assert.deepEqual(seen, expected);
      for (const [i, Key] of keys.entries()) assert.equal((await call(cos, 'multipartAbort', { Bucket, Region, Key, UploadId: ids[i] })).err, null);
    });
  
    test('7. putObjectCopy copies bytes and metadata (Copy) or takes new ones (Replaced); bad copies are refused', async () => {
      const host = (b: string) => `${b}.cos.${Region}.myqcloud.com`;
      const src = randomBytes(200_000);
      assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'copy/src.mp3', Body: src, ContentType: 'audio/mpeg', Headers: { 'x-cos-meta-take': '1' } })).err, null);
      const copied = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/dst 1.mp3', CopySource: `${host(Bucket)}/copy/src.mp3` });
      assert.equal(copied.err, null, JSON.stringify(copied.err?.error));
      assert.equal(copied.data.ETag, `"${md5(src)}"`);
      const got = await call(cos, 'getObject', { Bucket, Region, Key: 'copy/dst 1.mp3' });
      assert.equal(md5(got.data.Body), md5(src));
      assert.equal(got.data.headers['content-type'], 'audio/mpeg');
      assert.equal(got.data.headers['x-cos-meta-take'], '1');
      const replaced = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/dst2.mp3', CopySource: `${host(Bucket)}/copy/src.mp3`, MetadataDirective: 'Replaced', ContentType: 'audio/x-other' });
      assert.equal(replaced.err, null);
      const head = await call(cos, 'headObject', { Bucket, Region, Key: 'copy/dst2.mp3' });
      assert.equal(head.data.headers['content-type'], 'audio/x-other');
      assert.equal(head.data.headers['x-cos-meta-take'], undefined);
      // The source's key percent-encoded (a space), as the SDK sends it.
      const spaced = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/dst3.mp3', CopySource: `${host(Bucket)}/copy/dst%201.mp3` });
      assert.equal(spaced.err, null, JSON.stringify(spaced.err?.error));
      const self = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/src.mp3', CopySource: `${host(Bucket)}/copy/src.mp3` });
      assert.equal(self.err?.code, 'InvalidRequest');
      const missing = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/x', CopySource: `${host(Bucket)}/copy/none` });
      assert.equal(missing.err?.statusCode, 404);
      assert.equal(missing.err?.code, 'NoSuchKey');
      const cond = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/x', CopySource: `${host(Bucket)}/copy/src.mp3`, CopySourceIfMatch: '"0123"' });
      assert.equal(cond.err?.statusCode, 412);
      const foreign = await call(cos, 'putObjectCopy', { Bucket, Region, Key: 'copy/x', CopySource: `${host('someone-1250000999')}/k` });
      assert.equal(foreign.err?.code, 'AccessDenied');
    });

    test('8. sliceCopyFile above its slice size copies in parts (Upload Part - Copy with ranges)', async () => {
      const src = (await call(cos, 'getObject', { Bucket, Region, Key: 'in/song.bin' })).data.Body as Buffer;
      const res = await call(cos, 'sliceCopyFile', { Bucket, Region, Key: 'copy/song-parts.bin', CopySource: `${Bucket}.cos.${Region}.myqcloud.com/in/song.bin`, CopySliceSize: MB, CopyChunkSize: MB });
      assert.equal(res.err, null, JSON.stringify(res.err?.error ?? res.err));
      const got = await call(cos, 'getObject', { Bucket, Region, Key: 'copy/song-parts.bin' });
      assert.equal(got.data.Body.length, src.length);
      assert.equal(md5(got.data.Body), md5(src));
      assert.match(got.data.ETag, /-4"$/);
    });

    test('9. sliceUploadFile resumes an unfinished upload of the same file (ListMultipartUploads and ListParts as the SDK reads them)', async () => {
      const body = randomBytes(3 * MB + 100);
      const file = join(work, 'resume.bin');
      writeFileSync(file, body);
      const Key = 'resume/file.bin';
      const init = await call(cos, 'multipartInit', { Bucket, Region, Key });
      const UploadId = init.data.UploadId as string;
      for (const n of [1, 2]) {
        const part = await call(cos, 'multipartUpload', { Bucket, Region, Key, UploadId, PartNumber: n, Body: body.subarray((n - 1) * MB, n * MB) });
        assert.equal(part.err, null);
      }
      const res = await call(cos, 'sliceUploadFile', { Bucket, Region, Key, FilePath: file, ChunkSize: MB });
      assert.equal(res.err, null, JSON.stringify(res.err?.error ?? res.err));
      assert.equal(res.data.UploadId, UploadId, 'the SDK found the upload and continued it');
      const got = await call(cos, 'getObject', { Bucket, Region, Key });
      assert.equal(md5(got.data.Body), md5(body));
      assert.equal(got.data.ETag, multipartEtag([0, 1, 2, 3].map((i) => body.subarray(i * MB, Math.min(body.length, (i + 1) * MB)))));
    });

    test('10. an empty or malformed Content-Type is taken as COS takes it (no 415/500): Initiate and PUT Object succeed', { skip: mode !== 'ip' }, async () => {
      const host = `${Bucket}.cos.${Region}.myqcloud.com`;
      const init = await rawRequest({ port: server.port, method: 'POST', host, path: '/ct/empty.bin', rawQuery: 'uploads', signQuery: { uploads: '' }, headers: { 'content-type': '' } });
      assert.equal(init.status, 200, init.body);
      assert.match(init.body, /<UploadId>\d{10}[0-9a-f]{56}<\/UploadId>/);
      const put = await rawRequest({ port: server.port, method: 'PUT', host, path: '/ct/odd.bin', headers: { 'content-type': 'not a media type' }, body: 'hello' });
      assert.equal(put.status, 200, put.body);
      const head = await call(cos, 'headObject', { Bucket, Region, Key: 'ct/odd.bin' });
      assert.equal(head.data.headers['content-type'], 'not a media type');
      const empty = await rawRequest({ port: server.port, method: 'PUT', host, path: '/ct/empty.txt', headers: { 'content-type': '' }, body: 'x' });
      assert.equal(empty.status, 200, empty.body);
      assert.equal((await call(cos, 'headObject', { Bucket, Region, Key: 'ct/empty.txt' })).data.headers['content-type'], 'application/octet-stream');
    });
  });
}
