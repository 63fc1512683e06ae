import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';
import { parseStorageUrl, redactStorageUrl } from '../../../src/storage/storage-url.ts';

test('1. empty, "file:" and "local" mean local files', () => {
  for (const v of ['', ' ', 'file:', 'local']) assert.deepEqual(parseStorageUrl(v), { kind: 'local' });
});

test('2. s3:// with endpoint, region, prefix; path style defaults on with a custom endpoint', () => {
  assert.deepEqual(parseStorageUrl('s3://media/smart-audio?endpoint=http://127.0.0.1:9000&region=eu-west-1'), {
    kind: 's3', bucket: 'media', prefix: 'smart-audio/', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', forcePathStyle: true, accessKeyId: undefined, secretAccessKey: undefined,
  });
  const aws = parseStorageUrl('s3://media');
  assert.equal(aws.kind === 's3' && aws.forcePathStyle, false, 'AWS (no endpoint): virtual-host style');
  assert.equal(aws.kind === 's3' && aws.region, 'us-east-1');
  assert.equal(aws.kind === 's3' && aws.prefix, '');
  const cos = parseStorageUrl('s3://media-1250000000/a/b/?endpoint=https://cos.ap-guangzhou.myqcloud.com&region=ap-guangzhou&forcePathStyle=false');
  assert.equal(cos.kind === 's3' && cos.forcePathStyle, false);
  assert.equal(cos.kind === 's3' && cos.prefix, 'a/b/');
});

test('3. credentials in the URL are decoded', () => {
  const loc = parseStorageUrl('s3://AKIA%2Fx:se%40cret@media?endpoint=http://minio:9000');
  assert.equal(loc.kind === 's3' && loc.accessKeyId, 'AKIA/x');
  assert.equal(loc.kind === 's3' && loc.secretAccessKey, 'se@cret');
});

test('4. bad values are refused with a message that names the problem and never the secret', () => {
  const cases: Array<[string, RegExp]> = [
    ['http://bucket', /unsupported storage scheme "http:"/],
    ['s3://UPPER', /not an S3 bucket name/],
    ['s3://bb?endpoint=ftp://x', /endpoint must be http\(s\)/],
    ['s3://bb?forcePathStyle=maybe', /forcePathStyle must be true or false/],
    ['s3://bb?regoin=x', /unknown storage URL parameter "regoin"/],
    ['s3://key:topsecret@UPPER', /not an S3 bucket name/],
  ];
  for (const [v, re] of cases) {
    assert.throws(() => parseStorageUrl(v), (err: Error) => re.test(err.message) && !err.message.includes('topsecret'), v);
  }
});

test('5. redaction hides user:password, keeps the rest', () => {
  assert.equal(redactStorageUrl('s3://AKIA:secret@media/p?endpoint=http://x:9000'), 's3://[redacted]@media/p?endpoint=http://x:9000');
  assert.equal(redactStorageUrl('s3://media/p?endpoint=http://x:9000'), 's3://media/p?endpoint=http://x:9000');
});

test('6. config: --storage is validated at startup with every other problem; S3 keys come in pairs', () => {
  assert.throws(
    () => loadConfig({ storage: 's3://B' }, { SMART_AUDIO_S3_ACCESS_KEY_ID: 'k' }),
    (err: ConfigError) => err.problems.some((p) => p.includes('--storage')) && err.problems.some((p) => p.includes('SMART_AUDIO_S3_SECRET_ACCESS_KEY')),
  );
  const c = loadConfig({}, { SMART_AUDIO_STORAGE: 's3://media?endpoint=http://127.0.0.1:9000', SMART_AUDIO_S3_ACCESS_KEY_ID: 'k', SMART_AUDIO_S3_SECRET_ACCESS_KEY: 's' });
  assert.equal(c.storage, 's3://media?endpoint=http://127.0.0.1:9000');
  assert.equal(loadConfig({}, {}).storage, '', 'local files by default');
});
