import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { signRequest } from '../../src/http/auth/cos-signature.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { APPID, ROOT_ID, ROOT_KEY } from '../helpers/server.ts';

/** Secrets never appear in logs (DEVELOPERS.md "Engineering standards"), even at trace level. */
test('no secret key, signature or Authorization value reaches the logs', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-logs-'));
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'trace', '--worker-concurrency', '0'], {
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
    assert.equal((await rawRequest({ port, method: 'GET', host, path: '/a.txt', secretKey: 'wrong-key-123' })).status, 403);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    assert.ok(logs.includes('request'), 'request logging is on');
    assert.ok(!logs.includes(ROOT_KEY), 'secret key not logged');
    assert.ok(!logs.includes(signature), 'presigned signature not logged');
    assert.ok(!/q-signature=[0-9a-f]{40}/.test(logs), 'no signature logged');
    assert.ok(logs.includes('q-signature=[redacted]'), 'presigned URLs are logged redacted');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
