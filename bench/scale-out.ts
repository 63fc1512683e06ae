/**
 * Scale-out suite (issue 8 "Benchmark"): the PostgreSQL store with separate
 * API and worker processes, each figure next to the single-process SQLite
 * figure of the same run.
 *
 *  1. Jobs/minute. Per configuration, on a fresh data directory (and a fresh
 *     PostgreSQL database): an API process (`serve --no-worker`) creates the
 *     bucket, uploads a 2-second 16 kHz wav and queues N NoiseReduction jobs
 *     (rnnoise, the cheapest engine: the suite measures the queue, not the
 *     engine). Then the workers start and the clock runs from "all ready" to
 *     the last job's `ended_at`:
 *       - sqlite ×1: the API process is stopped and one `serve` process
 *         (API + one worker slot, the embedded default) runs the jobs;
 *       - postgres ×1, ×2, ×4: 1, 2 or 4 `worker` processes, one slot each.
 *  2. Claim latency: `claimNextJob` (one transaction: pick with SKIP LOCKED,
 *     lock the queue row, recount, update, read back) against a jobs table
 *     holding 100k finished jobs and a few hundred waiting ones, next to
 *     `SELECT 1` through the same store (the round-trip floor); each claimed
 *     job is released again (untimed) so the table stays the same. SQLite
 *     measured the same way.
 *  3. API requests/s: signed `GET /jobs/<id>` (authentication, bucket and
 *     job lookups) against 1 SQLite server process, and 1 and 2 PostgreSQL
 *     server processes loaded at once (throughputs summed).
 *
 * On a small shared machine the ratios are bounded by its cores: a worker
 * process needs about one core while a job runs, and the load generator
 * shares the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { sql } from 'kysely';
import { ffmpegPath } from '../src/audio/ffmpeg/binaries.ts';
import { EMPTY_NOTIFY_CONFIG } from '../src/domain/queues.ts';
import { newJobId, newQueueId } from '../src/domain/ids.ts';
import { enableAsrBucket } from '../src/store/control-plane.ts';
import { claimNextJob, releaseJob } from '../src/store/job-leases.ts';
import { insertJob } from '../src/store/jobs.ts';
import { openPostgresStore } from '../src/store/postgres/open.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';
import type { MetadataStore } from '../src/store/store.ts';
import { BENCH_ACCOUNT, benchServerEnv, ciHost, forEachConcurrent, KeepAliveClient, xmlElement } from './lib/ci-client.ts';
import { REPO_DIR } from './lib/children.ts';
import { signedHeaders } from './lib/cos-client.ts';
import { runLoad, summarize, type LoadSummary } from './lib/load.ts';
import { fmt, table } from './lib/markdown.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';
import { watchStartup } from '../test/helpers/startup.ts';

const ACCOUNT = BENCH_ACCOUNT;
const BUCKET = `scale-${ACCOUNT.appid}`;
const INPUT_KEY = 'in/a.wav';
const BIN = join(REPO_DIR, 'bin', 'smart-audio.js');
const PG_ADMIN_URL = process.env.SMART_AUDIO_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The aim for the claim query. */
const AIM_CLAIM_P99_MS = 5;

interface Settings {
  jobs: number;
  workerCounts: number[];
  finishedJobs: number;
  waitingJobs: number;
  claimSamples: number;
  apiSeconds: number;
  apiConnections: number;
  timeoutMinutes: number;
}

const settingsFor = (ctx: SuiteContext): Settings =>
  ctx.quick
    ? { jobs: 12, workerCounts: [1, 2, 4], finishedJobs: 100_000, waitingJobs: 200, claimSamples: 400, apiSeconds: 3, apiConnections: 16, timeoutMinutes: 10 }
    : { jobs: 48, workerCounts: [1, 2, 4], finishedJobs: 100_000, waitingJobs: 500, claimSamples: 3000, apiSeconds: 10, apiConnections: 16, timeoutMinutes: 30 };

// ------------------------------------------------------------------ processes and databases

interface Proc {
  child: ChildProcess;
  ready: Promise<number>;
  stop(): Promise<number | null>;
}

function startProc(args: string[], env: NodeJS.ProcessEnv, logFile: string): Proc {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SMART_AUDIO_')) clean[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_DIR, env: { ...clean, ...benchServerEnv(ACCOUNT), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { ready, output } = watchStartup(child);
  ready.catch(() => undefined);
  return {
    child,
    ready,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exit;
      clearTimeout(timer);
      writeFileSync(logFile, output());
      return code;
    },
  };
}

async function admin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `smart_audio_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function makeInput(tmpDir: string): Buffer {
  const out = join(tmpDir, 'input.wav');
  execFileSync(ffmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'sine=frequency=300:duration=2:sample_rate=16000',
    '-f', 'lavfi', '-i', 'anoisesrc=color=pink:duration=2:sample_rate=16000:amplitude=0.2',
    '-filter_complex', '[0][1]amix=inputs=2', '-ac', '1', '-c:a', 'pcm_s16le', out,
  ]);
  return readFileSync(out);
}

const jobXml = () =>
  `<Request><Tag>NoiseReduction</Tag><Input><Object>${INPUT_KEY}</Object></Input><Operation><NoiseReduction><Format>wav</Format></NoiseReduction>` +
  `<Output><Region>${ACCOUNT.region}</Region><Bucket>${BUCKET}</Bucket><Object>nr/\${jobid}.\${ext}</Object></Output></Operation></Request>`;

// ------------------------------------------------------------------ 1. jobs/minute

interface JobsRun {
  name: string;
  store: 'sqlite' | 'postgres';
  workers: number;
  jobs: number;
  seconds: number;
  jobsPerMinute: number;
  states: Record<string, number>;
  loadAverage: number[];
}

async function jobsRun(ctx: SuiteContext, s: Settings, input: Buffer, storeKind: 'sqlite' | 'postgres', workers: number): Promise<JobsRun> {
  const name = `${storeKind}-x${workers}`;
  const dataDir = join(ctx.tmpDir, name);
  mkdirSync(dataDir, { recursive: true });
  const db = storeKind === 'postgres' ? await freshDatabase() : undefined;
  const env: NodeJS.ProcessEnv = db ? { SMART_AUDIO_STORE: db.url } : {};
  const common = ['--data-dir', dataDir, '--log-level', 'warn', '--noise-reduction-engine', 'rnnoise'];
  const procs: Proc[] = [];
  try {
    ctx.log(`${name}: queueing ${s.jobs} jobs`);
    const api = startProc(['serve', '--port', '0', '--no-worker', ...common], env, join(ctx.tmpDir, `${name}-api.log`));
    procs.push(api);
    const client = new KeepAliveClient(await api.ready, ACCOUNT, 8);
    try {
      await client.createSmartAudioBucket(BUCKET);
      await client.putObject(BUCKET, `/${INPUT_KEY}`, input, 'audio/wav');
      await forEachConcurrent(s.jobs, 8, async () => {
        const res = await client.ci('POST /jobs', 'POST', BUCKET, '/jobs', jobXml());
        if (!xmlElement(res.body, 'JobId')) throw new Error(`POST /jobs: ${res.body.slice(0, 300)}`);
      });
    } finally {
      client.close();
    }
    const runners: Proc[] = [];
    if (storeKind === 'sqlite') {
      // The embedded default: one process, API and worker together.
      await api.stop();
      runners.push(startProc(['serve', '--port', '0', '--worker-concurrency', '1', ...common], env, join(ctx.tmpDir, `${name}-serve.log`)));
    } else {
      for (let i = 0; i < workers; i++) runners.push(startProc(['worker', '--worker-concurrency', '1', ...common], env, join(ctx.tmpDir, `${name}-worker${i}.log`)));
    }
    procs.push(...runners);
    await Promise.all(runners.map((r) => r.ready));
    const t0 = Date.now();
    ctx.log(`${name}: ${runners.length} process(es) running the jobs`);
    const store: MetadataStore = db ? await openPostgresStore(db.url, undefined, { maxConnections: 1 }) : openSqliteStore(join(dataDir, 'metadata.sqlite'));
    try {
      const end = t0 + s.timeoutMinutes * 60_000;
      for (;;) {
        const open = await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', 'in', ['Submitted', 'Running']).executeTakeFirstOrThrow();
        if (Number(open.n) === 0) break;
        if (Date.now() > end) throw new Error(`${name}: ${open.n} jobs unfinished after ${s.timeoutMinutes} min`);
        await sleep(250);
      }
      const rows = await store.db.selectFrom('jobs').select(['state', 'ended_at']).execute();
      const states: Record<string, number> = {};
      for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
      const last = Math.max(...rows.map((r) => Number(r.ended_at ?? 0)));
      const seconds = (last - t0) / 1000;
      return { name, store: storeKind, workers, jobs: s.jobs, seconds, jobsPerMinute: (s.jobs / seconds) * 60, states, loadAverage: loadavg() };
    } finally {
      await store.close();
    }
  } finally {
    for (const p of procs) await p.stop();
    await db?.drop();
  }
}

// ------------------------------------------------------------------ 2. claim latency

interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function latency(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { samples: ms.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1)! };
}

interface ClaimResult {
  store: 'sqlite' | 'postgres';
  finishedJobs: number;
  waitingJobs: number;
  claim: Latency;
  select1: Latency;
}

async function claimLatency(ctx: SuiteContext, s: Settings, storeKind: 'sqlite' | 'postgres'): Promise<ClaimResult> {
  const db = storeKind === 'postgres' ? await freshDatabase() : undefined;
  const store = db ? await openPostgresStore(db.url) : openSqliteStore(join(ctx.tmpDir, 'claim.sqlite'));
  try {
    const queueId = newQueueId();
    const now = Date.now();
    await enableAsrBucket(
      store,
      { bucket: BUCKET, appid: ACCOUNT.appid, region: ACCOUNT.region, queueId, createdAt: now },
      { id: queueId, bucket: BUCKET, name: 'q', state: 'Active', maxSize: 1_000_000, maxConcurrent: 1_000_000, notifyConfig: EMPTY_NOTIFY_CONFIG, createdAt: now, updatedAt: now },
    );
    ctx.log(`claim (${storeKind}): inserting ${s.finishedJobs} finished jobs`);
    const source = db ? sql.raw(`generate_series(1, ${s.finishedJobs}) AS g(x)`) : sql.raw(`g`);
    const prefix = db ? sql`` : sql.raw(`WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${s.finishedJobs}) `);
    await sql`${prefix}INSERT INTO jobs (id, seq, bucket, appid, region, queue_id, tag, state, job_level, spec, code, message, attempts, max_attempts, run_after, created_at, ended_at)
      SELECT 'jdone' || x, x, ${BUCKET}, ${ACCOUNT.appid}, ${ACCOUNT.region}, ${queueId}, 'NoiseReduction',
        CASE WHEN x % 10 = 0 THEN 'Failed' ELSE 'Success' END, 0, '{}', 'Success', '', 1, 3, 0, x, x
      FROM ${source}`.execute(store.db);
    if (db) {
      await sql`SELECT setval('job_seq_numbers', ${s.finishedJobs})`.execute(store.db);
      await sql`ANALYZE jobs`.execute(store.db);
    } else {
      await sql`ANALYZE`.execute(store.db);
    }
    for (let i = 0; i < s.waitingJobs; i++) {
      await insertJob(
        store,
        {
          id: newJobId(), bucket: BUCKET, appid: ACCOUNT.appid, region: ACCOUNT.region, queueId, maxAttempts: 3, createdAt: now,
          spec: { tag: 'NoiseReduction', params: { tag: 'NoiseReduction', format: 'wav' }, inline: true, output: { region: ACCOUNT.region, bucket: BUCKET }, jobLevel: i % 3, callback: {} },
        },
        1_000_000,
      );
    }
    ctx.log(`claim (${storeKind}): ${s.claimSamples} claims`);
    const claims: number[] = [];
    const ones: number[] = [];
    for (let i = 0; i < s.claimSamples + 50; i++) {
      const t = performance.now();
      const job = await claimNextJob(store, 'bench', 60_000, Date.now());
      const dt = performance.now() - t;
      if (!job) throw new Error('no job to claim');
      await releaseJob(store, job.id, 'bench', 0);
      const t1 = performance.now();
      await sql`SELECT 1`.execute(store.db);
      const dt1 = performance.now() - t1;
      if (i >= 50) {
        // The first 50 warm the connection pool and caches.
        claims.push(dt);
        ones.push(dt1);
      }
    }
    return { store: storeKind, finishedJobs: s.finishedJobs, waitingJobs: s.waitingJobs, claim: latency(claims), select1: latency(ones) };
  } finally {
    await store.close();
    await db?.drop();
  }
}

// ------------------------------------------------------------------ 3. API requests/s

interface ApiResult {
  name: string;
  servers: number;
  summary: LoadSummary;
  requestsPerSec: number;
}

async function apiRate(ctx: SuiteContext, s: Settings, input: Buffer, storeKind: 'sqlite' | 'postgres'): Promise<ApiResult[]> {
  const dataDir = join(ctx.tmpDir, `api-${storeKind}`);
  mkdirSync(dataDir, { recursive: true });
  const db = storeKind === 'postgres' ? await freshDatabase() : undefined;
  const env: NodeJS.ProcessEnv = db ? { SMART_AUDIO_STORE: db.url } : {};
  const counts = db ? [1, 2] : [1];
  const procs = Array.from({ length: Math.max(...counts) }, (_, i) =>
    startProc(['serve', '--port', '0', '--no-worker', '--data-dir', dataDir, '--log-level', 'warn'], env, join(ctx.tmpDir, `api-${storeKind}-${i}.log`)),
  );
  try {
    const ports = await Promise.all(procs.map((p) => p.ready));
    const client = new KeepAliveClient(ports[0]!, ACCOUNT, 4);
    let jobId: string;
    try {
      await client.createSmartAudioBucket(BUCKET);
      await client.putObject(BUCKET, `/${INPUT_KEY}`, input, 'audio/wav');
      const res = await client.ci('POST /jobs', 'POST', BUCKET, '/jobs', jobXml());
      jobId = xmlElement(res.body, 'JobId')!;
    } finally {
      client.close();
    }
    const host = ciHost(BUCKET, ACCOUNT.region);
    const headers = signedHeaders(ACCOUNT, host, 'GET', `/jobs/${jobId}`);
    const out: ApiResult[] = [];
    for (const n of counts) {
      ctx.log(`api (${storeKind}): ${n} server process(es), ${s.apiSeconds} s`);
      const runs = await Promise.all(
        ports.slice(0, n).map((port) => runLoad({ url: `http://127.0.0.1:${port}/jobs/${jobId}`, method: 'GET', headers }, s.apiSeconds, Math.ceil(s.apiConnections / n))),
      );
      const per = runs.map((r) => summarize([r]));
      const summary = summarize(runs);
      out.push({ name: `${storeKind} ×${n}`, servers: n, summary, requestsPerSec: per.reduce((a, p) => a + p.requestsPerSec, 0) });
    }
    return out;
  } finally {
    for (const p of procs) await p.stop();
    await db?.drop();
  }
}

// ------------------------------------------------------------------ the suite

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const s = settingsFor(ctx);
  const input = makeInput(ctx.tmpDir);
  const loadBefore = loadavg();

  const jobs: JobsRun[] = [await jobsRun(ctx, s, input, 'sqlite', 1)];
  for (const n of s.workerCounts) jobs.push(await jobsRun(ctx, s, input, 'postgres', n));
  const base = jobs[0]!.jobsPerMinute;

  const claims = [await claimLatency(ctx, s, 'postgres'), await claimLatency(ctx, s, 'sqlite')];
  const api = [...(await apiRate(ctx, s, input, 'sqlite')), ...(await apiRate(ctx, s, input, 'postgres'))];
  const apiBase = api[0]!.requestsPerSec;
  const loadAfter = loadavg();

  const pgClaim = claims[0]!.claim;
  const markdown = [
    `${s.jobs} NoiseReduction jobs (2 s, 16 kHz wav in and out, rnnoise) per configuration; ${cpus().length} CPUs; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}.`,
    '',
    table(
      ['configuration', 'processes running jobs', 'seconds', 'jobs/min', 'ratio to sqlite ×1', 'states', 'load (1 min) after'],
      jobs.map((j) => [j.name, j.workers, fmt.fixed(j.seconds, 1), fmt.fixed(j.jobsPerMinute, 1), `${fmt.fixed(j.jobsPerMinute / base, 2)}x`, Object.entries(j.states).map(([k, v]) => `${k} ${v}`).join(', '), fmt.fixed(j.loadAverage[0]!, 2)]),
    ),
    '',
    `Claim query with ${fmt.int(s.finishedJobs)} finished and ${s.waitingJobs} waiting jobs in the table (aim: p99 < ${AIM_CLAIM_P99_MS} ms on PostgreSQL; ${pgClaim.p99Ms < AIM_CLAIM_P99_MS ? 'met' : 'NOT met'}):`,
    '',
    table(
      ['store', 'claim p50', 'claim p99', 'claim max', 'SELECT 1 p50', 'SELECT 1 p99'],
      claims.map((c) => [c.store, `${fmt.fixed(c.claim.p50Ms, 2)} ms`, `${fmt.fixed(c.claim.p99Ms, 2)} ms`, `${fmt.fixed(c.claim.maxMs, 2)} ms`, `${fmt.fixed(c.select1.p50Ms, 3)} ms`, `${fmt.fixed(c.select1.p99Ms, 3)} ms`]),
    ),
    '',
    `API: signed GET /jobs/<id>, ${s.apiConnections} connections in all, ${s.apiSeconds} s:`,
    '',
    table(
      ['servers', 'req/s', 'ratio to sqlite ×1', 'p99 latency', 'non-2xx'],
      api.map((a) => [a.name, fmt.int(a.requestsPerSec), `${fmt.fixed(a.requestsPerSec / apiBase, 2)}x`, `${fmt.fixed(a.summary.latencyMs.p99, 1)} ms`, a.summary.non2xx]),
    ),
  ].join('\n');

  return {
    json: {
      settings: s,
      aims: { claimP99Ms: AIM_CLAIM_P99_MS },
      jobs: jobs.map((j) => ({ ...j, ratioToSqlite: j.jobsPerMinute / base })),
      claims,
      api: api.map((a) => ({ name: a.name, servers: a.servers, requestsPerSec: a.requestsPerSec, ratioToSqlite: a.requestsPerSec / apiBase, latencyMs: a.summary.latencyMs, non2xx: a.summary.non2xx, errors: a.summary.errors })),
      loadAverageDuring: { before: loadBefore, after: loadAfter },
    },
    markdown,
  };
}

export const scaleOut: Suite = {
  name: 'scale-out',
  description: 'PostgreSQL: jobs/min with 1, 2, 4 worker processes and API req/s with 1, 2 servers (ratios to single-process SQLite); claim-query p99 with 100k finished jobs',
  approxSeconds: 600,
  run,
};
