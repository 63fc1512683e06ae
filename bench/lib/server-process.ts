/**
 * Child-process entry for benchmark servers, so the load generator never shares
 * a process (or an event loop) with the server it measures.
 *
 *   node --import tsx bench/lib/server-process.ts ours --data-dir DIR [--log-level warn]
 *     The real server (startServer + loadConfig), root credential from
 *     SMART_AUDIO_SECRET_ID / SMART_AUDIO_SECRET_KEY / SMART_AUDIO_APPID.
 *
 *   node --import tsx bench/lib/server-process.ts bare --spec FILE
 *     A bare node:http handler with no auth and no routing: answers HEAD and
 *     GET with the status/headers recorded in FILE (JSON, see BareSpec), the
 *     GET body read once from `bodyFile` into memory, or, with
 *     `"streamFromFile": true`, streamed from that file on every request.
 *
 * Both listen on 127.0.0.1, port 0, and report `{ ready, port, pid }` to the
 * parent over IPC. SIGTERM closes the server and exits 0 (so `--cpu-prof`
 * profiles get written); losing the parent (IPC disconnect) does the same.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

export interface BareResponse {
  status: number;
  headers: Record<string, string>;
}

export interface BareSpec {
  head: BareResponse;
  get: BareResponse;
  /** The GET body. */
  bodyFile: string;
  /** Stream the body from `bodyFile` per request (fs cost included) instead of one in-memory Buffer. */
  streamFromFile?: boolean;
}

export interface ReadyMessage {
  ready: true;
  kind: string;
  port: number;
  pid: number;
}

function report(kind: string, port: number): void {
  const msg: ReadyMessage = { ready: true, kind, port, pid: process.pid };
  if (process.send) process.send(msg);
  else process.stdout.write(JSON.stringify(msg) + '\n');
}

function onStop(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`bench server: error while stopping: ${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

async function runOurs(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, 'log-level': { type: 'string' } } });
  if (!values['data-dir']) throw new Error('ours: --data-dir is required');
  const { loadConfig } = await import('../../src/config/load.ts');
  const { startServer } = await import('../../src/main.ts');
  const config = loadConfig(
    { host: '127.0.0.1', port: '0', 'data-dir': values['data-dir'], 'log-level': values['log-level'] ?? 'warn' },
    process.env,
  );
  const server = await startServer(config, (line) => process.stderr.write(line + '\n'));
  onStop(() => server.close());
  report('ours', server.port);
}

async function runBare(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { spec: { type: 'string' } } });
  if (!values.spec) throw new Error('bare: --spec is required');
  const spec = JSON.parse(readFileSync(values.spec, 'utf8')) as BareSpec;
  const body = spec.streamFromFile ? undefined : readFileSync(spec.bodyFile);
  const headHeaders: OutgoingHttpHeaders = spec.head.headers;
  const getHeaders: OutgoingHttpHeaders = spec.get.headers;
  const server = createServer((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(spec.head.status, headHeaders);
      res.end();
    } else if (req.method === 'GET') {
      res.writeHead(spec.get.status, getHeaders);
      if (body) res.end(body);
      else pipeline(createReadStream(spec.bodyFile), res).catch(() => undefined); // closes the file when the client goes away
    } else {
      req.resume();
      res.writeHead(405, { 'content-length': '0' });
      res.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onStop(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const addr = server.address();
  report(spec.streamFromFile ? 'bare-file' : 'bare', typeof addr === 'object' && addr ? addr.port : 0);
}

const [kind, ...rest] = process.argv.slice(2);
const main = kind === 'ours' ? runOurs : kind === 'bare' ? runBare : undefined;
if (!main) {
  process.stderr.write('usage: server-process.ts ours --data-dir DIR [--log-level L] | bare --spec FILE\n');
  process.exit(2);
}
main(rest).catch((err: unknown) => {
  process.stderr.write(`bench server (${kind}) failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
