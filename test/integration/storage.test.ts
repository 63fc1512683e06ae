import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { LocalFsStorage } from '../../src/storage/local-fs.ts';
import { PART_SIZE, S3Storage } from '../../src/storage/s3.ts';
import { compareKeys } from '../../src/storage/s3-listing.ts';
import { StorageError, type ListInput, type ObjectStorage, type PutInput } from '../../src/storage/storage.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverProcess } from '../helpers/s3rver.ts';

/**
 * One storage suite, run against every backend (STYLE.md: minio's
 * ExecObjectLayerTest): local files and an S3 store (a real s3rver process).
 * STORAGES=fs,s3 (default both) narrows it.
 */
const BACKENDS = (process.env.STORAGES ?? 'fs,s3').split(',').map((s) => s.trim());

interface Backend {
  storage: ObjectStorage;
  close(): Promise<void>;
}

async function openBackend(name: string): Promise<Backend> {
  if (name === 'fs') {
    const dir = mkdtempSync(join(tmpdir(), 'smart-audio-storage-'));
    const storage = new LocalFsStorage(dir);
    return { storage, close: async () => (await storage.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const s3rver: S3rverProcess = await startS3rver();
  const storage = new S3Storage({ bucket: s3rver.bucket, prefix: 'tenants/', endpoint: s3rver.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET, timeoutMs: 10_000 });
  return { storage, close: async () => (await storage.close(), await s3rver.stop()) };
}

const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

function putInput(bucket: string, key: string, body: Buffer | Readable, extra: Partial<PutInput> = {}): PutInput {
  return {
    bucket,
    key,
    body: Buffer.isBuffer(body) ? Readable.from([body]) : body,
    contentLength: Buffer.isBuffer(body) ? body.length : undefined,
    maxSize: 1 << 30,
    contentType: 'application/octet-stream',
    headers: {},
    userMeta: {},
    storageClass: 'STANDARD',
    ...extra,
  };
}

/** A body of `n` pseudo-random bytes produced in chunks, never held whole by the producer. */
function chunked(n: number, seed = 1, failAfter?: number): Readable {
  let sent = 0;
  let x = seed;
  return new Readable({
    read() {
      // What Node's IncomingMessage reports when the client goes away mid-body.
      if (failAfter !== undefined && sent >= failAfter) return void this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      if (sent >= n) return void this.push(null);
      const len = Math.min(256 * 1024, n - sent);
      const b = Buffer.allocUnsafe(len);
      for (let i = 0; i < len; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[i] = x >>> 24;
      }
      sent += len;
      this.push(b);
    },
  });
}

/** COS listing computed by brute force over the key set (spec/cos-objects.md "GET Bucket"). */
function expectedListing(keys: string[], input: Omit<ListInput, 'bucket' | 'maxKeys'>): string[] {
  const names: string[] = [];
  for (const k of [...keys].sort(compareKeys)) {
    if (!k.startsWith(input.prefix)) continue;
    const rest = k.slice(input.prefix.length);
    const cut = input.delimiter === '' ? -1 : rest.indexOf(input.delimiter);
    const name = cut >= 0 ? input.prefix + rest.slice(0, cut + input.delimiter.length) : k;
    if (compareKeys(name, input.marker) <= 0) continue;
    if (names.at(-1) !== name) names.push(name);
  }
  return names;
}

/** Pages through a listing with NextMarker; returns every name (keys and common prefixes) in order. */
async function listAll(storage: ObjectStorage, input: Omit<ListInput, 'marker'>): Promise<string[]> {
  const names: string[] = [];
  let marker = '';
  for (let page = 0; page < 10_000; page++) {
    const r = await storage.list({ ...input, marker });
    const got = [...r.contents.map((c) => c.key), ...r.commonPrefixes].sort(compareKeys);
    assert.ok(got.length <= input.maxKeys, `page of ${got.length} > max-keys ${input.maxKeys}`);
    names.push(...got);
    if (!r.isTruncated) return names;
    assert.equal(r.nextMarker, got.at(-1), 'NextMarker is the last entry of the page');
    marker = r.nextMarker!;
  }
  throw new Error('listing did not end');
}

for (const name of BACKENDS) {
  describe(`object storage: ${name}`, { concurrency: false }, () => {
    let b: Backend;
    before(async () => {
      b = await openBackend(name);
    });
    after(async () => b?.close());

    test('put → head/get round trip: MD5 ETag, CRC-64, Content-Type, stored headers, user metadata, storage class', async () => {
      const body = Buffer.from('123456789');
      const meta = await b.storage.put(
        putInput('meta-1250000000', 'dir/a b+ü.txt', body, {
          contentType: 'text/plain; charset=utf-8',
          contentMd5: createHash('md5').update(body).digest('base64'),
          headers: { 'cache-control': 'max-age=60', 'content-disposition': 'attachment; filename="x.txt"', expires: 'Thu, 01 Dec 2033 16:00:00 GMT' },
          // A non-ASCII value arrives from Node's parser as latin1 code units; a user name that looks like ours.
          userMeta: { 'x-cos-meta-author': 'Zoë', 'x-cos-meta-raw': Buffer.from('Zoë', 'utf8').toString('latin1'), 'x-cos-meta-sa-md5': 'mine', 'x-cos-meta-b64': 'b64:abc' },
          storageClass: 'STANDARD_IA',
        }),
      );
      assert.equal(meta.etag, md5hex(body));
      assert.equal(meta.crc64, '11051210869376104954', 'CRC-64/ECMA-182 check value of "123456789"');
      const head = await b.storage.head('meta-1250000000', 'dir/a b+ü.txt');
      assert.ok(head);
      assert.equal(head.size, 9);
      assert.equal(head.etag, md5hex(body));
      assert.equal(head.crc64, '11051210869376104954');
      assert.equal(head.contentType, 'text/plain; charset=utf-8');
      assert.deepEqual(head.headers, { 'cache-control': 'max-age=60', 'content-disposition': 'attachment; filename="x.txt"', expires: 'Thu, 01 Dec 2033 16:00:00 GMT' });
      assert.deepEqual(head.userMeta, { 'x-cos-meta-author': 'Zoë', 'x-cos-meta-raw': Buffer.from('Zoë', 'utf8').toString('latin1'), 'x-cos-meta-sa-md5': 'mine', 'x-cos-meta-b64': 'b64:abc' });
      assert.equal(head.storageClass, 'STANDARD_IA');
      assert.ok(Math.abs(head.lastModified - Date.now()) < 120_000, `lastModified ${head.lastModified} is about now`);
      const got = await b.storage.get('meta-1250000000', 'dir/a b+ü.txt');
      assert.ok(got);
      assert.equal((await buffer(got.body)).toString(), '123456789');
      assert.equal(got.meta.etag, head.etag);
      assert.equal(got.meta.size, 9);
    });

    test('Range reads return exactly the bytes asked for; meta.size is the whole object', async () => {
      const body = Buffer.from('0123456789abcdefghij');
      await b.storage.put(putInput('range-1250000000', 'r', body));
      const part = await b.storage.get('range-1250000000', 'r', { start: 5, end: 9 });
      assert.ok(part);
      assert.equal((await buffer(part.body)).toString(), '56789');
      assert.equal(part.meta.size, 20);
      const tail = await b.storage.get('range-1250000000', 'r', { start: 19, end: 19 });
      assert.equal((await buffer(tail!.body)).toString(), 'j');
    });

    test('missing objects: head/get undefined, delete reports whether the key existed', async () => {
      assert.equal(await b.storage.head('none-1250000000', 'x'), undefined);
      assert.equal(await b.storage.get('none-1250000000', 'x'), undefined);
      assert.equal(await b.storage.hasObjects('none-1250000000'), false);
      await b.storage.put(putInput('none-1250000000', 'x', Buffer.from('1')));
      assert.equal(await b.storage.hasObjects('none-1250000000'), true);
      assert.equal(await b.storage.delete('none-1250000000', 'x'), true);
      assert.equal(await b.storage.delete('none-1250000000', 'x'), false);
      assert.equal(await b.storage.head('none-1250000000', 'x'), undefined);
      assert.equal(await b.storage.hasObjects('none-1250000000'), false);
    });

    test('an empty object', async () => {
      const meta = await b.storage.put(putInput('empty-1250000000', 'e', Buffer.alloc(0)));
      assert.equal(meta.etag, 'd41d8cd98f00b204e9800998ecf8427e');
      assert.equal(meta.crc64, '0');
      const got = await b.storage.get('empty-1250000000', 'e');
      assert.equal((await buffer(got!.body)).length, 0);
    });

    test(`a body larger than one part (${PART_SIZE} B) streams in and out, with the MD5 of the whole as ETag (also in listings)`, async () => {
      const n = PART_SIZE + 3 * 1024 * 1024 + 17;
      const expected = await buffer(chunked(n, 7));
      const meta = await b.storage.put(putInput('large-1250000000', 'big.bin', chunked(n, 7), { contentLength: n, contentMd5: createHash('md5').update(expected).digest('base64') }));
      assert.equal(meta.size, n);
      assert.equal(meta.etag, md5hex(expected));
      const head = await b.storage.head('large-1250000000', 'big.bin');
      assert.equal(head?.etag, md5hex(expected));
      assert.equal(head?.size, n);
      const got = await b.storage.get('large-1250000000', 'big.bin');
      assert.equal(md5hex(await buffer(got!.body)), md5hex(expected));
      const listed = await b.storage.list({ bucket: 'large-1250000000', prefix: '', delimiter: '', marker: '', maxKeys: 1000 });
      assert.deepEqual(listed.contents.map((c) => [c.key, c.etag, c.size]), [['big.bin', md5hex(expected), n]]);
    });

    test('failed uploads never replace or corrupt the stored object (small and large bodies)', async () => {
      const bucket = 'safe-1250000000';
      const original = Buffer.from('the original body');
      await b.storage.put(putInput(bucket, 'k', original));
      const big = PART_SIZE + 1024 * 1024;
      const cases: Array<[string, () => PutInput, StorageError['kind']]> = [
        ['wrong Content-MD5', () => putInput(bucket, 'k', Buffer.from('other'), { contentMd5: createHash('md5').update('x').digest('base64') }), 'BadDigest'],
        ['short body', () => putInput(bucket, 'k', Buffer.from('other'), { contentLength: 10 }), 'EntitySizeNotMatch'],
        ['too large', () => putInput(bucket, 'k', Buffer.from('other body'), { contentLength: undefined, maxSize: 4 }), 'EntityTooLarge'],
        ['client gone mid-body', () => putInput(bucket, 'k', chunked(100_000, 3, 50_000), { contentLength: 100_000 }), 'BodyAborted'],
        ['large body, wrong Content-MD5', () => putInput(bucket, 'k', chunked(big, 5), { contentLength: big, contentMd5: createHash('md5').update('x').digest('base64') }), 'BadDigest'],
        ['large body, client gone after one part', () => putInput(bucket, 'k', chunked(big, 5, PART_SIZE + 512 * 1024), { contentLength: big }), 'BodyAborted'],
      ];
      for (const [what, input, kind] of cases) {
        await assert.rejects(b.storage.put(input()), (err: unknown) => {
          if (err instanceof StorageError && err.kind === kind) return true;
          throw new Error(`${what}: expected StorageError ${kind}, got ${String(err)}`, { cause: err });
        });
        const got = await b.storage.get(bucket, 'k');
        assert.equal((await buffer(got!.body)).toString(), 'the original body', `${what}: the original object is intact`);
        assert.equal(got!.meta.etag, md5hex(original), what);
      }
      const listed = await b.storage.list({ bucket, prefix: '', delimiter: '', marker: '', maxKeys: 1000 });
      assert.deepEqual(listed.contents.map((c) => c.key), ['k'], 'no partial object is visible');
    });

    test('tenant buckets are separate namespaces (no bucket sees keys of one whose name it prefixes)', async () => {
      await b.storage.put(putInput('iso-1250000000', 'a', Buffer.from('1')));
      await b.storage.put(putInput('iso-12500000001', 'b', Buffer.from('2')));
      const one = await b.storage.list({ bucket: 'iso-1250000000', prefix: '', delimiter: '', marker: '', maxKeys: 1000 });
      assert.deepEqual(one.contents.map((c) => c.key), ['a']);
      assert.equal(await b.storage.head('iso-1250000000', 'b'), undefined);
    });

    describe('listing (prefix, delimiter, marker, max-keys, byte order)', { concurrency: false }, () => {
      const bucket = 'list-1250000000';
      const keys = [
        'a', 'a/', 'a/1', 'a/2', 'a/b/c', 'a/b/d', 'a0', 'ab', 'b/x', 'b/y/z', 'c', 'd-e-f',
        // s3rver answers 404 to keys with an empty path segment ("c//d"): only the stores that can hold them.
        // s3rver compares markers as UTF-16 strings, so it drops "😀" after a marker "～" (U+FF5E < U+1F600 in
        // UTF-8, not in UTF-16): that pair is checked where the store can order it.
        ...(name === 's3' ? [] : ['c//d', '\uff5e']), 'dir/x.mp3', 'dir/y.mp3', 'dir/sub/z.mp3',
        'é', 'z', '\u{1f600}', 'ü/1', 'ü/2', 'sp ace', 'plus+sign', 'x%2Fy',
      ];
      before(async () => {
        for (const k of keys) await b.storage.put(putInput(bucket, k, Buffer.from(k)));
      });
      const variants: Array<Omit<ListInput, 'bucket' | 'maxKeys'>> = [
        { prefix: '', delimiter: '', marker: '' },
        { prefix: '', delimiter: '/', marker: '' },
        { prefix: 'a', delimiter: '/', marker: '' },
        { prefix: 'a/', delimiter: '/', marker: '' },
        { prefix: 'a/', delimiter: '', marker: 'a/1' },
        { prefix: '', delimiter: '/', marker: 'a/' },
        { prefix: '', delimiter: '/', marker: 'a/b/c' },
        { prefix: 'dir/', delimiter: '/', marker: '' },
        { prefix: '', delimiter: '-', marker: '' },
        { prefix: '', delimiter: '', marker: 'z' },
        { prefix: 'nothing', delimiter: '/', marker: '' },
        ...(name === 's3' ? [] : [{ prefix: '', delimiter: '/', marker: '\uff5e' }]),
      ];
      for (const v of variants) {
        for (const maxKeys of [1, 2, 3, 1000]) {
          test(`prefix=${JSON.stringify(v.prefix)} delimiter=${JSON.stringify(v.delimiter)} marker=${JSON.stringify(v.marker)} max-keys=${maxKeys}`, async () => {
            const expected = expectedListing(keys, v);
            if (v.marker === '') {
              assert.deepEqual(await listAll(b.storage, { bucket, prefix: v.prefix, delimiter: v.delimiter, maxKeys }), expected);
            } else {
              const r = await b.storage.list({ bucket, ...v, maxKeys });
              const names = [...r.contents.map((c) => c.key), ...r.commonPrefixes].sort(compareKeys);
              assert.deepEqual(names, expected.slice(0, maxKeys));
              assert.equal(r.isTruncated, expected.length > maxKeys);
            }
          });
        }
      }

      test('listed objects carry size, MD5 ETag and last-modified', async () => {
        const r = await b.storage.list({ bucket, prefix: 'dir/', delimiter: '', marker: '', maxKeys: 1000 });
        const x = r.contents.find((c) => c.key === 'dir/x.mp3');
        assert.ok(x);
        assert.equal(x.size, Buffer.byteLength('dir/x.mp3'));
        assert.equal(x.etag, md5hex(Buffer.from('dir/x.mp3')));
        assert.ok(x.lastModified > Date.now() - 600_000);
      });

      test('max-keys 0 returns nothing', async () => {
        const r = await b.storage.list({ bucket, prefix: '', delimiter: '', marker: '', maxKeys: 0 });
        assert.equal(r.contents.length + r.commonPrefixes.length, 0);
      });
    });

    test('more than 1000 keys page through completely with max-keys 1000', async () => {
      const bucket = 'many-1250000000';
      const keys = Array.from({ length: 1105 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
      for (let i = 0; i < keys.length; i += 16) {
        await Promise.all(keys.slice(i, i + 16).map((k) => b.storage.put(putInput(bucket, k, Buffer.from('x')))));
      }
      assert.equal(await b.storage.hasObjects(bucket), true);
      const first = await b.storage.list({ bucket, prefix: '', delimiter: '', marker: '', maxKeys: 1000 });
      assert.equal(first.contents.length, 1000);
      assert.equal(first.isTruncated, true);
      assert.deepEqual(await listAll(b.storage, { bucket, prefix: 'k/', delimiter: '', maxKeys: 1000 }), keys);
      assert.deepEqual(await listAll(b.storage, { bucket, prefix: '', delimiter: '/', maxKeys: 1000 }), ['k/']);
    });
  });
}
