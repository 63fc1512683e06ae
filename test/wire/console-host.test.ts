import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/http/auth/cos-signature.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, cosClient, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * What the web console relies on (src/console): its files are served to
 * unsigned GETs under /console/, and a *signed* `x-smart-audio-host` header
 * addresses a virtual host the browser cannot put in `Host`. SDK requests
 * (no such header; signed `/console/…` object keys) behave as before.
 */
const Bucket = `chost-${APPID}`;

describe('console addressing and files', () => {
  let server: TestServer;
  const local = () => `127.0.0.1:${server.port}`;

  before(async () => {
    server = await startTestServer();
    const cos = cosClient(server.port, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region: REGION })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket, Region: REGION, Key: 'console/app.js', Body: Buffer.from('an object, not the console') })).err, null);
  });
  after(() => server.close());

  test('1. unsigned GET /console/ serves the page, its script and style with a self-only CSP', async () => {
    const page = await fetch(`${server.url}/console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'none'; script-src 'self'/);
    const html = await page.text();
    assert.match(html, /<meta name="smart-audio-domain" content="myqcloud.com">/);
    assert.doesNotMatch(html, /https?:\/\//, 'the page loads nothing from another origin');
    const js = await fetch(`${server.url}/console/app.js`);
    assert.equal(js.status, 200);
    assert.match(await js.text(), /x-smart-audio-host/);
    assert.equal((await fetch(`${server.url}/console/console.css`)).status, 200);
    assert.equal((await fetch(`${server.url}/console/missing.js`)).status, 404);
    const redirect = await fetch(`${server.url}/console`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/console/');
  });

  test('2. a signed GET of the object console/app.js in a virtual-hosted bucket still reaches the object', async () => {
    const r = await rawRequest({ port: server.port, method: 'GET', host: `${Bucket}.cos.${REGION}.myqcloud.com`, path: '/console/app.js' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'an object, not the console');
  });

  test('3. a signed x-smart-audio-host routes like that Host (CI and COS)', async () => {
    const ci = await rawRequest({
      port: server.port, method: 'POST', host: local(), path: '/asrbucket',
      headers: { 'x-smart-audio-host': `${Bucket}.ci.${REGION}.myqcloud.com` }, signHeaders: ['x-smart-audio-host'],
    });
    assert.equal(ci.status, 200, ci.body);
    assert.match(ci.body, new RegExp(`<Name>${Bucket}</Name>`));
    assert.match(String(ci.headers['x-ci-request-id']), /.+/);
    const cos = await rawRequest({
      port: server.port, method: 'GET', host: local(), path: '/console/app.js',
      headers: { 'x-smart-audio-host': `${Bucket}.cos.${REGION}.myqcloud.com` }, signHeaders: ['x-smart-audio-host', 'host'],
    });
    assert.equal(cos.status, 200, cos.body);
    assert.equal(cos.body, 'an object, not the console');
  });

  test('4. an unsigned x-smart-audio-host is refused, never used for routing', async () => {
    const r = await rawRequest({
      port: server.port, method: 'GET', host: local(), path: '/asrqueue',
      headers: { 'x-smart-audio-host': `${Bucket}.ci.${REGION}.myqcloud.com` }, signHeaders: ['host'],
    });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>AccessDenied<\/Code>/);
    assert.match(r.body, /x-smart-audio-host header is honoured only when it is signed/);
  });

  test('5. a tampered x-smart-audio-host fails the signature', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await rawRequest({
      port: server.port, method: 'GET', host: local(), path: '/asrqueue',
      headers: { 'x-smart-audio-host': `${Bucket}.ci.${REGION}.myqcloud.com` }, signHeaders: ['x-smart-audio-host'], window: [now - 60, now + 600],
    });
    assert.equal(good.status, 200, good.body);
    const other = `other-${APPID}.ci.${REGION}.myqcloud.com`;
    const auth = signRequest({ secretId: ROOT_ID, secretKey: ROOT_KEY, method: 'GET', decodedPath: '/asrqueue', headers: { 'x-smart-audio-host': `${Bucket}.ci.${REGION}.myqcloud.com` }, startTime: now - 60, endTime: now + 600 });
    const r = await rawRequest({ port: server.port, method: 'GET', host: local(), path: '/asrqueue', headers: { 'x-smart-audio-host': other }, authorization: auth });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>AccessDenied<\/Code>/);
  });

  test('6. SDK calls on keys under console/ are unaffected', async () => {
    const sdk = cosClient(server.port, 'ip');
    const { err, data } = await call(sdk, 'getBucket', { Bucket, Region: REGION, Prefix: 'console/' });
    assert.equal(err, null);
    assert.deepEqual(data.Contents.map((c: { Key: string }) => c.Key), ['console/app.js']);
  });

  test('7. with --require-signed-host, a signed x-smart-audio-host stands in for host; neither signed is refused', async () => {
    const strict = await startTestServer({ 'require-signed-host': 'true' });
    try {
      const headers = { 'x-smart-audio-host': `cos.${REGION}.myqcloud.com` };
      const ok = await rawRequest({ port: strict.port, method: 'GET', host: `127.0.0.1:${strict.port}`, path: '/', headers, signHeaders: ['x-smart-audio-host'] });
      assert.equal(ok.status, 200, ok.body);
      assert.match(ok.body, /<ListAllMyBucketsResult>/);
      const refused = await rawRequest({ port: strict.port, method: 'GET', host: `127.0.0.1:${strict.port}`, path: '/', signHeaders: [] });
      assert.equal(refused.status, 403);
      assert.match(refused.body, /requires the host header to be signed/);
    } finally {
      await strict.close();
    }
  });
});
