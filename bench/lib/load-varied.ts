import autocannon, { type Options, type RawResult } from 'autocannon';
import type { LoadRun } from './load.ts';

/**
 * autocannon with a body built per request (bench/lib/load.ts sends one fixed
 * request): for writes that must differ on every request, such as creating
 * templates with unique names. Uses autocannon's `requests[].setupRequest`
 * hook, which runs before every request on every connection, and
 * `onResponse`, which sees each response's status and body (the default
 * parser keeps bodies, fine for small XML answers). The result merges with
 * load.ts's `summarize`.
 */
export interface VariedTarget {
  url: string;
  method: 'POST' | 'PUT' | 'GET' | 'DELETE';
  /** Sent with every request; Content-Length is set by autocannon from each body. */
  headers: Record<string, string>;
  /** Called once per request: the body to send. */
  body: () => string;
  onResponse?: (status: number, body: string) => void;
}

/** The part of autocannon 9's request-list options used here (not in bench/lib/autocannon.d.ts). */
interface RequestsOption {
  requests: Array<{
    setupRequest: (req: { body?: string | Buffer; headers?: Record<string, string> }) => object;
    onResponse?: (status: number, body: string) => void;
  }>;
}

export async function runVaried(target: VariedTarget, durationSeconds: number, connections: number): Promise<LoadRun> {
  const started = process.hrtime.bigint();
  const options: Options & RequestsOption = {
    url: target.url,
    method: target.method,
    headers: target.headers,
    connections,
    duration: durationSeconds,
    timeout: 10,
    skipAggregateResult: true,
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: target.body() }),
        ...(target.onResponse ? { onResponse: target.onResponse } : {}),
      },
    ],
  };
  const raw = (await autocannon(options)) as RawResult;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { url: target.url, connections, raw, seconds: raw.duration > 0 ? raw.duration : seconds };
}
