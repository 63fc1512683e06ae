import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { APPID, REGION, call, cosClient, startTestServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js');

/** The admin CLI, against the running server's data directory and metadata store (TEST_STORE=postgres: its database). */
async function cli(server: TestServer, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const store = server.database ? ['--store', server.database.url] : [];
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--data-dir', server.dataDir, ...store], { env: { ...process.env, SMART_AUDIO_SECRET_ID: '', SMART_AUDIO_SECRET_KEY: '' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function keyFrom(stdout: string): { id: string; key: string } {
  const id = /SecretId=(\S+)/.exec(stdout)?.[1];
  const key = /SecretKey=(\S+)/.exec(stdout)?.[1];
  assert.ok(id && key, stdout);
  return { id, key };
}

/**
 * CAM permission matrix (issue #2 §4): root, a sub-account allowed everything
 * on the bucket, a sub-account allowed only GetObject — × each COS API.
 */
describe('permission matrix', () => {
  const Bucket = `perm-${APPID}`;
  const Region = REGION;
  let server: TestServer;
  const keys: Record<string, { id: string; key: string }> = {};

  before(async () => {
    server = await startTestServer({ 'credential-cache-ms': '0' });
    const root = cosClient(server.port, 'ip');
    assert.equal((await call(root, 'putBucket', { Bucket, Region })).err, null);
    assert.equal((await call(root, 'putObject', { Bucket, Region, Key: 'seed.txt', Body: Buffer.from('seed') })).err, null);
    const allowAll = join(server.dataDir, 'allow-all.json');
    writeFileSync(allowAll, JSON.stringify({
      version: '2.0',
      statement: [{ effect: 'allow', action: ['cos:*', 'ci:*'], resource: [`qcs::cos::uid/${APPID}:perm-*`, `qcs::ci::uid/${APPID}:bucket/${Bucket}/*`] }],
    }));
    const readOnly = join(server.dataDir, 'read-only.json');
    writeFileSync(readOnly, JSON.stringify({
      statement: [
        { effect: 'allow', action: 'cos:GetObject', resource: `qcs::cos:${Region}:uid/${APPID}:${Bucket}/*` },
        { effect: 'allow', action: 'cos:HeadObject', resource: `qcs::cos:${Region}:uid/${APPID}:${Bucket}/public/*` },
      ],
    }));
    const a = await cli(server, 'keys', 'create', '--policy', allowAll, '--name', 'allowed');
    assert.equal(a.code, 0, a.stderr);
    keys.allowed = keyFrom(a.stdout);
    const r = await cli(server, 'keys', 'create', '--policy', readOnly, '--name', 'readonly');
    assert.equal(r.code, 0, r.stderr);
    keys.readonly = keyFrom(r.stdout);
  });
  after(() => server.close());

  type Op = { name: string; method: string; params: () => Record<string, unknown> };
  let n = 0;
  const ops: Op[] = [
    { name: 'PutBucket', method: 'putBucket', params: () => ({ Bucket: `perm-new${++n}-${APPID}`, Region }) },
    { name: 'HeadBucket', method: 'headBucket', params: () => ({ Bucket, Region }) },
    { name: 'GetBucket', method: 'getBucket', params: () => ({ Bucket, Region }) },
    { name: 'PutObject', method: 'putObject', params: () => ({ Bucket, Region, Key: `up-${++n}.txt`, Body: Buffer.from('x') }) },
    { name: 'GetObject', method: 'getObject', params: () => ({ Bucket, Region, Key: 'seed.txt' }) },
    { name: 'HeadObject', method: 'headObject', params: () => ({ Bucket, Region, Key: 'seed.txt' }) },
    { name: 'DeleteObject', method: 'deleteObject', params: () => ({ Bucket, Region, Key: 'does-not-matter.txt' }) },
  ];
  const expected: Record<string, Set<string>> = {
    root: new Set(ops.map((o) => o.name)),
    allowed: new Set(ops.map((o) => o.name)),
    readonly: new Set(['GetObject']),
  };

  for (const who of ['root', 'allowed', 'readonly'] as const) {
    for (const op of ops) {
      const allow = expected[who]!.has(op.name);
      test(`${who} × ${op.name} → ${allow ? 'allowed' : '403 AccessDenied'}`, async () => {
        const cos = who === 'root' ? cosClient(server.port, 'ip') : cosClient(server.port, 'ip', keys[who]!.id, keys[who]!.key);
        const { err } = await call(cos, op.method, op.params());
        if (allow) assert.equal(err, null, JSON.stringify(err?.error ?? err));
        else {
          assert.equal(err?.statusCode, 403);
          // HEAD answers carry no body, so the SDK can only report the status.
          assert.equal(err?.code, op.method.startsWith('head') ? '403' : 'AccessDenied');
        }
      });
    }
  }

  test('a sub-account cannot reach another bucket its policy does not name', async () => {
    const root = cosClient(server.port, 'ip');
    assert.equal((await call(root, 'putBucket', { Bucket: `other-${APPID}`, Region })).err, null);
    const cos = cosClient(server.port, 'ip', keys.readonly!.id, keys.readonly!.key);
    const { err } = await call(cos, 'getObject', { Bucket: `other-${APPID}`, Region, Key: 'seed.txt' });
    assert.equal(err?.statusCode, 403);
    assert.equal(err?.code, 'AccessDenied');
  });

  test('deleteMultipleObject authorises each key as cos:DeleteObject: the denied one is an <Error>, the allowed one goes', async () => {
    const root = cosClient(server.port, 'ip');
    for (const Key of ['tmp/a.txt', 'keep/b.txt']) assert.equal((await call(root, 'putObject', { Bucket, Region, Key, Body: Buffer.from(Key) })).err, null);
    const policy = join(server.dataDir, 'delete-tmp.json');
    writeFileSync(policy, JSON.stringify({ statement: [{ effect: 'allow', action: 'cos:DeleteObject', resource: `qcs::cos:${Region}:uid/${APPID}:${Bucket}/tmp/*` }] }));
    const made = await cli(server, 'keys', 'create', '--policy', policy, '--name', 'tmp-deleter');
    assert.equal(made.code, 0, made.stderr);
    const k = keyFrom(made.stdout);
    const cos = cosClient(server.port, 'ip', k.id, k.key);
    const res = await call(cos, 'deleteMultipleObject', { Bucket, Region, Objects: [{ Key: 'tmp/a.txt' }, { Key: 'keep/b.txt' }] });
    assert.equal(res.err, null, JSON.stringify(res.err?.error));
    assert.deepEqual(res.data.Deleted.map((d: { Key: string }) => d.Key), ['tmp/a.txt']);
    assert.deepEqual(res.data.Error.map((e: { Key: string; Code: string }) => [e.Key, e.Code]), [['keep/b.txt', 'AccessDenied']]);
    assert.equal((await call(root, 'headObject', { Bucket, Region, Key: 'tmp/a.txt' })).err?.statusCode, 404);
    assert.equal((await call(root, 'headObject', { Bucket, Region, Key: 'keep/b.txt' })).err, null, 'the denied key is still there');
  });

  test('keys create refuses a policy with a condition, and bad JSON', async () => {
    const bad = join(server.dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ statement: [{ effect: 'allow', action: '*', resource: '*', condition: { ip_equal: { 'qcs:ip': '10.0.0.1' } } }] }));
    const r = await cli(server, 'keys', 'create', '--policy', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /condition/);
    writeFileSync(bad, '{not json');
    const r2 = await cli(server, 'keys', 'create', '--policy', bad);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /not valid JSON/);
  });

  test('keys list shows keys without their secrets; revoke stops a key', async () => {
    const list = await cli(server, 'keys', 'list');
    assert.equal(list.code, 0);
    assert.ok(list.stdout.includes(keys.allowed!.id));
    assert.ok(!list.stdout.includes(keys.allowed!.key), 'secret key must not be listed');
    const cos = cosClient(server.port, 'ip', keys.allowed!.id, keys.allowed!.key);
    assert.equal((await call(cos, 'headBucket', { Bucket, Region })).err, null);
    const rev = await cli(server, 'keys', 'revoke', keys.allowed!.id);
    assert.equal(rev.code, 0, rev.stderr);
    const { err } = await call(cos, 'getObject', { Bucket, Region, Key: 'seed.txt' });
    assert.equal(err?.statusCode, 403);
    assert.equal(err?.code, 'InvalidAccessKeyId');
  });
});
