import { engineIds } from '../../../src/audio/engines/registry.ts';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/load.ts';
import { startWorker } from '../../../src/main.ts';
import { songMp3 } from '../../helpers/media.ts';
import { freePort, httpGet, parseMetrics, sample, type Sample } from '../../helpers/ops.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, ciCall, cosClient, startTestServer, type TestServer } from '../../helpers/server.ts';

/**
 * Prometheus metrics (issue #8 §4), scraped from the admin listener of an API
 * server (no worker) and of a separate worker on the same data directory,
 * after real SDK requests and a real job.
 */
const Bucket = `metrics-${APPID}`;
const Region = REGION;

describe('metrics', { timeout: 180_000 }, () => {
  let server: TestServer;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  let receiver: Server;
  let receiverUrl = '';
  let cos: ReturnType<typeof cosClient>;
  let adminPort = 0;
  const scrape = async (port: number): Promise<{ text: string; samples: Sample[] }> => {
    const r = await httpGet(port, '/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return { text: r.body, samples: parseMetrics(r.body) };
  };

  before(async () => {
    // A callback receiver that always refuses: one attempt, then given up.
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(500).end('no')));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    adminPort = await freePort();
    server = await startTestServer({ 'metrics-port': String(adminPort), 'worker-concurrency': '0', 'callback-allow': 'loopback' });
    assert.equal(server.adminPort, adminPort);
    cos = cosClient(server.port, 'ip');
  });

  after(async () => {
    await worker?.close();
    await server.close();
    await new Promise((r) => receiver.close(r));
  });

  test('1. requests are counted by API operation and status, never by path; latency histograms per operation', async () => {
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    for (let i = 0; i < 3; i++) assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: `secret-name-${i}.txt`, Body: 'hello' })).err, null);
    assert.equal((await call(cos, 'getObject', { Bucket, Region, Key: 'secret-name-0.txt' })).err, null);
    assert.equal((await call(cos, 'headObject', { Bucket, Region, Key: 'secret-name-1.txt' })).err, null);
    assert.equal((await call(cos, 'getObject', { Bucket, Region, Key: 'missing-key.txt' })).err?.statusCode, 404);
    const bad = cosClient(server.port, 'ip', ROOT_ID, 'not-the-key-0000');
    assert.equal((await call(bad, 'getObject', { Bucket, Region, Key: 'secret-name-0.txt' })).err?.statusCode, 403);

    const { text, samples } = await scrape(adminPort);
    assert.equal(sample(samples, 'smart_audio_http_requests_total', { api: 'PutBucket', status: '200' }), 1);
    assert.equal(sample(samples, 'smart_audio_http_requests_total', { api: 'PutObject', status: '200' }), 3);
    assert.equal(sample(samples, 'smart_audio_http_requests_total', { api: 'GetObject', status: '200' }), 1);
    assert.equal(sample(samples, 'smart_audio_http_requests_total', { api: 'HeadObject', status: '200' }), 1);
    assert.equal(sample(samples, 'smart_audio_http_requests_total', { api: 'GetObject', status: '404' }), 1);
    // Refused by the signature check, before routing: still named after the operation.
    assert.equal(sample(samples, 'smart_audio_http_requests_total', { api: 'GetObject', status: '403' }), 1);
    assert.equal(sample(samples, 'smart_audio_http_request_duration_seconds_count', { api: 'PutObject' }), 3);
    const sum = sample(samples, 'smart_audio_http_request_duration_seconds_sum', { api: 'PutObject' })!;
    assert.ok(sum > 0 && sum < 60, `PutObject latency sum ${sum} s`);
    assert.equal(sample(samples, 'smart_audio_http_request_duration_seconds_bucket', { api: 'PutObject', le: '+Inf' }), 3);
    assert.ok(!text.includes('secret-name') && !text.includes('missing-key') && !text.includes(Bucket), 'no key or bucket in any label');
    const apis = new Set(samples.filter((s) => s.name === 'smart_audio_http_requests_total').map((s) => s.labels.api));
    for (const api of apis) assert.match(api!, /^[A-Z][A-Za-z]+$/, `api label "${api}" is an operation name`);
    // Process metrics of prom-client.
    assert.ok(sample(samples, 'process_cpu_user_seconds_total')! > 0);
    assert.ok(sample(samples, 'nodejs_heap_size_used_bytes')! > 0);
  });

  test('2. jobs: waiting jobs and queue depth from the store; a worker reports duration, RTF and callback failures', async () => {
    assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'in/song.mp3', Body: songMp3(3) })).err, null);
    const s = await ciCall(cos, {
      Method: 'POST', Bucket, Path: 'jobs',
      Body: { Request: { Tag: 'VoiceSeparate', Input: { Object: 'in/song.mp3' }, Operation: { VoiceSeparate: { AudioMode: 'IsBackground', AudioConfig: { Codec: 'wav' } }, Output: { Region, Bucket, Object: 'out/${jobid}.${ext}' } }, CallBack: receiverUrl } },
    });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const jobId = s.data.Response.JobsDetail.JobId as string;

    let m = (await scrape(adminPort)).samples;
    assert.equal(sample(m, 'smart_audio_jobs', { tag: 'VoiceSeparate', state: 'Submitted' }), 1);
    assert.equal(sample(m, 'smart_audio_queue_depth'), 1);
    assert.equal(sample(m, 'smart_audio_worker_slots'), undefined, 'this API server runs no worker');
    assert.ok(sample(m, 'smart_audio_queue_oldest_wait_seconds')! >= 0);
    assert.equal(sample(m, 'smart_audio_http_requests_total', { api: 'CreateMediaJobs', status: '200' }), 1);

    const workerAdmin = await freePort();
    worker = await startWorker(loadConfig(
      { 'data-dir': server.dataDir, 'log-level': 'silent', 'metrics-port': String(workerAdmin), 'callback-allow': 'loopback', 'callback-max-attempts': '1' },
      { SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID },
    ));
    assert.equal(worker.adminPort, workerAdmin);
    const end = Date.now() + 120_000;
    let state = '';
    while (Date.now() < end) {
      const r = await ciCall(cos, { Method: 'GET', Bucket, Path: `jobs/${jobId}` });
      state = r.data?.Response?.JobsDetail?.State;
      if (state === 'Success' || state === 'Failed') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(state, 'Success');

    // The callback is delivered after the job ends: wait for its one failed attempt.
    const cbEnd = Date.now() + 20_000;
    do {
      m = (await scrape(workerAdmin)).samples;
      if (sample(m, 'smart_audio_callback_failures_total', { final: 'true' })) break;
      await new Promise((res) => setTimeout(res, 200));
    } while (Date.now() < cbEnd);
    assert.equal(sample(m, 'smart_audio_callback_failures_total', { final: 'true' }), 1, 'the refused notification is given up after 1 attempt');
    assert.equal(sample(m, 'smart_audio_jobs_finished_total', { tag: 'VoiceSeparate', state: 'Success' }), 1);
    assert.equal(sample(m, 'smart_audio_worker_slots'), 1);
    assert.equal(sample(m, 'smart_audio_worker_busy_slots'), 0);
    assert.equal(sample(m, 'smart_audio_job_duration_seconds_count', { tag: 'VoiceSeparate', state: 'Success' }), 1);
    const seconds = sample(m, 'smart_audio_job_duration_seconds_sum', { tag: 'VoiceSeparate', state: 'Success' })!;
    assert.ok(seconds > 0 && seconds < 120, `job duration ${seconds} s`);
    assert.equal(sample(m, 'smart_audio_job_wait_seconds_count', { tag: 'VoiceSeparate' }), 1);
    const rtf = m.filter((x) => x.name === 'smart_audio_engine_rtf_count');
    assert.equal(rtf.length, 1, 'one engine ran');
    assert.ok(engineIds().includes(rtf[0]!.labels.engine!), `engine label ${rtf[0]!.labels.engine} is a registered engine`);
    assert.equal(rtf[0]!.value, 1);
    const rtfSum = sample(m, 'smart_audio_engine_rtf_sum', { engine: rtf[0]!.labels.engine! })!;
    assert.ok(rtfSum > 0 && rtfSum < 40, `RTF ${rtfSum}`);
    // The store gauges agree in every process: nothing waits or runs now.
    for (const port of [adminPort, workerAdmin]) {
      const g = (await scrape(port)).samples;
      assert.equal(sample(g, 'smart_audio_queue_depth'), 0);
      assert.equal(sample(g, 'smart_audio_jobs', { tag: 'VoiceSeparate', state: 'Submitted' }), undefined);
      assert.equal(sample(g, 'smart_audio_queue_oldest_wait_seconds'), 0);
    }
  });
});
