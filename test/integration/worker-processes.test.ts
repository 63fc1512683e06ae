import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { findJob } from '../../src/store/jobs.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import { songMp3 } from '../helpers/media.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, ciCall, cosClient } from '../helpers/server.ts';
import { watchStartup } from '../helpers/startup.ts';

/**
 * Real processes (issue #4 §4 "Tests"): kill -9 a worker mid-job and another
 * one finishes it exactly once; queued jobs survive a server restart; SIGTERM
 * drains and exits 0.
 */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js');
const Bucket = `proc-${APPID}`;
const Region = REGION;
const children: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-proc-'));

function start(args: string[]): { child: ChildProcess; ready: Promise<number>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dataDir, '--log-level', 'warn'], {
    env: { ...process.env, SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const { ready } = watchStartup(child, { echoStderr: Boolean(process.env.TEST_VERBOSE) });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exit };
}

async function waitState(cos: ReturnType<typeof cosClient>, jobId: string, states: string[], timeoutMs: number): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await ciCall(cos, { Method: 'GET', Bucket, Path: `jobs/${jobId}` });
    const d = r.data?.Response?.JobsDetail;
    if (d && states.includes(d.State)) return d;
    if (Date.now() > end) assert.fail(`job ${jobId} is ${d?.State}, waited for ${states.join('/')}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('worker and server processes', { timeout: 240_000 }, () => {
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
  });

  let api: ReturnType<typeof start>;
  let cos: ReturnType<typeof cosClient>;
  const submit = async (key: string) => {
    const r = await ciCall(cos, {
      Method: 'POST', Bucket, Path: 'jobs',
      Body: { Request: { Tag: 'VoiceSeparate', Input: { Object: key }, Operation: { VoiceSeparate: { AudioMode: 'AudioAndBackground', AudioConfig: { Codec: 'mp3' } }, Output: { Region, Bucket, Object: 'out/${jobid}/bg.${ext}', AuObject: 'out/${jobid}/v.${ext}' } } } },
    });
    assert.equal(r.err, null, JSON.stringify(r.err?.error));
    return r.data.Response.JobsDetail.JobId as string;
  };

  test('1. a worker killed with SIGKILL mid-job: another worker runs the job again and it ends Success once', async () => {
    api = start(['serve', '--port', '0', '--worker-concurrency', '0']);
    const port = await api.ready;
    cos = cosClient(port, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'in/long.mp3', Body: songMp3(120) })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'in/short.mp3', Body: songMp3(3) })).err, null);

    const jobId = await submit('in/long.mp3');
    const a = start(['worker', '--lease-ms', '4000']);
    await a.ready;
    await waitState(cos, jobId, ['Running'], 30_000);
    await new Promise((r) => setTimeout(r, 500)); // well inside the separation
    a.child.kill('SIGKILL');
    await a.exit;
    const b = start(['worker', '--lease-ms', '4000']);
    await b.ready;
    const done = await waitState(cos, jobId, ['Success', 'Failed'], 150_000);
    assert.equal(done.State, 'Success', `${done.Code}: ${done.Message}`);
    const store = openSqliteStore(join(dataDir, 'metadata.sqlite'));
    try {
      const job = await findJob(store.db, jobId);
      assert.equal(job?.attempts, 2, 'run twice: once killed, once to the end');
      assert.equal(job?.state, 'Success');
    } finally {
      await store.close();
    }
    const list = await call(cos, 'getBucket', { Bucket, Region, Prefix: `out/${jobId}/` });
    assert.deepEqual(list.data.Contents.map((c: { Key: string }) => c.Key).sort(), [`out/${jobId}/bg.mp3`, `out/${jobId}/v.mp3`]);
    b.child.kill('SIGTERM');
    assert.equal(await b.exit, 0, 'worker drains and exits 0 on SIGTERM');
  });

  test('2. queued jobs survive a server restart; SIGTERM exits 0', async () => {
    const ids = [await submit('in/short.mp3'), await submit('in/short.mp3')];
    api.child.kill('SIGTERM');
    assert.equal(await api.exit, 0);
    api = start(['serve', '--port', '0', '--worker-concurrency', '1']);
    cos = cosClient(await api.ready, 'ip');
    for (const id of ids) {
      const d = await waitState(cos, id, ['Success', 'Failed'], 60_000);
      assert.equal(d.State, 'Success', d.Message);
    }
    api.child.kill('SIGTERM');
    assert.equal(await api.exit, 0);
  });
});
