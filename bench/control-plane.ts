/**
 * Control-plane suite: create-template and query-template requests/s and
 * latency with 10,000 templates stored, next to a signed HEAD Object on the
 * same server in the same run (the ratio is what to compare across runs on a
 * noisy machine).
 *
 * The server is a child process (bench/lib/server-process.ts); the load
 * generator runs here. Set-up: PUT Bucket, POST /asrbucket, one 64 KiB
 * object, then 10,000 templates (2,500 of each of the four tags) created by
 * concurrent signed POST /template over keep-alive connections. Then two
 * measurements, each target in turn, rounds in ABBA order:
 *   1. throughput: autocannon, 32 connections (req/s, p50/p99 under load,
 *      server CPU per request);
 *   2. latency: one connection, requests back to back, each timed with
 *      hrtime (autocannon's histogram has 1 ms resolution, too coarse for a
 *      5 ms aim).
 * POST /template sends a unique name on every request (a repeated name would
 * measure the TemplateNameDuplicate error); the templates a round creates
 * are deleted after it (outside the timing), so every round starts at
 * 10,000 stored templates.
 */
import { randomFillSync } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_ACCOUNT, benchServerEnv, ciHost, forEachConcurrent, KeepAliveClient, xmlElement } from './lib/ci-client.ts';
import { spawnServer, type ServerChild } from './lib/children.ts';
import { bucketHost, signedHeaders } from './lib/cos-client.ts';
import { runLoad, summarize, type LoadRun, type LoadSummary } from './lib/load.ts';
import { runVaried } from './lib/load-varied.ts';
import { fmt, table } from './lib/markdown.ts';
import { cpuShare } from './lib/proc-tree.ts';
import { cpuSeconds, readMemory } from './lib/rss.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';

const ACCOUNT = BENCH_ACCOUNT;
const BUCKET = `cp-${ACCOUNT.appid}`;
const CI_HOST = ciHost(BUCKET, ACCOUNT.region);
const COS_HOST = bucketHost(BUCKET, ACCOUNT.region);
const OBJECT_KEY = '/bench/object-64k.bin';

/** The issue's aim. */
const AIMS = { maxQueryP99Ms: 5 };

type Tag = 'VoiceSeparate' | 'NoiseReduction' | 'Tts' | 'SpeechRecognition';
const TAGS: Tag[] = ['VoiceSeparate', 'NoiseReduction', 'Tts', 'SpeechRecognition'];

/** Create bodies per tag (spec/templates.md §1–§4 samples). */
const PARAMS_XML: Record<Tag, string> = {
  VoiceSeparate: '<AudioMode>IsAudio</AudioMode><AudioConfig><Codec>mp3</Codec><Samplerate>44100</Samplerate><Bitrate>128</Bitrate><Channels>2</Channels></AudioConfig>',
  NoiseReduction: '<NoiseReduction><Format>wav</Format><Samplerate>16000</Samplerate></NoiseReduction>',
  Tts: '<Mode>Sync</Mode><Codec>pcm</Codec><VoiceType>ruxue</VoiceType><Volume>0</Volume><Speed>100</Speed>',
  SpeechRecognition:
    '<SpeechRecognition><EngineModelType>16k_zh</EngineModelType><ChannelNum>1</ChannelNum><ResTextFormat>1</ResTextFormat><FilterDirty>0</FilterDirty><FilterModal>1</FilterModal><ConvertNumMode>0</ConvertNumMode><SpeakerDiarization>1</SpeakerDiarization><SpeakerNumber>0</SpeakerNumber><FilterPunc>0</FilterPunc><OutputFileType>txt</OutputFileType></SpeechRecognition>',
};

const loadName = (i: number) => `load-${String(i).padStart(5, '0')}`;
const templateXml = (tag: Tag, name: string) => `<Request><Tag>${tag}</Tag><Name>${name}</Name>${PARAMS_XML[tag]}</Request>`;

interface Settings {
  templates: number;
  loadConcurrency: number;
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  latencyRounds: number;
  latencyRoundSeconds: number;
  serverLogLevel: string;
}

function settingsFor(ctx: SuiteContext): Settings {
  return ctx.quick
    ? { templates: 1000, loadConcurrency: 16, connections: 32, rounds: 2, roundSeconds: 1, warmupSeconds: 1, latencyRounds: 2, latencyRoundSeconds: 1, serverLogLevel: 'warn' }
    : { templates: 10_000, loadConcurrency: 16, connections: 32, rounds: 4, roundSeconds: 4, warmupSeconds: 2, latencyRounds: 4, latencyRoundSeconds: 2, serverLogLevel: 'warn' };
}

/** A measured request: how to load it (autocannon) and how to send one (latency loop). */
interface Target {
  name: string;
  request: string;
  isQuery: boolean;
  load(seconds: number, connections: number): Promise<LoadRun>;
  one(): Promise<number>;
  /** After each run: put the store back as it was (outside the timing). */
  restore?: () => Promise<void>;
}

interface LatencySummary {
  requests: number;
  requestsPerSec: number;
  non2xx: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

interface TargetResult {
  name: string;
  request: string;
  isQuery: boolean;
  loaded: LoadSummary & { serverCpuUsPerRequest: number; serverCpuCores: number };
  single: LatencySummary;
  /** This target's req/s ÷ HEAD Object's req/s (32 connections). */
  ratioToHead: number;
  /** HEAD's server CPU per request ÷ this target's (independent of the load generator). */
  cpuRatioToHead: number;
  meetsAim?: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summarizeLatency(samples: number[], seconds: number, non2xx: number): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.reduce((s, x) => s + x, 0) / Math.max(1, samples.length);
  return {
    requests: samples.length,
    requestsPerSec: samples.length / seconds,
    non2xx,
    latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, mean },
  };
}

/** Warnings and errors the server logged (pino JSON level ≥ 40, or any non-JSON line). */
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
      if (((JSON.parse(line) as { level?: number }).level ?? 0) >= 40) out.push(line.slice(0, 400));
    } catch {
      out.push(line.slice(0, 400));
    }
  }
  return out;
}

async function storedCount(client: KeepAliveClient): Promise<number> {
  const res = await client.ci('GET /template count', 'GET', BUCKET, '/template?pageSize=1');
  return Number(xmlElement(res.body, 'TotalCount'));
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const settings = settingsFor(ctx);
  const problems: string[] = [];
  ctx.log('starting the server');
  const server = await spawnServer({
    name: 'ours-control-plane',
    args: ['ours', '--data-dir', join(ctx.tmpDir, 'data'), '--log-level', settings.serverLogLevel],
    env: benchServerEnv(ACCOUNT),
    logDir: ctx.tmpDir,
    cpuProfDir: ctx.cpuProfDir,
  });
  const client = new KeepAliveClient(server.port, ACCOUNT, settings.loadConcurrency);
  // The latency loop: one keep-alive connection, requests back to back.
  const single = new KeepAliveClient(server.port, ACCOUNT, 1);
  try {
    await client.createSmartAudioBucket(BUCKET);
    const objectBody = randomFillSync(Buffer.alloc(64 * 1024));
    await client.putObject(BUCKET, OBJECT_KEY, objectBody);

    // ---- load the templates
    ctx.log(`creating ${settings.templates} templates (${settings.loadConcurrency} concurrent requests)`);
    const ids: string[] = new Array<string>(settings.templates);
    const loadStarted = process.hrtime.bigint();
    await forEachConcurrent(settings.templates, settings.loadConcurrency, async (i) => {
      const tag = TAGS[i % TAGS.length]!;
      const res = await client.ci('POST /template (load)', 'POST', BUCKET, '/template', templateXml(tag, loadName(i)));
      ids[i] = xmlElement(res.body, 'TemplateId')!;
    });
    const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
    const loadRate = settings.templates / loadSeconds;
    ctx.log(`loaded ${settings.templates} templates in ${loadSeconds.toFixed(1)} s (${fmt.int(loadRate)}/s)`);
    const stored = await storedCount(client);
    if (stored !== settings.templates) problems.push(`after loading, GET /template reports TotalCount ${stored}, expected ${settings.templates}`);
    const dataDir = join(ctx.tmpDir, 'data');
    const dbBytes = ['metadata.sqlite', 'metadata.sqlite-wal'].reduce((sum, f) => sum + (existsSync(join(dataDir, f)) ? statSync(join(dataDir, f)).size : 0), 0);

    // ---- the targets
    const oneId = ids[Math.floor(settings.templates / 2)]!;
    // Names load-00000…: the prefix of the middle one without its last two digits matches 100 names, 25 of them Tts.
    const namePrefix = loadName(Math.floor(settings.templates / 2)).slice(0, -2);
    const queries = {
      page: '/template?pageNumber=1&pageSize=10',
      byId: `/template?ids=${oneId}`,
      byName: `/template?name=${namePrefix}&tag=Tts`,
    };
    // Check the answers once (what each query returns at this size).
    const answers: Record<string, { totalCount: number; items: number; bytes: number }> = {};
    for (const [k, path] of Object.entries(queries)) {
      const res = await client.ci(`GET ${path}`, 'GET', BUCKET, path);
      answers[k] = { totalCount: Number(xmlElement(res.body, 'TotalCount')), items: (res.body.match(/<TemplateList>/g) ?? []).length, bytes: Buffer.byteLength(res.body) };
    }
    if (answers.byId!.totalCount !== 1 || answers.byId!.items !== 1) problems.push(`GET ${queries.byId}: ${JSON.stringify(answers.byId)}, expected one template`);
    if (answers.page!.items !== 10) problems.push(`GET ${queries.page}: ${answers.page!.items} items, expected 10`);

    const getHeaders = signedHeaders(ACCOUNT, CI_HOST, 'GET', '/template');
    const postHeaders = { ...signedHeaders(ACCOUNT, CI_HOST, 'POST', '/template'), 'content-type': 'application/xml' };
    const headHeaders = signedHeaders(ACCOUNT, COS_HOST, 'HEAD', OBJECT_KEY);
    const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

    let createSeq = 0;
    const nextCreateBody = () => {
      const n = createSeq++;
      return templateXml(TAGS[n % TAGS.length]!, `m-${n}`);
    };
    const createFailures: Record<string, number> = {};
    const onCreated = (status: number, body: string) => {
      if (status !== 200) {
        const code = `${status} ${xmlElement(body, 'Code') ?? ''}`;
        createFailures[code] = (createFailures[code] ?? 0) + 1;
      }
    };
    // Every template a measurement created (also those whose answer autocannon
    // did not wait for when the round ended) is named m-<n>: find and delete them.
    const deleteCreated = async () => {
      for (;;) {
        const res = await client.ci('GET /template?name=m-', 'GET', BUCKET, '/template?name=m-&pageSize=100');
        const found = [...res.body.matchAll(/<TemplateId>([^<]+)<\/TemplateId>/g)].map((m) => m[1]!);
        if (found.length === 0) break;
        await forEachConcurrent(found.length, settings.loadConcurrency, async (i) => {
          await client.ci('DELETE /template', 'DELETE', BUCKET, `/template/${found[i]}`);
        });
      }
    };

    const getTarget = (name: string, request: string, path: string): Target => ({
      name,
      request,
      isQuery: true,
      load: (s, c) => runLoad({ url: url(path), method: 'GET', headers: getHeaders }, s, c),
      one: async () => (await single.send('GET', CI_HOST, path)).status,
    });
    const targets: Target[] = [
      {
        name: 'head',
        request: 'HEAD Object (signed, 64 KiB object)',
        isQuery: false,
        load: (s, c) => runLoad({ url: url(OBJECT_KEY), method: 'HEAD', headers: headHeaders }, s, c),
        one: async () => (await single.send('HEAD', COS_HOST, OBJECT_KEY)).status,
      },
      {
        name: 'create',
        request: 'POST /template (unique name, 4 tags in turn)',
        isQuery: false,
        load: (s, c) => runVaried({ url: url('/template'), method: 'POST', headers: postHeaders, body: nextCreateBody, onResponse: onCreated }, s, c),
        one: async () => {
          const res = await single.send('POST', CI_HOST, '/template', nextCreateBody(), { 'content-type': 'application/xml' });
          onCreated(res.status, res.body);
          return res.status;
        },
        restore: deleteCreated,
      },
      getTarget('query-page', `GET ${queries.page}`, queries.page),
      getTarget('query-id', 'GET /template?ids=<one id>', queries.byId),
      getTarget('query-name', `GET /template?name=${namePrefix}&tag=Tts (${answers.byName!.totalCount} match)`, queries.byName),
    ];

    // ---- 1. throughput, 32 connections
    for (const t of targets) {
      ctx.log(`warm-up ${t.name} ${settings.warmupSeconds} s`);
      await t.load(settings.warmupSeconds, settings.connections);
      await t.restore?.();
    }
    const runs = targets.map(() => [] as LoadRun[]);
    const cpu = targets.map(() => 0);
    const countsBefore: number[] = [];
    const loadedShare = cpuShare(() => [process.pid]);
    for (let round = 0; round < settings.rounds; round++) {
      const order = targets.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const t = targets[i]!;
        countsBefore.push(await storedCount(client));
        const c0 = cpuSeconds(server.pid);
        const r = await t.load(settings.roundSeconds, settings.connections);
        cpu[i]! += cpuSeconds(server.pid) - c0;
        runs[i]!.push(r);
        ctx.log(`round ${round + 1} ${t.name}: ${fmt.int(r.raw['2xx'] / r.seconds)} req/s, non-2xx ${r.raw.non2xx}, errors ${r.raw.errors}`);
        await t.restore?.();
      }
    }

    const machineLoaded = loadedShare.stop();

    // ---- 2. latency, one connection
    const singleShare = cpuShare(() => [process.pid]);
    const samples = targets.map(() => [] as number[]);
    const seconds = targets.map(() => 0);
    const non2xx = targets.map(() => 0);
    for (const t of targets) for (let k = 0; k < 50; k++) await t.one(); // warm the connection and the code paths
    await targets[1]!.restore?.();
    for (let round = 0; round < settings.latencyRounds; round++) {
      const order = targets.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const t = targets[i]!;
        countsBefore.push(await storedCount(client));
        const started = process.hrtime.bigint();
        const end = started + BigInt(Math.round(settings.latencyRoundSeconds * 1e9));
        for (;;) {
          const t0 = process.hrtime.bigint();
          if (t0 >= end) break;
          const status = await t.one();
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (status >= 200 && status <= 299) samples[i]!.push(ms);
          else non2xx[i]!++;
        }
        seconds[i]! += Number(process.hrtime.bigint() - started) / 1e9;
        ctx.log(`latency round ${round + 1} ${t.name}: ${samples[i]!.length} requests so far`);
        await t.restore?.();
      }
    }
    const machineSingle = singleShare.stop();
    const finalCount = await storedCount(client);
    if (countsBefore.some((n) => n !== settings.templates) || finalCount !== settings.templates) {
      problems.push(`stored templates before rounds: ${[...new Set(countsBefore)].join(', ')}, at the end ${finalCount}; expected ${settings.templates} throughout`);
    }
    if (Object.keys(createFailures).length > 0) problems.push(`POST /template failures: ${JSON.stringify(createFailures)}`);

    const results: TargetResult[] = targets.map((t, i) => {
      const s = summarize(runs[i]!);
      return {
        name: t.name,
        request: t.request,
        isQuery: t.isQuery,
        loaded: { ...s, serverCpuUsPerRequest: (cpu[i]! / s.requests2xx) * 1e6, serverCpuCores: cpu[i]! / s.seconds },
        single: summarizeLatency(samples[i]!, seconds[i]!, non2xx[i]!),
        ratioToHead: NaN,
        cpuRatioToHead: NaN,
      };
    });
    const head = results[0]!;
    for (const r of results) {
      r.ratioToHead = r.loaded.requestsPerSec / head.loaded.requestsPerSec;
      r.cpuRatioToHead = head.loaded.serverCpuUsPerRequest / r.loaded.serverCpuUsPerRequest;
      if (r.isQuery) r.meetsAim = r.single.latencyMs.p99 < AIMS.maxQueryP99Ms;
      if (r.loaded.non2xx > 0 || r.loaded.errors > 0 || r.loaded.timeouts > 0 || r.single.non2xx > 0) {
        problems.push(`${r.request}: ${r.loaded.non2xx} non-2xx (${JSON.stringify(r.loaded.statusCodes)}), ${r.loaded.errors} errors, ${r.loaded.timeouts} timeouts under load; ${r.single.non2xx} non-2xx one at a time`);
      }
    }
    const rssKiB = readMemory(server.pid)?.vmRssKiB ?? NaN;

    const json = {
      settings,
      aims: AIMS,
      load: { templates: settings.templates, seconds: loadSeconds, perSec: loadRate, concurrency: settings.loadConcurrency, metadataBytes: dbBytes },
      queryAnswers: answers,
      serverRssKiB: rssKiB,
      /** Cores the machine kept busy during each phase: ours (this process tree: load generator + server) and other work. */
      machineCpu: { loaded: machineLoaded, oneConnection: machineSingle },
      results,
      problems,
    };
    return { json, markdown: markdown(settings, results, loadSeconds, loadRate, rssKiB, { loaded: machineLoaded, single: machineSingle }, problems) };
  } finally {
    client.close();
    single.close();
    await sleep(100);
    const code = await server.stop();
    if (code !== 0) problems.push(`server exited with code ${code} on SIGTERM`);
    for (const line of logProblems(server)) problems.push(`server log: ${line}`);
  }
}

function markdown(
  settings: Settings,
  results: TargetResult[],
  loadSeconds: number,
  loadRate: number,
  rssKiB: number,
  machine: Record<'loaded' | 'single', { machineCores: number; oursCores: number; othersCores: number }>,
  problems: string[],
): string {
  const ms = (n: number) => fmt.fixed(n, 2);
  const parts: string[] = [];
  parts.push(
    `Loopback, ${fmt.int(settings.templates)} templates stored (loaded in ${fmt.fixed(loadSeconds, 1)} s = ${fmt.int(loadRate)} creates/s, ${settings.loadConcurrency} concurrent keep-alive requests). ` +
      `Under load: autocannon, ${settings.connections} connections, ${settings.rounds}×${settings.roundSeconds} s per request (ABBA, after ${settings.warmupSeconds} s warm-up). ` +
      `One at a time: one keep-alive connection, ${settings.latencyRounds}×${settings.latencyRoundSeconds} s per request, each timed with hrtime. ` +
      `Templates created in a round are deleted after it, so every round sees ${fmt.int(settings.templates)}.`,
    '',
    table(
      ['Request', 'req/s', 'ratio to HEAD', 'p50 / p99 ms (loaded)', 'server CPU µs/req', 'CPU ratio to HEAD', '1-conn req/s', '1-conn p50 / p99 ms', `aim p99 <${AIMS.maxQueryP99Ms} ms`],
      results.map((r) => [
        r.request,
        fmt.int(r.loaded.requestsPerSec),
        fmt.fixed(r.ratioToHead),
        `${r.loaded.latencyMs.p50} / ${r.loaded.latencyMs.p99}`,
        fmt.int(r.loaded.serverCpuUsPerRequest),
        fmt.fixed(r.cpuRatioToHead),
        fmt.int(r.single.requestsPerSec),
        `${ms(r.single.latencyMs.p50)} / ${ms(r.single.latencyMs.p99)}`,
        r.meetsAim === undefined ? '' : r.meetsAim ? 'met' : 'missed',
      ]),
    ),
    '',
    `Ratio to HEAD = req/s ÷ signed HEAD Object req/s of this run; CPU ratio = HEAD's server CPU µs/req ÷ this request's (does not depend on the load generator, which shares the 2 cores). ` +
      `Loaded latencies are autocannon's (1 ms resolution, include queueing behind ${settings.connections} connections); the aim is judged on the one-connection p99. Server RSS at the end: ${fmt.mib(rssKiB)}. ` +
      `Other work on the machine used ${fmt.fixed(machine.loaded.othersCores)} cores on average during the loaded phase (ours ${fmt.fixed(machine.loaded.oursCores)}) and ${fmt.fixed(machine.single.othersCores)} during the one-connection phase (ours ${fmt.fixed(machine.single.oursCores)}).`,
  );
  parts.push('', problems.length === 0 ? 'Problems: none seen.' : `Problems (${problems.length}):\n${problems.slice(0, 20).map((p) => `- ${p}`).join('\n')}`);
  return parts.join('\n');
}

export const controlPlane: Suite = {
  name: 'control-plane',
  description: 'create/query template req/s and p99 at 10k templates, as a ratio to signed HEAD Object',
  approxSeconds: 150,
  run,
};
