/**
 * Multi-process suite (issue #8 "Benchmark"): API requests/s with 1 and 2
 * server processes on the embedded defaults (one SQLite data directory shared
 * by the processes), as a ratio to the single-process figure of the same run.
 *
 * Configurations, all up at once and measured in interleaved rounds
 * (A B C D, then D C B A, …) so machine noise hits each alike:
 *   single     one `startServer` process (bench/lib/server-process.ts): the baseline
 *   cluster-1  node `cluster`, 1 worker behind the primary (what the primary costs)
 *   cluster-2  node `cluster`, 2 workers sharing one port (bench/lib/cluster-server-process.ts)
 *   two-ports  two independent processes on two ports, the connections split
 *              between them (what an L4 load balancer in front would do)
 * Workloads: signed HEAD Object and signed GET of a 1 KiB object, autocannon in
 * this process over keep-alive connections. Each round also records how many
 * CPU cores the machine, the servers and the load generator used: on a shared
 * 2-core machine the load generator and other work cap what a second server
 * process can add.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { bucketHost, sendOk, signedHeaders, type Account } from './lib/cos-client.ts';
import { BENCH_DIR, spawnServer, type ServerChild } from './lib/children.ts';
import { runLoad, summarize, type LoadRun, type LoadSummary, type LoadTarget } from './lib/load.ts';
import { fmt, table } from './lib/markdown.ts';
import { cpuShare } from './lib/proc-tree.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';

const ACCOUNT: Account = {
  secretId: 'AKIDbenchROOT000000000000000000001',
  secretKey: 'benchSecretKey0000000000000000001',
  appid: '1250000000',
  region: 'ap-guangzhou',
};
const BUCKET = `bench-${ACCOUNT.appid}`;
const HOST = bucketHost(BUCKET, ACCOUNT.region);
const KEY = '/bench/object-1k.bin';
const CLUSTER_ENTRY = join(BENCH_DIR, 'lib', 'cluster-server-process.ts');

interface Settings {
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
}

const settingsFor = (ctx: SuiteContext): Settings =>
  ctx.quick ? { connections: 32, rounds: 2, roundSeconds: 1, warmupSeconds: 1 } : { connections: 32, rounds: 4, roundSeconds: 5, warmupSeconds: 2 };

/** A configuration under test: one or more ports, and the process trees that serve them. */
interface Config {
  name: 'single' | 'cluster-1' | 'cluster-2' | 'two-ports';
  processes: number;
  servers: ServerChild[];
}

interface Round {
  run: LoadRun[];
  seconds: number;
  machineCores: number;
  serverCores: number;
  loadGenCores: number;
  otherCores: number;
}

function env(): NodeJS.ProcessEnv {
  return { SMART_AUDIO_SECRET_ID: ACCOUNT.secretId, SMART_AUDIO_SECRET_KEY: ACCOUNT.secretKey, SMART_AUDIO_APPID: ACCOUNT.appid, SMART_AUDIO_WORKER_CONCURRENCY: '0' };
}

async function startConfigs(ctx: SuiteContext): Promise<Config[]> {
  const dataDir = join(ctx.tmpDir, 'data');
  const base = { env: env(), logDir: ctx.tmpDir, cpuProfDir: ctx.cpuProfDir };
  const ours = (name: string) => spawnServer({ ...base, name, args: ['ours', '--data-dir', dataDir, '--log-level', 'warn'] });
  const clustered = (name: string, n: number) =>
    spawnServer({ ...base, name, entry: CLUSTER_ENTRY, args: ['--processes', String(n), '--data-dir', dataDir, '--log-level', 'warn'], readyTimeoutMs: 60_000 });
  // The first start migrates the store; then the bucket and object every configuration reads.
  const single = await ours('single');
  await sendOk('PUT Bucket', { port: single.port, method: 'PUT', path: '/', headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', '/'), 'content-length': '0' } });
  const body = randomBytes(1024);
  await sendOk('PUT Object', { port: single.port, method: 'PUT', path: KEY, body, headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', KEY), 'content-length': String(body.length) } });
  return [
    { name: 'single', processes: 1, servers: [single] },
    { name: 'cluster-1', processes: 1, servers: [await clustered('cluster-1', 1)] },
    { name: 'cluster-2', processes: 2, servers: [await clustered('cluster-2', 2)] },
    { name: 'two-ports', processes: 2, servers: [await ours('two-ports-a'), await ours('two-ports-b')] },
  ];
}

function targets(config: Config, method: 'HEAD' | 'GET'): LoadTarget[] {
  const headers = signedHeaders(ACCOUNT, HOST, method, KEY, 24 * 3600);
  return config.servers.map((s) => ({ url: `http://127.0.0.1:${s.port}${KEY}`, method, headers }));
}

/** One round on one configuration: the connections split evenly over its ports, run at once. */
async function measure(config: Config, method: 'HEAD' | 'GET', seconds: number, connections: number): Promise<Round> {
  const ts = targets(config, method);
  const share = cpuShare(() => config.servers.map((s) => s.pid));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await Promise.all(ts.map((t) => runLoad(t, seconds, Math.round(connections / ts.length))));
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const s = share.stop();
  return { run, seconds: wall, machineCores: s.machineCores, serverCores: s.oursCores, loadGenCores: (cpu.user + cpu.system) / 1e6 / wall, otherCores: Math.max(0, s.machineCores - s.oursCores - (cpu.user + cpu.system) / 1e6 / wall) };
}

interface ConfigResult {
  config: string;
  processes: number;
  requestsPerSec: number;
  ratioToSingle: number;
  /** Requests per CPU-second of the server processes: less sensitive than req/s to other work on the machine. */
  requestsPerServerCpuSecond: number;
  latencyMs: LoadSummary['latencyMs'];
  non2xx: number;
  errors: number;
  cores: { machine: number; servers: number; loadGenerator: number; other: number };
  rounds: Array<{ requestsPerSec: number; machineCores: number; serverCores: number; loadGenCores: number }>;
}

async function workload(ctx: SuiteContext, configs: Config[], method: 'HEAD' | 'GET', st: Settings): Promise<ConfigResult[]> {
  for (const c of configs) await measure(c, method, st.warmupSeconds, st.connections);
  const rounds = new Map<string, Round[]>(configs.map((c) => [c.name, []]));
  for (let r = 0; r < st.rounds; r++) {
    const order = r % 2 === 0 ? configs : [...configs].reverse();
    for (const c of order) {
      const m = await measure(c, method, st.roundSeconds, st.connections);
      rounds.get(c.name)!.push(m);
      const ok = m.run.reduce((n, x) => n + x.raw['2xx'], 0);
      ctx.log(`${method} ${c.name} round ${r + 1}: ${fmt.int(ok / m.seconds)} req/s, servers ${fmt.fixed(m.serverCores)} cores, load generator ${fmt.fixed(m.loadGenCores)}, machine ${fmt.fixed(m.machineCores)}`);
    }
  }
  const results = configs.map((c): ConfigResult => {
    const rs = rounds.get(c.name)!;
    const summary = summarize(rs.flatMap((x) => x.run));
    // Concurrent runs on two ports: requests add up over the same wall time.
    const seconds = rs.reduce((n, x) => n + x.seconds, 0);
    const ok = rs.reduce((n, x) => n + x.run.reduce((m, y) => m + y.raw['2xx'], 0), 0);
    const avg = (f: (x: Round) => number) => rs.reduce((n, x) => n + f(x) * x.seconds, 0) / seconds;
    return {
      config: c.name,
      processes: c.processes,
      requestsPerSec: ok / seconds,
      ratioToSingle: NaN,
      requestsPerServerCpuSecond: ok / seconds / avg((x) => x.serverCores),
      latencyMs: summary.latencyMs,
      non2xx: summary.non2xx,
      errors: summary.errors,
      cores: { machine: avg((x) => x.machineCores), servers: avg((x) => x.serverCores), loadGenerator: avg((x) => x.loadGenCores), other: avg((x) => x.otherCores) },
      rounds: rs.map((x) => ({ requestsPerSec: x.run.reduce((m, y) => m + y.raw['2xx'], 0) / x.seconds, machineCores: x.machineCores, serverCores: x.serverCores, loadGenCores: x.loadGenCores })),
    };
  });
  const base = results.find((r) => r.config === 'single')!.requestsPerSec;
  for (const r of results) r.ratioToSingle = r.requestsPerSec / base;
  return results;
}

export const multiProcess: Suite = {
  name: 'multi-process',
  description: 'API req/s with 1 and 2 server processes on one SQLite data dir (cluster, two ports), ratio to one process',
  approxSeconds: 120,
  async run(ctx): Promise<SuiteResult> {
    const st = settingsFor(ctx);
    const configs = await startConfigs(ctx);
    const byWorkload: Record<string, ConfigResult[]> = {};
    try {
      byWorkload['HEAD Object'] = await workload(ctx, configs, 'HEAD', st);
      byWorkload['GET Object 1 KiB'] = await workload(ctx, configs, 'GET', st);
    } finally {
      for (const c of configs) for (const s of c.servers) await s.stop();
    }
    const rows = Object.entries(byWorkload).flatMap(([w, rs]) =>
      rs.map((r) => [
        w, r.config, r.processes, fmt.int(r.requestsPerSec), `${fmt.fixed(r.ratioToSingle)}x`, fmt.int(r.requestsPerServerCpuSecond), fmt.fixed(r.latencyMs.p50), fmt.fixed(r.latencyMs.p99),
        fmt.fixed(r.cores.servers), fmt.fixed(r.cores.loadGenerator), fmt.fixed(r.cores.other), r.non2xx + r.errors,
      ]),
    );
    const markdown = [
      table(['workload', 'config', 'processes', 'req/s', 'vs single', 'req per server CPU-s', 'p50 ms', 'p99 ms', 'server cores', 'load-gen cores', 'other cores', 'non-2xx+errors'], rows),
      '',
      `Loopback, ${st.connections} keep-alive connections (split evenly over the ports of two-ports), ${st.rounds}×${st.roundSeconds} s per configuration in interleaved rounds after ${st.warmupSeconds} s warm-up; no job worker in the API processes; one SQLite data directory shared by all.`,
      'Cores = CPU time / wall time over the measured rounds: servers (all processes of the configuration), the load generator (autocannon, this process), and the rest of the machine.',
      'When the machine is saturated (server + load-gen + other ≈ CPU count), req/s measures the share of CPU the servers got, not how they scale; req per server CPU-s shows what each configuration costs per request.',
    ].join('\n');
    return { json: { settings: st, results: byWorkload }, markdown };
  },
};
