import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { makeMedia } from '../../helpers/media.ts';
import { APPID, REGION, call, ciCall, cosClient } from '../../helpers/server.ts';
import { Cluster, dbRows, waitAllTerminal, type Proc } from './cluster.ts';

/**
 * Issue 8, fault test 1: an API process (`serve --no-worker`), two worker
 * processes and PostgreSQL; 50 short NoiseReduction jobs queued; one worker
 * killed with SIGKILL while it runs jobs. Every job ends Success exactly once
 * (one finish, one notification), its output object exists exactly once,
 * the queue's MaxConcurrent is never exceeded across the two workers, and
 * callbacks carry a stable idempotency key (x-ci-notification-id).
 */
const Bucket = `scale-${APPID}`;
const Region = REGION;
const JOBS = 50;
const MAX_CONCURRENT = 3;

describe('scale-out: two workers on PostgreSQL, one killed mid-job', { timeout: 420_000 }, () => {
  const cluster = new Cluster();
  let receiver: Server;
  let receiverUrl = '';
  const received: Array<{ jobId: string; notificationId: string }> = [];
  before(async () => {
    await cluster.init();
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ jobId: String(req.headers['x-ci-job-id']), notificationId: String(req.headers['x-ci-notification-id']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/cb`;
  });
  after(async () => {
    receiver?.close();
    await cluster.close();
  });

  test(`${JOBS} jobs, kill -9 one of two workers: all Success exactly once, outputs complete`, async () => {
    const api = cluster.start(['serve', '--port', '0', '--no-worker', '--callback-allow', 'loopback', '--queue-max-concurrent', String(MAX_CONCURRENT)]);
    const cos = cosClient(await api.ready, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    const wav = makeMedia('scale-noisy.wav', [
      '-f', 'lavfi', '-i', 'sine=frequency=300:duration=2:sample_rate=16000', '-f', 'lavfi', '-i', 'anoisesrc=color=white:duration=2:sample_rate=16000:amplitude=0.1',
      '-filter_complex', '[0][1]amix=inputs=2', '-ac', '1', '-c:a', 'pcm_s16le',
    ]);
    assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'in/noisy.wav', Body: wav })).err, null);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const r = await ciCall(cos, {
        Method: 'POST', Bucket, Path: 'jobs',
        Body: { Request: { Tag: 'NoiseReduction', Input: { Object: 'in/noisy.wav' }, Operation: { NoiseReduction: { Format: 'wav' }, Output: { Region, Bucket, Object: 'nr/${jobid}.${ext}' } }, CallBack: receiverUrl, CallBackFormat: 'JSON' } },
      });
      assert.equal(r.err, null, JSON.stringify(r.err?.error));
      ids.push(r.data.Response.JobsDetail.JobId);
    }

    const workerArgs = ['worker', '--lease-ms', '3000', '--worker-concurrency', '2', '--noise-reduction-engine', 'rnnoise', '--callback-allow', 'loopback'];
    const workers: Proc[] = [cluster.start(workerArgs), cluster.start(workerArgs)];
    await Promise.all(workers.map((w) => w.ready));
    const victim = workers[0]!;
    const holdsJobs = async () =>
      (await dbRows<{ id: string }>(cluster.db, `SELECT id FROM jobs WHERE state = 'Running' AND locked_by LIKE $1`, [`%:${victim.pid}:%`])).map((r) => r.id);
    const deadline = Date.now() + 120_000;
    while ((await holdsJobs()).length === 0) {
      assert.ok(Date.now() < deadline, 'the victim never claimed a job');
      await new Promise((r) => setTimeout(r, 20));
    }
    victim.child.kill('SIGKILL');
    await victim.exit;
    // The jobs it held when it died: only lease recovery can finish them now.
    const orphans = await holdsJobs();
    assert.ok(orphans.length > 0, 'the victim died holding a job');

    let maxRunning = 0;
    const final = await waitAllTerminal(cluster.db, 300_000, (s) => (maxRunning = Math.max(maxRunning, s.Running ?? 0)));
    assert.deepEqual(final, { Success: JOBS }, 'every job ended Success');
    assert.ok(maxRunning <= MAX_CONCURRENT, `MaxConcurrent ${MAX_CONCURRENT} held across workers (saw ${maxRunning})`);

    const rows = await dbRows<{ id: string; attempts: number; locked_by: string | null }>(cluster.db, 'SELECT id, attempts, locked_by FROM jobs');
    for (const id of orphans) {
      const r = rows.find((x) => x.id === id)!;
      assert.equal(r.attempts, 2, `orphan ${id} ran again after its lease expired`);
    }
    assert.ok(rows.every((r) => r.locked_by === null), 'no lease left behind');
    // Finished exactly once: the outbox holds one notification per job (written in the finishing transaction).
    const outbox = await dbRows<{ job_id: string; n: number }>(cluster.db, 'SELECT job_id, count(*)::int AS n FROM callbacks GROUP BY job_id');
    assert.equal(outbox.length, JOBS);
    assert.ok(outbox.every((r) => r.n === 1), 'one notification per job');

    // Each output object exists once under its job's key; nothing else was written.
    const listed = await call(cos, 'getBucket', { Bucket, Region, Prefix: 'nr/', MaxKeys: 1000 });
    assert.equal(listed.err, null);
    const keys = listed.data.Contents.map((c: { Key: string }) => c.Key).sort();
    assert.deepEqual(keys, ids.map((id) => `nr/${id}.wav`).sort());

    // Callbacks: at least once, each job's deliveries under one idempotency key.
    const end = Date.now() + 30_000;
    while (new Set(received.map((r) => r.jobId)).size < JOBS && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const byJob = new Map<string, Set<string>>();
    for (const r of received) byJob.set(r.jobId, (byJob.get(r.jobId) ?? new Set()).add(r.notificationId));
    assert.equal(byJob.size, JOBS, 'every job notified');
    assert.ok([...byJob.values()].every((s) => s.size === 1), 'redeliveries reuse the notification id');

    const survivor = workers[1]!;
    survivor.child.kill('SIGTERM');
    assert.equal(await survivor.exit, 0, 'the surviving worker drains and exits 0');
    api.child.kill('SIGTERM');
    assert.equal(await api.exit, 0);
  });
});
