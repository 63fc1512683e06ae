import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dataPaths } from '../../src/main.ts';
import { S3Storage } from '../../src/storage/s3.ts';
import { findJobs } from '../../src/store/jobs.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import { makeMedia } from '../helpers/media.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverProcess } from '../helpers/s3rver.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, ciCall, cosClient, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Fault tests of issue 8 with objects in an S3-compatible store (a real
 * s3rver process): the store stops answering for 10 s (SIGSTOP … SIGCONT)
 * or dies (SIGKILL) while jobs run. The API answers 503 ServiceUnavailable
 * (never a 500, never a hang); every job ends Success, or Failed with Code
 * ServiceUnavailable; none is left Submitted or Running. Bounds in time are
 * generous (the machine is shared): they catch hangs, not slowness.
 */
const Bucket = `outage-${APPID}`;
const Region = REGION;
const HOST = `${Bucket}.cos.${Region}.myqcloud.com`;
const JOBS = 6;

type Cos = ReturnType<typeof cosClient>;

function noisyWav(): Buffer {
  return makeMedia('outage-noisy.wav', [
    '-f', 'lavfi', '-i', 'sine=frequency=300:duration=2:sample_rate=16000',
    '-f', 'lavfi', '-i', 'anoisesrc=color=pink:duration=2:sample_rate=16000:amplitude=0.1',
    '-filter_complex', '[0][1]amix=inputs=2[m]', '-map', '[m]', '-ac', '1',
  ]);
}

async function start(s3: S3rverProcess): Promise<{ server: TestServer; cos: Cos }> {
  const server = await startTestServer({
    storage: s3.storageUrl('objects/'),
    's3-timeout-ms': '2000',
    'worker-concurrency': '2',
    'noise-reduction-engine': 'rnnoise',
  });
  const cos = cosClient(server.port, 'ip');
  assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
  assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
  assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'in/noisy.wav', Body: noisyWav() })).err, null);
  return { server, cos };
}

async function submitJobs(cos: Cos, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = await ciCall(cos, {
      Method: 'POST',
      Bucket,
      Path: 'jobs',
      Body: { Request: { Tag: 'NoiseReduction', Input: { Object: 'in/noisy.wav' }, Operation: { NoiseReduction: { Format: 'wav' }, Output: { Region, Bucket, Object: `out/${i}.wav` } } } },
    });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    ids.push(s.data.Response.JobsDetail.JobId);
  }
  return ids;
}

/** Polls until every job is Success/Failed/Cancel (the job table is in SQLite, so this works during the outage). */
async function waitAll(cos: Cos, ids: string[], timeoutMs: number): Promise<Array<{ JobId: string; State: string; Code: string; Message: string }>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const details = [];
    for (const id of ids) {
      const r = await ciCall(cos, { Method: 'GET', Bucket, Path: `jobs/${id}` });
      assert.equal(r.err, null, JSON.stringify(r.err?.error));
      details.push(r.data.Response.JobsDetail);
    }
    if (details.every((d) => ['Success', 'Failed', 'Cancel'].includes(d.State))) return details;
    if (Date.now() > end) assert.fail(`jobs not finished after ${timeoutMs} ms: ${JSON.stringify(details.map((d) => [d.JobId, d.State, d.Code]))}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A signed GET Object: status, Code and how long it took. */
async function timedGet(port: number, key: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = Date.now();
  const r = await rawRequest({ port, method: 'GET', host: HOST, path: `/${key}` });
  return { status: r.status, body: r.body, ms: Date.now() - t0 };
}

describe('object store outages (S3 backend, real s3rver process)', { concurrency: false }, () => {
  test('store frozen for 10 s while jobs run: API 503 ServiceUnavailable, jobs retry and end Success or Failed/ServiceUnavailable, none stuck', async (t) => {
    const s3 = await startS3rver();
    const { server, cos } = await start(s3);
    try {
      const ids = await submitJobs(cos, JOBS);
      s3.pause();
      const frozenAt = Date.now();
      try {
        await new Promise((r) => setTimeout(r, 500));
        const get = await timedGet(server.port, 'in/noisy.wav');
        assert.equal(get.status, 503, get.body);
        assert.match(get.body, /<Code>ServiceUnavailable<\/Code>/);
        // A hang would be bounded only by the client; the store timeout (2 s × 2 attempts) bounds this one.
        assert.ok(get.ms < 30_000, `503 after ${get.ms} ms`);
        t.diagnostic(`GET Object while frozen: ${get.status} after ${get.ms} ms`);
        const list = await rawRequest({ port: server.port, method: 'GET', host: HOST, path: '/' });
        assert.equal(list.status, 503, list.body);
        const put = await rawRequest({ port: server.port, method: 'PUT', host: HOST, path: '/in/other.bin', body: 'x'.repeat(1000) });
        assert.equal(put.status, 503, put.body);
        await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - frozenAt))));
      } finally {
        s3.resume();
      }
      const details = await waitAll(cos, ids, 240_000);
      t.diagnostic(`jobs: ${details.map((d) => `${d.State}/${d.Code}`).join(', ')}`);
      for (const d of details) {
        assert.ok(d.State === 'Success' || (d.State === 'Failed' && d.Code === 'ServiceUnavailable'), `job ${d.JobId}: ${d.State} ${d.Code} ${d.Message}`);
      }
      // The outage really hit running jobs: some were started again (attempts live in the job table).
      const store = openSqliteStore(dataPaths(server.dataDir).metadata);
      try {
        const attempts = (await findJobs(store, Bucket, ids)).map((j) => j.attempts);
        t.diagnostic(`attempts: ${attempts.join(', ')}`);
        assert.ok(Math.max(...attempts) > 1, `some job was retried (attempts ${attempts.join(', ')})`);
      } finally {
        await store.close();
      }
      // Every Success really wrote its output, and the store serves again.
      for (const [i, d] of details.entries()) {
        if (d.State !== 'Success') continue;
        const got = await timedGet(server.port, `out/${i}.wav`);
        assert.equal(got.status, 200, `out/${i}.wav of ${d.JobId}`);
      }
      const again = await timedGet(server.port, 'in/noisy.wav');
      assert.equal(again.status, 200);
    } finally {
      await server.close();
      await s3.stop();
    }
  });

  test('store killed while jobs run: API 503, jobs end Failed with Code ServiceUnavailable (or Success), none stuck', async (t) => {
    const s3 = await startS3rver();
    const { server, cos } = await start(s3);
    try {
      const ids = await submitJobs(cos, JOBS);
      s3.child.kill('SIGKILL');
      await new Promise((r) => s3.child.once('exit', r));
      const get = await timedGet(server.port, 'in/noisy.wav');
      assert.equal(get.status, 503, get.body);
      assert.match(get.body, /<Code>ServiceUnavailable<\/Code>/);
      t.diagnostic(`GET Object with the store killed: ${get.status} after ${get.ms} ms`);
      const details = await waitAll(cos, ids, 240_000);
      t.diagnostic(`jobs: ${details.map((d) => `${d.State}/${d.Code}`).join(', ')}`);
      let failed = 0;
      for (const d of details) {
        assert.ok(d.State === 'Success' || (d.State === 'Failed' && d.Code === 'ServiceUnavailable'), `job ${d.JobId}: ${d.State} ${d.Code} ${d.Message}`);
        if (d.State === 'Failed') {
          failed++;
          assert.match(d.Message, /object store is unavailable/);
        }
      }
      assert.ok(failed > 0, 'with the store gone for good, jobs that had not read their input fail');
    } finally {
      await server.close();
      await s3.stop();
    }
  });
});

describe('startup check of the S3 store', () => {
  test('a missing S3 bucket stops the server from starting with a clear message; an unreachable store is only a warning', async () => {
    const s3 = await startS3rver();
    try {
      const url = s3.storageUrl().replace(`s3://${s3.bucket}/`, 's3://no-such-bucket/');
      await assert.rejects(startTestServer({ storage: url }), /The S3 bucket "no-such-bucket" does not exist/);
      const storage = (endpoint: string) => new S3Storage({ bucket: s3.bucket, prefix: '', endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET, timeoutMs: 1000 });
      const ok = storage(s3.endpoint);
      assert.equal(await ok.check(), undefined);
      await ok.close();
      await s3.stop();
      const down = storage(s3.endpoint);
      assert.match((await down.check()) ?? '', /object store is unavailable .*503/);
      await down.close();
    } finally {
      await s3.stop();
    }
  });
});

describe('S3 credentials never reach the output', () => {
  const BIN = join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js');
  const run = (args: string[], untilExitOr: RegExp): Promise<{ out: string; code: number | null }> =>
    new Promise((resolve, reject) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-s3-secrets-'));
      const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'trace', '--worker-concurrency', '0', ...args], {
        env: { ...process.env, SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no exit and no match after 60 s:\n${out}`))), 60_000);
      const seen = (d: Buffer) => {
        out += d.toString();
        if (untilExitOr.test(out)) child.kill('SIGTERM');
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.once('exit', (code) => {
        clearTimeout(timer);
        rmSync(dataDir, { recursive: true, force: true });
        resolve({ out, code });
      });
    });

  test('refused credentials stop the start with a clear message; the URL is shown redacted', async () => {
    const s3 = await startS3rver();
    try {
      const withCreds = (key: string, secret: string) => s3.storageUrl('objects/').replace('s3://', `s3://${key}:${secret}@`);
      const bad = await run(['--storage', withCreds('NOTAKEY', 'wrongSecretXYZ123')], /listening on/);
      assert.notEqual(bad.code, 0);
      assert.match(bad.out, /The S3 bucket "smart-audio-test" cannot be used \(HTTP 403\)/);
      assert.ok(!bad.out.includes('wrongSecretXYZ123'), bad.out);
      const good = await run(['--storage', withCreds(S3RVER_KEY, S3RVER_SECRET)], /listening on/);
      assert.match(good.out, /objects: s3:\/\/\[redacted\]@smart-audio-test\/objects\//);
      assert.ok(!good.out.includes(`${S3RVER_KEY}:${S3RVER_SECRET}@`), good.out);
    } finally {
      await s3.stop();
    }
  });
});
