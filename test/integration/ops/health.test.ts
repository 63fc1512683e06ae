import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Readiness, storeProbe } from '../../../src/ops/readiness.ts';
import { freePort, httpGet } from '../../helpers/ops.ts';
import { rawRequest } from '../../helpers/raw-http.ts';
import { startS3rver } from '../../helpers/s3rver.ts';
import { APPID, REGION, call, cosClient, startTestServer, type TestServer } from '../../helpers/server.ts';

/**
 * /healthz and /readyz (issue #8 §4) on the admin listener and on the API
 * port, without stealing COS paths: a bucket-addressed `healthz` key is still
 * an object.
 */
const Bucket = `health-${APPID}`;
const Region = REGION;

describe('health and readiness', { timeout: 60_000 }, () => {
  let server: TestServer;
  let adminPort = 0;

  before(async () => {
    adminPort = await freePort();
    server = await startTestServer({ 'metrics-port': String(adminPort), 'worker-concurrency': '0' });
  });
  after(() => server.close());

  test('1. /healthz and /readyz answer 200 with JSON on the admin port and, for a Host that addresses no bucket, on the API port', async () => {
    for (const port of [adminPort, server.port]) {
      const h = await httpGet(port, '/healthz');
      assert.equal(h.status, 200);
      assert.deepEqual(JSON.parse(h.body), { status: 'ok' });
      const r = await httpGet(port, '/readyz');
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), { status: 'ready', checks: { store: 'ok', storage: 'ok' } });
      assert.equal(r.headers['cache-control'], 'no-store');
    }
    assert.equal((await httpGet(server.port, '/healthz', 'localhost')).status, 200);
    assert.equal((await httpGet(adminPort, '/nothing')).status, 404);
  });

  test('2. a bucket-addressed request for the key "healthz" or "readyz" is an object request', async () => {
    const cos = cosClient(server.port, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: 'healthz', Body: 'my object' })).err, null);
    const got = await call(cos, 'getObject', { Bucket, Region, Key: 'healthz' });
    assert.equal(got.err, null);
    assert.equal(got.data.Body.toString(), 'my object');
    assert.equal((await call(cos, 'getObject', { Bucket, Region, Key: 'readyz' })).err?.statusCode, 404, 'NoSuchKey, not a health answer');
    // Virtual-host and path-style unsigned GETs are refused like any object GET.
    const vhost = await rawRequest({ port: server.port, method: 'GET', host: `${Bucket}.cos.${Region}.myqcloud.com`, path: '/healthz', unsigned: true });
    assert.equal(vhost.status, 403);
    assert.match(vhost.body, /<Code>AccessDenied<\/Code>/);
    const pathStyle = await rawRequest({ port: server.port, method: 'GET', host: '127.0.0.1', path: `/${Bucket}/healthz`, unsigned: true });
    assert.equal(pathStyle.status, 403);
    const signed = await rawRequest({ port: server.port, method: 'GET', host: `${Bucket}.cos.${Region}.myqcloud.com`, path: '/healthz' });
    assert.equal(signed.status, 200);
    assert.equal(signed.body, 'my object');
  });

  test('3. with --default-bucket every other Host addresses that bucket, so /healthz on the API port is an object key', async () => {
    const other = await startTestServer({ 'worker-concurrency': '0', 'default-bucket': Bucket });
    try {
      const r = await httpGet(other.port, '/healthz');
      assert.equal(r.status, 403, 'an unsigned object GET');
      assert.match(r.body, /<Code>AccessDenied<\/Code>/);
    } finally {
      await other.close();
    }
  });

  test('4. storage that cannot be written makes /readyz 503 (naming the probe) until it recovers; /healthz stays 200', async () => {
    const tmp = join(server.dataDir, 'objects', 'tmp');
    renameSync(tmp, `${tmp}.away`);
    writeFileSync(tmp, 'a file where the upload directory should be');
    try {
      await new Promise((r) => setTimeout(r, 1100)); // past the 1 s report cache
      const api = await httpGet(server.port, '/readyz');
      assert.equal(api.status, 503);
      assert.deepEqual(JSON.parse(api.body), { status: 'not-ready', checks: { store: 'ok', storage: 'failed' } });
      const admin = JSON.parse((await httpGet(adminPort, '/readyz')).body);
      assert.match(admin.checks.storage, /ENOTDIR|not a directory/i, 'the admin port gives the reason');
      assert.equal((await httpGet(server.port, '/healthz')).status, 200);
    } finally {
      rmSync(tmp);
      renameSync(`${tmp}.away`, tmp);
    }
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await httpGet(server.port, '/readyz')).status, 200);
  });

  test('5. Readiness: a closed store fails its probe; draining reports 503 whatever the probes say', async () => {
    const dir = join(server.dataDir, 'probe-store');
    mkdirSync(dir);
    const { openSqliteStore } = await import('../../../src/store/sqlite/open.ts');
    const store = openSqliteStore(join(dir, 'm.sqlite'));
    const readiness = new Readiness([storeProbe(store)], 500, 0);
    assert.deepEqual(await readiness.report(), { ready: true, status: 'ready', checks: { store: 'ok' } });
    await store.close();
    const down = await readiness.report();
    assert.equal(down.ready, false);
    assert.notEqual(down.checks.store, 'ok');
    const fresh = new Readiness([], 500, 0);
    fresh.startDraining();
    assert.deepEqual(await fresh.report(), { ready: false, status: 'draining', checks: {} });
  });

  test('6. with --storage s3://…: ready while S3 answers, 503 (storage failed) while it hangs, ready again after; the probe object is no tenant\'s bucket', { timeout: 60_000 }, async () => {
    const s3 = await startS3rver('readyz-probe');
    const admin = await freePort();
    const s3server = await startTestServer({ storage: s3.storageUrl('objects/'), 'metrics-port': String(admin), 'worker-concurrency': '0' });
    try {
      const ready = await httpGet(admin, '/readyz');
      assert.equal(ready.status, 200, ready.body);
      assert.deepEqual(JSON.parse(ready.body).checks, { store: 'ok', storage: 'ok' });
      // The probe's bucket is a key prefix in the one S3 bucket, not a bucket a tenant sees.
      const cos = cosClient(s3server.port, 'ip');
      const listed = await call(cos, 'getService', {});
      assert.equal(listed.err, null);
      assert.ok(!JSON.stringify(listed.data.Buckets ?? []).includes('readyz'), JSON.stringify(listed.data.Buckets));
      s3.pause();
      try {
        await new Promise((r) => setTimeout(r, 1100)); // past the 1 s report cache
        const t0 = Date.now();
        const down = await httpGet(admin, '/readyz');
        assert.equal(down.status, 503, down.body);
        assert.equal(JSON.parse(down.body).checks.store, 'ok');
        assert.notEqual(JSON.parse(down.body).checks.storage, 'ok');
        assert.ok(Date.now() - t0 < 5000, `answered in ${Date.now() - t0} ms (the probe has a time limit)`);
        assert.equal((await httpGet(admin, '/healthz')).status, 200, 'alive while not ready');
      } finally {
        s3.resume();
      }
      let status = 0;
      for (let i = 0; i < 40 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        status = (await httpGet(admin, '/readyz')).status;
      }
      assert.equal(status, 200, 'ready again once S3 answers');
    } finally {
      await s3server.close();
      await s3.stop();
    }
  });
});
