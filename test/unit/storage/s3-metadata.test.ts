import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromS3Meta, toS3Meta } from '../../../src/storage/s3-metadata.ts';

const base = { etag: '0123456789abcdef0123456789abcdef', crc64: '42', contentType: 'audio/mpeg', headers: {}, userMeta: {}, storageClass: 'STANDARD' };

test('1. user metadata keeps its name in S3 (x-cos-meta-foo ↔ x-amz-meta-foo); ours is sa-*', () => {
  const s3 = toS3Meta({ ...base, userMeta: { 'x-cos-meta-foo': 'bar' } });
  assert.deepEqual(s3.metadata, { 'sa-md5': base.etag, 'sa-crc64': '42', foo: 'bar' });
  assert.equal(s3.contentType, 'audio/mpeg');
});

test('2. a user name starting with "sa-" is escaped and cannot overwrite our fields', () => {
  const s3 = toS3Meta({ ...base, userMeta: { 'x-cos-meta-sa-md5': 'mine' } });
  assert.equal(s3.metadata['sa-md5'], base.etag);
  const back = fromS3Meta('b', 'k', { ContentLength: 1, Metadata: s3.metadata });
  assert.equal(back.etag, base.etag);
  assert.deepEqual(back.userMeta, { 'x-cos-meta-sa-md5': 'mine' });
});

test('3. round trip: non-ASCII values (latin1 code units of UTF-8 bytes), "b64:"-looking values, stored headers, class, odd Content-Type', () => {
  const raw = Buffer.from('Zoë ☃', 'utf8').toString('latin1');
  const input = {
    ...base,
    contentType: `text/plain; name="${raw}"`,
    headers: { 'cache-control': 'no-cache', expires: 'Thu, 01 Dec 2033 16:00:00 GMT' },
    userMeta: { 'x-cos-meta-a': raw, 'x-cos-meta-b': 'b64:notbase64', 'x-cos-meta-c': '' },
    storageClass: 'ARCHIVE',
  };
  const s3 = toS3Meta(input);
  for (const v of Object.values(s3.metadata)) assert.match(v, /^[\x20-\x7e]*$/, 'every stored value is printable ASCII (SigV4-safe)');
  assert.match(s3.contentType, /^[\x20-\x7e]*$/);
  const back = fromS3Meta('b', 'k', { ContentLength: 5, ContentType: s3.contentType, ETag: '"ffff"', LastModified: new Date(1000), Metadata: s3.metadata });
  assert.deepEqual(
    { etag: back.etag, crc64: back.crc64, contentType: back.contentType, headers: back.headers, userMeta: back.userMeta, storageClass: back.storageClass, size: back.size, lastModified: back.lastModified },
    { etag: base.etag, crc64: '42', contentType: input.contentType, headers: input.headers, userMeta: input.userMeta, storageClass: 'ARCHIVE', size: 5, lastModified: 1000 },
  );
});

test('4. metadata names are matched case-insensitively (stores differ in the case they return)', () => {
  const back = fromS3Meta('b', 'k', { Metadata: { 'SA-MD5': base.etag, Foo: 'x' } });
  assert.equal(back.etag, base.etag);
  assert.deepEqual(back.userMeta, { 'x-cos-meta-foo': 'x' });
});

test('5. an object written by another tool: S3 ETag, STANDARD, empty CRC', () => {
  const back = fromS3Meta('b', 'k', { ETag: '"d41d8cd98f00b204e9800998ecf8427e"', ContentLength: 0 });
  assert.equal(back.etag, 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(back.storageClass, 'STANDARD');
  assert.equal(back.crc64, '');
});
