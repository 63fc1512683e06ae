import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { AddressPolicy } from '../../../src/net/address-policy.ts';
import { fetchGuarded, FetchFailure } from '../../../src/net/fetch-guarded.ts';

/**
 * The guarded fetch of untrusted URLs (Tts text from a URL, spec/jobs.md
 * §1.4) against a real HTTP server on 127.0.0.1: loopback is refused unless
 * allowed, also when a redirect leads there; redirects are followed and
 * bounded; the size limit holds with and without Content-Length.
 */
let server: Server;
let base = '';
const allowLoopback = new AddressPolicy(['loopback']);
const publicOnly = new AddressPolicy([]);

before(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname === '/text') res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('你好, world');
    else if (u.pathname === '/redirect') res.writeHead(302, { location: '/text' }).end();
    else if (u.pathname === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (u.pathname === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    else if (u.pathname === '/big') res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
    else if (u.pathname === '/big-chunked') {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
      res.end();
    } else if (u.pathname === '/slow') setTimeout(() => res.writeHead(200).end('late'), 2000);
    else res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const opts = (policy = allowLoopback, extra: Partial<Parameters<typeof fetchGuarded>[1]> = {}) => ({ policy, maxBytes: 4096, timeoutMs: 5000, ...extra });
const failsWith = (kind: string, msg?: RegExp) => (err: unknown) => err instanceof FetchFailure && err.kind === kind && (!msg || msg.test(err.message));

describe('fetchGuarded', () => {
  test('1. fetches a body (UTF-8 kept byte for byte) when the address is allowed', async () => {
    const r = await fetchGuarded(`${base}/text`, opts());
    assert.equal(r.body.toString('utf8'), '你好, world');
    assert.match(r.contentType ?? '', /text\/plain/);
  });

  test('2. loopback is refused by default, as a literal and as localhost', async () => {
    await assert.rejects(fetchGuarded(`${base}/text`, opts(publicOnly)), failsWith('refused', /loopback/));
    await assert.rejects(fetchGuarded(`${base.replace('127.0.0.1', 'localhost')}/text`, opts(publicOnly)), failsWith('refused', /loopback/));
  });

  test('3. redirects are followed, each hop re-checked (a redirect to 169.254.169.254 is refused)', async () => {
    assert.equal((await fetchGuarded(`${base}/redirect`, opts())).body.toString(), '你好, world');
    await assert.rejects(fetchGuarded(`${base}/to-metadata`, opts()), failsWith('refused', /link-local/));
    await assert.rejects(fetchGuarded(`${base}/loop`, opts()), failsWith('too-many-redirects'));
  });

  test('4. the size limit holds by Content-Length and while reading', async () => {
    await assert.rejects(fetchGuarded(`${base}/big`, opts()), failsWith('too-large', /5000/));
    await assert.rejects(fetchGuarded(`${base}/big-chunked`, opts()), failsWith('too-large'));
  });

  test('5. HTTP errors, bad schemes, credentials and timeouts are FetchFailures', async () => {
    await assert.rejects(fetchGuarded(`${base}/missing`, opts()), failsWith('http-status', /404/));
    await assert.rejects(fetchGuarded('file:///etc/passwd', opts()), failsWith('bad-url', /file:/));
    await assert.rejects(fetchGuarded(`http://u:p@127.0.0.1:1/`, opts()), failsWith('bad-url', /credentials/));
    await assert.rejects(fetchGuarded('not a url', opts()), failsWith('bad-url'));
    await assert.rejects(fetchGuarded(`${base}/slow`, opts(allowLoopback, { timeoutMs: 300 })), failsWith('timeout'));
  });
});
