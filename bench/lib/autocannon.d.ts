/** The part of autocannon 9's API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  export interface Percentiles {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
    totalCount?: number;
    total?: number;
    sent?: number;
  }

  /** What a run yields with `skipAggregateResult: true`: histograms still encoded. */
  export interface RawResult {
    latencies: unknown;
    requests: unknown;
    throughput: unknown;
    totalCompletedRequests: number;
    totalRequests: number;
    totalBytes: number;
    samples: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    duration: number;
    statusCodeStats: Record<string, { count: number }>;
    [k: `${number}xx`]: number;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Percentiles;
    requests: Percentiles;
    throughput: Percentiles;
    [k: `${number}xx`]: number;
  }

  export interface Client {
    parser: Record<number, unknown>;
  }

  export interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    workers?: number;
    skipAggregateResult?: boolean;
    setupClient?: (client: Client) => void;
    title?: string;
  }

  export interface Autocannon {
    (opts: Options): Promise<Result | RawResult> & { stop(): void };
    aggregateResult(results: RawResult[], opts?: Partial<Options>): Result;
  }

  const autocannon: Autocannon;
  export default autocannon;
}
