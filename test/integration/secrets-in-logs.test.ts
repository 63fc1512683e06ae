import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { signRequest } from '../../src/http/auth/cos-signature.ts';
import { freePort, httpGet } from '../helpers/ops.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { APPID, ROOT_ID, ROOT_KEY } from '../helpers/server.ts';

/** Secrets never appear in logs (DEVELOPERS.md "Engineering standards"), even at trace level. */
test('no secret key, signature or Authorization value reaches the logs', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-logs-'));
  const admin = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'trace', '--worker-concurrency', '0', '--metrics-port', String(admin)], {
    env: { ...process.env, SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(logs);
        if (m) {
          clearInterval(t);
          resolve(Number(m[1]));
        }
      }, 20);
      child.once('exit', () => reject(new Error(logs)));
    });
    const host = `logs-${APPID}.cos.ap-guangzhou.myqcloud.com`;
    assert.equal((await rawRequest({ port, method: 'PUT', host, path: '/' })).status, 200);
    const put = await rawRequest({ port, method: 'PUT', host, path: '/a.txt', body: 'x' });
    assert.equal(put.status, 200);
    const now = Math.floor(Date.now() / 1000);
    const auth = signRequest({ secretId: ROOT_ID, secretKey: ROOT_KEY, method: 'GET', decodedPath: '/a.txt', headers: { host }, startTime: now - 5, endTime: now + 600 });
    const signature = /q-signature=([0-9a-f]+)/.exec(auth)![1]!;
    const query = auth.split('&').map((kv) => { const i = kv.indexOf('='); return `${kv.slice(0, i)}=${encodeURIComponent(kv.slice(i + 1))}`; }).join('&');
    assert.equal((await rawRequest({ port, method: 'GET', host, path: '/a.txt', rawQuery: query, unsigned: true })).status, 200);
    const refused = await rawRequest({ port, method: 'GET', host, path: '/a.txt', secretKey: 'wrong-key-123' });
    assert.equal(refused.status, 403);
    // Operations surfaces (issue #8 §4): metrics and readiness carry no secret either.
    const metrics = (await httpGet(admin, '/metrics')).body;
    const ready = (await httpGet(admin, '/readyz')).body + (await httpGet(port, '/readyz')).body;
    for (const text of [metrics, ready]) {
      assert.ok(!text.includes(ROOT_KEY) && !text.includes(signature) && !text.includes('q-signature'), 'no secret in /metrics or /readyz');
    }
    assert.match(metrics, /smart_audio_http_requests_total\{api="GetObject",status="403"\} 1/);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    assert.ok(logs.includes('request'), 'request logging is on');
    assert.ok(!logs.includes(ROOT_KEY), 'secret key not logged');
    assert.ok(!logs.includes(signature), 'presigned signature not logged');
    assert.ok(!/q-signature=[0-9a-f]{40}/.test(logs), 'no signature logged');
    assert.ok(logs.includes('q-signature=[redacted]'), 'presigned URLs are logged redacted');
    // Every request's log lines carry the id the client got in x-cos-request-id.
    const lines = logs.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => l.requestId === refused.headers['x-cos-request-id']);
    assert.ok(mine.some((l) => l.msg === 'request completed' && l.api === 'GetObject'), 'the refused request is findable by its request id');
    for (const l of lines) for (const v of Object.values(l)) assert.ok(!JSON.stringify(v).includes(ROOT_KEY));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
