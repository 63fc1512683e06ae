import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Metrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';
import { healthz, readyz, type HealthAnswer } from './health-response.ts';

/**
 * The admin listener (`--metrics-port`, `--metrics-host`, issue #8 §4):
 * `GET /metrics` (Prometheus text format), `/healthz`, `/readyz`. It is a
 * separate port so metrics are not served to API clients, and it stays up
 * while the process drains (so /readyz can be seen answering 503) until jobs
 * and callbacks have stopped, just before the store closes.
 */
export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(opts: { host: string; port: number; metrics: Metrics; readiness: Readiness }): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (a: HealthAnswer, contentType = 'application/json') => {
      res.writeHead(a.status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(a.body) });
      res.end(req.method === 'HEAD' ? undefined : a.body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send({ status: 405, body: 'method not allowed\n' }, 'text/plain');
    const answer = async (): Promise<void> => {
      switch (path) {
        case '/metrics': {
          const m = await opts.metrics.scrape();
          return send({ status: 200, body: m.body }, m.contentType);
        }
        case '/healthz':
          return send(healthz());
        case '/readyz':
          return send(await readyz(opts.readiness, true));
        default:
          return send({ status: 404, body: 'not found: try /metrics, /healthz or /readyz\n' }, 'text/plain');
      }
    };
    answer().catch((err: unknown) => send({ status: 500, body: `${(err as Error).message}\n` }, 'text/plain'));
  });
  server.listen(opts.port, opts.host);
  await once(server, 'listening');
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : opts.port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
