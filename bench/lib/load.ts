import autocannon, { type Client, type RawResult, type Result } from 'autocannon';

/**
 * autocannon in the calling process (the load generator; servers run in child
 * processes). A measurement is several rounds, interleaved by the caller, whose
 * histograms are merged with autocannon.aggregateResult.
 */
export interface LoadTarget {
  url: string;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
}

export interface LoadRun {
  url: string;
  connections: number;
  raw: RawResult;
  seconds: number;
}

/**
 * Two fixes to autocannon's response parsing (http-parser-js), set through
 * property traps because autocannon assigns the parser callbacks after
 * `setupClient` runs:
 *  - HEAD: the parser cannot know a response answers HEAD and would wait for
 *    `content-length` body bytes that never come, so skip every body.
 *  - GET: autocannon appends each body chunk to a string (`body += chunk`),
 *    a UTF-8 decode of every byte that caps it near 850 req/s for 64 KiB
 *    bodies on this machine; drop the chunks (bytes are still counted from
 *    the socket).
 */
const K_ON_HEADERS_COMPLETE = 2; // HTTPParser.kOnHeadersComplete
const K_ON_BODY = 3; // HTTPParser.kOnBody

function trap(parser: Record<number, unknown>, index: number, wrap: (inner: ((...a: unknown[]) => unknown) | undefined) => (...a: unknown[]) => unknown): void {
  let wrapped = wrap(undefined);
  Object.defineProperty(parser, index, {
    configurable: true,
    get: () => wrapped,
    set: (fn: (...a: unknown[]) => unknown) => {
      wrapped = wrap(fn);
    },
  });
}

function lightParser(method: string): (client: Client) => void {
  return (client) => {
    if (method === 'HEAD') {
      trap(client.parser, K_ON_HEADERS_COMPLETE, (inner) => (...a) => {
        inner?.(...a);
        return true;
      });
    }
    trap(client.parser, K_ON_BODY, () => () => undefined);
  };
}

export async function runLoad(target: LoadTarget, durationSeconds: number, connections: number): Promise<LoadRun> {
  const started = process.hrtime.bigint();
  const raw = (await autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers,
    connections,
    duration: durationSeconds,
    timeout: 10,
    skipAggregateResult: true,
    setupClient: lightParser(target.method),
  })) as RawResult;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { url: target.url, connections, raw, seconds: raw.duration > 0 ? raw.duration : seconds };
}

export interface LoadSummary {
  rounds: number;
  seconds: number;
  requests2xx: number;
  requestsPerSec: number;
  /** Response bytes per second (headers + body, 2xx only). */
  bytesPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** Merges rounds: throughput = 2xx responses / total seconds; percentiles from the merged latency histogram (2xx only). */
export function summarize(runs: LoadRun[]): LoadSummary {
  const merged: Result = autocannon.aggregateResult(
    runs.map((r) => r.raw),
    { url: runs[0]!.url, connections: runs[0]!.connections },
  );
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const requests2xx = runs.reduce((s, r) => s + r.raw['2xx'], 0);
  const bytes = runs.reduce((s, r) => s + r.raw.totalBytes, 0);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(merged.statusCodeStats)) statusCodes[code] = count;
  return {
    rounds: runs.length,
    seconds,
    requests2xx,
    requestsPerSec: requests2xx / seconds,
    bytesPerSec: bytes / seconds,
    latencyMs: { p50: merged.latency.p50, p90: merged.latency.p90, p99: merged.latency.p99, max: merged.latency.max, mean: merged.latency.mean },
    errors: merged.errors,
    timeouts: merged.timeouts,
    non2xx: merged.non2xx,
    statusCodes,
  };
}
