import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { signRequest } from '../../../src/http/auth/cos-signature.ts';
import { findJob } from '../../../src/store/jobs.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open.ts';
import { songMp3 } from '../../helpers/media.ts';
import { accepts, freePort, httpGet } from '../../helpers/ops.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, ciCall, cosClient } from '../../helpers/server.ts';

/**
 * Graceful drain on SIGTERM with real processes (issue #8 §4): /readyz goes
 * 503 first, the listener closes, an upload in flight completes, a running
 * job is handed back to the queue (not lost) and runs to the end after a
 * restart; the process exits 0.
 */
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'smart-audio.js');
const Bucket = `drain-${APPID}`;
const Region = REGION;
const HOST = `${Bucket}.cos.${Region}.myqcloud.com`;
const dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-drain-'));
const children: ChildProcess[] = [];

interface Proc {
  child: ChildProcess;
  port: number;
  exit: Promise<number | null>;
  output: () => string;
}

async function serve(args: string[]): Promise<Proc> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    env: { ...process.env, SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearInterval(t);
        resolve(Number(m[1]));
      }
    }, 20);
    void exit.then((code) => {
      clearInterval(t);
      reject(new Error(`exited ${code} before listening: ${out}`));
    });
  });
  return { child, port, exit, output: () => out };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('graceful drain on SIGTERM', { timeout: 300_000 }, () => {
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
  });

  test('1. /readyz goes 503 first, the listener closes, an upload in flight completes, exit 0', async () => {
    const admin = await freePort();
    const p = await serve(['--worker-concurrency', '0', '--metrics-port', String(admin), '--drain-delay-ms', '1500', '--log-level', 'warn']);
    const cos = cosClient(p.port, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);

    const body = randomBytes(512 * 1024);
    const now = Math.floor(Date.now() / 1000);
    const authorization = signRequest({ secretId: ROOT_ID, secretKey: ROOT_KEY, method: 'PUT', decodedPath: '/slow.bin', headers: { host: HOST }, startTime: now - 60, endTime: now + 600 });
    let answered = false;
    const req = request({ host: '127.0.0.1', port: p.port, method: 'PUT', path: '/slow.bin', headers: { host: HOST, authorization, 'content-length': String(body.length) } });
    const response = new Promise<{ status: number; etag: string | undefined }>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, etag: res.headers.etag as string | undefined });
        });
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 100_000));
    await new Promise((r) => setTimeout(r, 300));

    assert.equal((await httpGet(admin, '/readyz')).status, 200);
    p.child.kill('SIGTERM');
    const draining = await until('/readyz 503', 5000, async () => {
      const r = await httpGet(admin, '/readyz');
      return r.status === 503 ? r : undefined;
    });
    assert.equal(JSON.parse(draining.body).status, 'draining');
    assert.equal((await httpGet(admin, '/healthz')).status, 200, 'still alive while draining');
    // Inside --drain-delay-ms the API still answers (a load balancer is taking the server out).
    assert.equal((await httpGet(p.port, '/healthz')).status, 200);
    await until('the API listener to close', 10_000, async () => ((await accepts(p.port)) ? undefined : true));
    assert.equal(answered, false, 'the upload is still in flight');
    for (let off = 100_000; off < body.length; off += 65_536) {
      req.write(body.subarray(off, Math.min(body.length, off + 65_536)));
      await new Promise((r) => setTimeout(r, 20));
    }
    req.end();
    const res = await response;
    assert.equal(res.status, 200);
    assert.equal(res.etag, `"${createHash('md5').update(body).digest('hex')}"`);
    assert.equal(await p.exit, 0, p.output());
    assert.ok(!(await accepts(admin)), 'the admin listener closed at the end');

    const again = await serve(['--worker-concurrency', '0', '--log-level', 'warn']);
    const got = await call(cosClient(again.port, 'ip'), 'getObject', { Bucket, Region, Key: 'slow.bin' });
    assert.equal(got.err, null);
    assert.ok(Buffer.compare(got.data.Body, body) === 0, 'the whole upload was stored');
    again.child.kill('SIGTERM');
    assert.equal(await again.exit, 0);
  });

  test('2. a running job that outlasts --shutdown-timeout-ms goes back to the queue and finishes after a restart', async () => {
    const p = await serve(['--worker-concurrency', '1', '--shutdown-timeout-ms', '500', '--log-level', 'info']);
    const cos = cosClient(p.port, 'ip');
    const made = await call(cos, 'putBucket', { Bucket, Region });
    assert.ok(made.err === null || made.err.statusCode === 409, 'the bucket exists (test 1 may have made it)');
    assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'in/long.mp3', Body: songMp3(60) })).err, null);
    const s = await ciCall(cos, {
      Method: 'POST', Bucket, Path: 'jobs',
      Body: { Request: { Tag: 'VoiceSeparate', Input: { Object: 'in/long.mp3' }, Operation: { VoiceSeparate: { AudioMode: 'IsBackground', AudioConfig: { Codec: 'mp3' } }, Output: { Region, Bucket, Object: 'out/${jobid}.${ext}' } } } },
    });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const jobId = s.data.Response.JobsDetail.JobId as string;
    await until('the job to run', 30_000, async () => {
      const r = await ciCall(cos, { Method: 'GET', Bucket, Path: `jobs/${jobId}` });
      return r.data?.Response?.JobsDetail?.State === 'Running' ? true : undefined;
    });
    p.child.kill('SIGTERM');
    assert.equal(await p.exit, 0, p.output());

    const lines = p.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.msg === 'job started' && l.jobId === jobId && l.attempt === 1), 'worker log lines carry the job id');
    const requestLines = lines.filter((l) => l.msg === 'request completed');
    assert.ok(requestLines.length > 0 && requestLines.every((l) => typeof l.requestId === 'string' && l.requestId !== ''), 'request lines carry the request id');
    assert.ok(requestLines.some((l) => l.api === 'CreateMediaJobs'), 'and the API operation');

    const store = openSqliteStore(join(dataDir, 'metadata.sqlite'));
    try {
      const job = await findJob(store.db, jobId);
      assert.equal(job?.state, 'Submitted', 'handed back to the queue, not lost');
      assert.equal(job?.attempts, 0, 'a graceful shutdown gives the attempt back');
      const row = await store.db.selectFrom('jobs').select(['locked_by']).where('id', '=', jobId).executeTakeFirstOrThrow();
      assert.equal(row.locked_by, null);
    } finally {
      await store.close();
    }

    const q = await serve(['--worker-concurrency', '1', '--log-level', 'warn']);
    const qcos = cosClient(q.port, 'ip');
    const done = await until('the job to finish', 240_000, async () => {
      const r = await ciCall(qcos, { Method: 'GET', Bucket, Path: `jobs/${jobId}` });
      const d = r.data?.Response?.JobsDetail;
      return d && ['Success', 'Failed'].includes(d.State) ? d : undefined;
    });
    assert.equal(done.State, 'Success', `${done.Code}: ${done.Message}`);
    assert.equal((await call(qcos, 'headObject', { Bucket, Region, Key: `out/${jobId}.mp3` })).err, null);
    q.child.kill('SIGTERM');
    assert.equal(await q.exit, 0);
  });
});
