/**
 * Front-door suite: what signature checking + routing + the object path cost
 * next to a bare node:http handler, and memory during a 256 MiB transfer.
 *
 * Every server is a child process (bench/lib/server-process.ts); autocannon
 * and the large-object client run in this process. Part 1 measures a signed
 * HEAD Object and a 64 KiB GET Object against our server and against bare
 * handlers that return the same status, headers and bytes, interleaved
 * (ABBA rounds). Part 2 PUTs then GETs a 256 MiB object on a fresh server,
 * streamed from/to a generated file, while sampling the server's RSS.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bucketHost, sendOk, signedHeaders, type Account, type SimpleResponse } from './lib/cos-client.ts';
import { spawnServer, type ServerChild } from './lib/children.ts';
import { runLoad, summarize, type LoadRun, type LoadSummary, type LoadTarget } from './lib/load.ts';
import { fmt, table } from './lib/markdown.ts';
import { cpuSeconds, readMemory, sampleRss, type RssReport } from './lib/rss.ts';
import type { BareSpec } from './lib/server-process.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';

const ACCOUNT: Account = {
  secretId: 'AKIDbenchROOT000000000000000000001',
  secretKey: 'benchSecretKey0000000000000000001',
  appid: '1250000000',
  region: 'ap-guangzhou',
};
const BUCKET = `bench-${ACCOUNT.appid}`;
const HOST = bucketHost(BUCKET, ACCOUNT.region);
const SMALL_KEY = '/bench/object-64k.bin';
const SMALL_SIZE = 64 * 1024;
const LARGE_KEY = '/bench/object-256m.bin';
const LARGE_SIZE = 256 * 1024 * 1024;

/** The issue's aims. */
const AIMS = { maxSignatureRoutingCost: 0.25, maxPeakRssMiB: 150 };

interface Settings {
  connections: number;
  /** Per target: rounds × roundSeconds of measurement, after warmupSeconds. */
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  serverLogLevel: string;
  rssIntervalMs: number;
}

function settingsFor(ctx: SuiteContext): Settings {
  return ctx.quick
    ? { connections: 32, rounds: 2, roundSeconds: 1, warmupSeconds: 1, serverLogLevel: 'warn', rssIntervalMs: 50 }
    : { connections: 32, rounds: 2, roundSeconds: 5, warmupSeconds: 2, serverLogLevel: 'warn', rssIntervalMs: 50 };
}

function serverEnv(): NodeJS.ProcessEnv {
  return { SMART_AUDIO_SECRET_ID: ACCOUNT.secretId, SMART_AUDIO_SECRET_KEY: ACCOUNT.secretKey, SMART_AUDIO_APPID: ACCOUNT.appid };
}

async function startOurs(ctx: SuiteContext, name: string, settings: Settings): Promise<ServerChild> {
  const dataDir = join(ctx.tmpDir, `data-${name}`);
  const server = await spawnServer({
    name,
    args: ['ours', '--data-dir', dataDir, '--log-level', settings.serverLogLevel],
    env: serverEnv(),
    logDir: ctx.tmpDir,
    cpuProfDir: ctx.cpuProfDir,
  });
  await sendOk('PUT Bucket', { port: server.port, method: 'PUT', path: '/', headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', '/'), 'content-length': '0' } });
  return server;
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/** Response headers to copy into the bare handler: all but those node:http writes itself. */
function copyableHeaders(res: SimpleResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(k) || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Warnings and errors the server logged (pino JSON level ≥ 40, or any non-JSON stderr line). */
function logProblems(server: ServerChild): string[] {
  let text = '';
  try {
    text = readFileSync(server.logFile, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const j = JSON.parse(line) as { level?: number; msg?: string };
      if ((j.level ?? 0) >= 40) out.push(line.slice(0, 400));
    } catch {
      out.push(line.slice(0, 400));
    }
  }
  return out;
}

interface TargetResult extends LoadSummary {
  server: string;
  /** Server process CPU (all threads) per 2xx response, and its share of one core while loaded. */
  serverCpuUsPerRequest: number;
  serverCpuCores: number;
  rssAfterKiB: number[];
  fdsBefore: number;
  fdsAfter: number;
}

interface Comparison {
  name: string;
  request: string;
  ours: TargetResult;
  bare: TargetResult;
  /** Extra baselines (e.g. bare streaming from the file), not part of the ratio. */
  others: TargetResult[];
  throughputRatio: number;
  signatureRoutingCost: number;
  /**
   * bare / ours server CPU per request: the throughput ratio if both servers
   * were CPU-bound on the same core. Independent of the load generator, which
   * is the bottleneck for the bare handler on a 2-core machine.
   */
  cpuRatio: number;
  cpuBasedCost: number;
  meetsAim: boolean;
}

/** Runs each target for warmup, then `rounds` rounds in ABBA order, and merges the rounds per target. */
async function measure(
  ctx: SuiteContext,
  settings: Settings,
  title: string,
  targets: Array<{ server: ServerChild; load: LoadTarget }>,
): Promise<TargetResult[]> {
  for (const t of targets) {
    ctx.log(`${title}: warm-up ${t.server.name} ${settings.warmupSeconds} s`);
    await runLoad(t.load, settings.warmupSeconds, settings.connections);
  }
  const runs = targets.map(() => [] as LoadRun[]);
  const rss = targets.map(() => [] as number[]);
  const cpu = targets.map(() => 0);
  const fdsBefore = targets.map((t) => openFds(t.server.pid));
  for (let round = 0; round < settings.rounds; round++) {
    const order = targets.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const t = targets[i]!;
      const cpuBefore = cpuSeconds(t.server.pid);
      const run = await runLoad(t.load, settings.roundSeconds, settings.connections);
      cpu[i]! += cpuSeconds(t.server.pid) - cpuBefore;
      runs[i]!.push(run);
      rss[i]!.push(readMemory(t.server.pid)?.vmRssKiB ?? NaN);
      ctx.log(`${title}: round ${round + 1} ${t.server.name}: ${fmt.int(run.raw['2xx'] / run.seconds)} req/s, non-2xx ${run.raw.non2xx}, errors ${run.raw.errors}`);
    }
  }
  await sleep(300); // let the closed connections' fds go
  return targets.map((t, i) => {
    const summary = summarize(runs[i]!);
    return {
      server: t.server.name,
      serverCpuUsPerRequest: (cpu[i]! / summary.requests2xx) * 1e6,
      serverCpuCores: cpu[i]! / summary.seconds,
      ...summary,
      rssAfterKiB: rss[i]!,
      fdsBefore: fdsBefore[i]!,
      fdsAfter: openFds(t.server.pid),
    };
  });
}

function compare(name: string, request: string, results: TargetResult[]): Comparison {
  const [ours, bare, ...others] = results as [TargetResult, TargetResult, ...TargetResult[]];
  const ratio = ours.requestsPerSec / bare.requestsPerSec;
  const cpuRatio = bare.serverCpuUsPerRequest / ours.serverCpuUsPerRequest;
  return {
    name,
    request,
    ours,
    bare,
    others,
    throughputRatio: ratio,
    signatureRoutingCost: 1 - ratio,
    cpuRatio,
    cpuBasedCost: 1 - cpuRatio,
    meetsAim: 1 - ratio < AIMS.maxSignatureRoutingCost,
  };
}

/** Part 1: requests/s and latency, ours next to bare handlers. */
async function requestRates(ctx: SuiteContext, settings: Settings, problems: string[]): Promise<{ comparisons: Comparison[]; idleRssKiB: Record<string, number>; responseHeaders: Record<string, unknown> }> {
  const bodyFile = join(ctx.tmpDir, 'object-64k.bin');
  const body = randomFillSync(Buffer.alloc(SMALL_SIZE));
  writeFileSync(bodyFile, body);

  ctx.log('starting our server (part 1)');
  const ours = await startOurs(ctx, 'ours-requests', settings);
  const children: ServerChild[] = [ours];
  try {
    const put = await sendOk('PUT Object 64 KiB', {
      port: ours.port,
      method: 'PUT',
      path: SMALL_KEY,
      headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', SMALL_KEY), 'content-length': String(SMALL_SIZE), 'content-type': 'application/octet-stream' },
      body,
    });
    const md5 = createHash('md5').update(body).digest('hex');
    if (put.headers.etag !== `"${md5}"`) problems.push(`PUT Object 64 KiB: ETag ${String(put.headers.etag)}, expected "${md5}"`);

    const headAuth = signedHeaders(ACCOUNT, HOST, 'HEAD', SMALL_KEY);
    const getAuth = signedHeaders(ACCOUNT, HOST, 'GET', SMALL_KEY);
    const head = await sendOk('HEAD Object', { port: ours.port, method: 'HEAD', path: SMALL_KEY, headers: headAuth });
    const get = await sendOk('GET Object', { port: ours.port, method: 'GET', path: SMALL_KEY, headers: getAuth });
    if (!get.body.equals(body)) problems.push('GET Object 64 KiB: body differs from what was PUT');

    // Bare handlers answer with the very status/headers/bytes ours just sent.
    const spec: BareSpec = {
      head: { status: head.status, headers: copyableHeaders(head) },
      get: { status: get.status, headers: copyableHeaders(get) },
      bodyFile,
    };
    const specFile = join(ctx.tmpDir, 'bare-spec.json');
    writeFileSync(specFile, JSON.stringify(spec, null, 2));
    const specFileStreaming = join(ctx.tmpDir, 'bare-file-spec.json');
    writeFileSync(specFileStreaming, JSON.stringify({ ...spec, streamFromFile: true }, null, 2));
    const bare = await spawnServer({ name: 'bare', args: ['bare', '--spec', specFile], logDir: ctx.tmpDir });
    children.push(bare);
    const bareFile = await spawnServer({ name: 'bare-file', args: ['bare', '--spec', specFileStreaming], logDir: ctx.tmpDir });
    children.push(bareFile);
    const bareGet = await sendOk('bare GET', { port: bare.port, method: 'GET', path: SMALL_KEY, headers: getAuth });
    if (!bareGet.body.equals(body)) problems.push('bare handler GET body differs (bench bug)');

    await sleep(300);
    const idleRssKiB = Object.fromEntries(children.map((c) => [c.name, readMemory(c.pid)?.vmRssKiB ?? NaN]));

    const target = (server: ServerChild, method: 'GET' | 'HEAD', headers: Record<string, string>) => ({
      server,
      load: { url: `http://127.0.0.1:${server.port}${SMALL_KEY}`, method, headers },
    });
    const comparisons: Comparison[] = [];
    const headResults = await measure(ctx, settings, 'HEAD', [target(ours, 'HEAD', headAuth), target(bare, 'HEAD', headAuth)]);
    comparisons.push(compare('head', 'HEAD Object (signed, 64 KiB object)', headResults));
    const getResults = await measure(ctx, settings, 'GET', [target(ours, 'GET', getAuth), target(bare, 'GET', getAuth), target(bareFile, 'GET', getAuth)]);
    comparisons.push(compare('get-64k', 'GET Object 64 KiB (signed)', getResults));

    for (const c of comparisons) {
      for (const r of [c.ours, c.bare, ...c.others]) {
        if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
          problems.push(`${c.request} → ${r.server}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`);
        }
        if (r.fdsAfter - r.fdsBefore > 16) problems.push(`${c.request} → ${r.server}: open fds grew ${r.fdsBefore} → ${r.fdsAfter}`);
      }
    }
    return { comparisons, idleRssKiB, responseHeaders: { head: spec.head, get: spec.get } };
  } finally {
    for (const c of children.reverse()) {
      const code = await c.stop();
      if (code !== 0) problems.push(`${c.name}: exited with code ${code} on SIGTERM (its stderr lines follow, if any)`);
      for (const line of logProblems(c)) problems.push(`${c.name} log: ${line}`);
    }
  }
}

/** Writes LARGE_SIZE pseudo-random bytes to a file, 1 MiB at a time; returns its MD5. */
async function generateFile(path: string, size: number): Promise<string> {
  const out = createWriteStream(path);
  const md5 = createHash('md5');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += chunk.length) {
    // A fresh random chunk every 16 MiB keeps the file incompressible enough without the cost of 256 MiB of randomness.
    if (written % (16 * 1024 * 1024) === 0) randomFillSync(chunk);
    else chunk.writeUInt32BE(written >>> 0, 0);
    const piece = Buffer.from(chunk);
    md5.update(piece);
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return md5.digest('hex');
}

interface Transfer {
  operation: 'PUT' | 'GET';
  bytes: number;
  seconds: number;
  mibPerSec: number;
  status: number;
  memory: RssReport;
  meetsAim: boolean;
}

/** Part 2: 256 MiB PUT then GET on a fresh server, RSS sampled every 50 ms. */
async function largeObject(ctx: SuiteContext, settings: Settings, problems: string[]): Promise<{ idle: ReturnType<typeof readMemory>; transfers: Transfer[] }> {
  const file = join(ctx.tmpDir, 'object-256m.bin');
  ctx.log(`generating ${LARGE_SIZE / 1024 / 1024} MiB file`);
  const md5 = await generateFile(file, LARGE_SIZE);
  ctx.log('starting our server (part 2)');
  const ours = await startOurs(ctx, 'ours-large', settings);
  const transfers: Transfer[] = [];
  const peakOf = (m: RssReport) => Math.max(m.peakVmRssKiB, m.endVmHwmKiB) / 1024;
  try {
    await sleep(500);
    const idle = readMemory(ours.pid);

    ctx.log('PUT 256 MiB');
    let sampler = sampleRss(ours.pid, settings.rssIntervalMs);
    const put = await sendOk('PUT Object 256 MiB', {
      port: ours.port,
      method: 'PUT',
      path: LARGE_KEY,
      headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', LARGE_KEY), 'content-length': String(LARGE_SIZE), 'content-type': 'application/octet-stream' },
      body: createReadStream(file, { highWaterMark: 1024 * 1024 }),
    });
    let memory = sampler.stop();
    if (put.headers.etag !== `"${md5}"`) problems.push(`PUT Object 256 MiB: ETag ${String(put.headers.etag)}, expected "${md5}"`);
    transfers.push({ operation: 'PUT', bytes: LARGE_SIZE, seconds: put.seconds, mibPerSec: LARGE_SIZE / 1024 / 1024 / put.seconds, status: put.status, memory, meetsAim: peakOf(memory) < AIMS.maxPeakRssMiB });

    await sleep(500);
    ctx.log('GET 256 MiB');
    sampler = sampleRss(ours.pid, settings.rssIntervalMs);
    const get = await sendOk('GET Object 256 MiB', { port: ours.port, method: 'GET', path: LARGE_KEY, headers: signedHeaders(ACCOUNT, HOST, 'GET', LARGE_KEY), discardBody: true });
    memory = sampler.stop();
    if (get.bodyBytes !== LARGE_SIZE) problems.push(`GET Object 256 MiB: received ${get.bodyBytes} bytes, expected ${LARGE_SIZE}`);
    if (get.headers.etag !== `"${md5}"`) problems.push(`GET Object 256 MiB: ETag ${String(get.headers.etag)}, expected "${md5}"`);
    transfers.push({ operation: 'GET', bytes: get.bodyBytes, seconds: get.seconds, mibPerSec: get.bodyBytes / 1024 / 1024 / get.seconds, status: get.status, memory, meetsAim: peakOf(memory) < AIMS.maxPeakRssMiB });
    return { idle, transfers };
  } finally {
    const code = await ours.stop();
    if (code !== 0) problems.push(`${ours.name}: exited with code ${code} on SIGTERM`);
    for (const line of logProblems(ours)) problems.push(`${ours.name} log: ${line}`);
  }
}

function markdown(settings: Settings, comparisons: Comparison[], idleRssKiB: Record<string, number>, large: Awaited<ReturnType<typeof largeObject>> | undefined, problems: string[]): string {
  const lat = (r: TargetResult) => `${r.latencyMs.p50} / ${r.latencyMs.p99}`;
  const parts: string[] = [];
  parts.push(
    `Loopback, ${settings.connections} connections, ${settings.rounds}×${settings.roundSeconds} s per target (ABBA order, after ${settings.warmupSeconds} s warm-up); server log level ${settings.serverLogLevel}.`,
    '',
    table(
      ['Request', 'ours req/s', 'bare req/s', 'ratio', 'sig+routing cost', `aim <${AIMS.maxSignatureRoutingCost * 100}%`, 'ours p50/p99 ms', 'bare p50/p99 ms'],
      comparisons.map((c) => [
        c.request,
        fmt.int(c.ours.requestsPerSec),
        fmt.int(c.bare.requestsPerSec),
        fmt.fixed(c.throughputRatio),
        fmt.pct(c.signatureRoutingCost),
        c.meetsAim ? 'met' : `missed by ${((c.signatureRoutingCost - AIMS.maxSignatureRoutingCost) * 100).toFixed(1)} pt`,
        lat(c.ours),
        lat(c.bare),
      ]),
    ),
  );
  parts.push(
    '',
    table(
      ['Request', 'ours CPU µs/req', 'bare CPU µs/req', 'ours cores busy', 'bare cores busy', 'CPU-based cost'],
      comparisons.map((c) => [
        c.request,
        fmt.int(c.ours.serverCpuUsPerRequest),
        fmt.int(c.bare.serverCpuUsPerRequest),
        fmt.fixed(c.ours.serverCpuCores),
        fmt.fixed(c.bare.serverCpuCores),
        fmt.pct(c.cpuBasedCost),
      ]),
    ),
    '',
    'CPU = server process user+sys time (all threads) over the measured rounds; CPU-based cost = 1 − bare µs/req ÷ ours µs/req.',
  );
  const extra = comparisons.flatMap((c) => c.others.map((o) => ({ c, o })));
  if (extra.length > 0) {
    parts.push(
      '',
      table(
        ['Extra baseline', 'req/s', 'ours/this', 'p50/p99 ms', 'CPU µs/req'],
        extra.map(({ c, o }) => [
          `${c.request} → ${o.server} (bare, body streamed from file each time)`,
          fmt.int(o.requestsPerSec),
          fmt.fixed(c.ours.requestsPerSec / o.requestsPerSec),
          lat(o),
          fmt.int(o.serverCpuUsPerRequest),
        ]),
      ),
    );
  }
  if (large) {
    parts.push(
      '',
      table(
        ['256 MiB object', 'MiB/s', 'seconds', 'peak VmRSS (50 ms samples)', 'VmHWM at end', `aim <${AIMS.maxPeakRssMiB} MiB`],
        large.transfers.map((t) => [t.operation, fmt.fixed(t.mibPerSec, 1), fmt.fixed(t.seconds, 2), fmt.mib(t.memory.peakVmRssKiB), fmt.mib(t.memory.endVmHwmKiB), t.meetsAim ? 'met' : 'missed']),
      ),
      '',
      `Server RSS idle before the transfers: ${fmt.mib(large.idle?.vmRssKiB ?? NaN)}. Idle RSS in part 1 (all run under tsx, as bin/smart-audio.js does): ${Object.entries(idleRssKiB)
        .map(([k, v]) => `${k} ${fmt.mib(v)}`)
        .join(', ')}.`,
    );
  }
  for (const c of comparisons) {
    if (c.bare.serverCpuCores < 0.8) {
      parts.push(
        '',
        `Note: during "${c.request}" the bare handler used only ${fmt.fixed(c.bare.serverCpuCores)} of a core: the load generator (autocannon, one core) is the limit there, so the req/s ratio understates ours' relative cost; the CPU-based cost does not depend on the client.`,
      );
    }
  }
  parts.push('', problems.length === 0 ? 'Problems: none seen.' : `Problems (${problems.length}):\n${problems.slice(0, 20).map((p) => `- ${p}`).join('\n')}`);
  return parts.join('\n');
}

export const frontDoor: Suite = {
  name: 'front-door',
  description: 'signed HEAD / 64 KiB GET vs a bare node:http handler; 256 MiB PUT/GET throughput and server RSS',
  approxSeconds: 110,
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    mkdirSync(ctx.tmpDir, { recursive: true });
    const settings = settingsFor(ctx);
    const problems: string[] = [];
    const rates = await requestRates(ctx, settings, problems);
    const large = await largeObject(ctx, settings, problems);
    const json = {
      settings,
      aims: AIMS,
      addressing: { host: HOST, signedHeaders: ['host'], note: 'virtual-host style, one Authorization value per method for the whole run' },
      requests: rates.comparisons,
      idleRssKiB: rates.idleRssKiB,
      bareResponses: rates.responseHeaders,
      largeObject: { sizeBytes: LARGE_SIZE, idleBeforeKiB: large.idle, transfers: large.transfers },
      problems,
    };
    return { json, markdown: markdown(settings, rates.comparisons, rates.idleRssKiB, large, problems) };
  },
};
