/**
 * Jobs suite: jobs/minute for N queued 10-second VoiceSeparate jobs with 1
 * and 2 worker slots, the per-stage time split, and the pipeline overhead
 * (everything but the engine's separation) as a fraction of the audio
 * duration.
 *
 * Per slot count, on a fresh data directory:
 *   1. a server child process with `--worker-concurrency 0` (API only):
 *      PUT Bucket, POST /asrbucket, PUT the input, submit the N jobs
 *      (AudioAndBackground, mp3 out), SIGTERM;
 *   2. the server again on the same directory with `--worker-concurrency N`
 *      (SMART_AUDIO_WORKER_CONCURRENCY, since bench/lib/server-process.ts
 *      reads the environment): time from its ready message until no job is
 *      Submitted or Running (polled with GET /jobs?states=Submitted,Running&size=1
 *      every 500 ms; the finish time itself comes from the job rows), CPU of
 *      the server's whole process tree (engine processes, ffmpeg, ffprobe);
 *   3. after SIGTERM, the job rows are read from <data-dir>/metadata.sqlite:
 *      state, attempts, started/ended times and result.timings.
 * The floor, measured in the same run (before and after the job runs):
 * ffprobe, an ffmpeg decode to f32le, one ffmpeg process decoding the input
 * and encoding it twice to mp3 as the jobs' outputs are, and the job's own
 * separateFile pipeline with a no-op engine, in this process.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveOutputFormat } from '../src/audio/codecs.ts';
import type { SeparationEngine, SeparationMode, StemAudio } from '../src/audio/engines/engine.ts';
import { buildDecodeArgs } from '../src/audio/ffmpeg/args.ts';
import { ffmpegPath } from '../src/audio/ffmpeg/binaries.ts';
import { probe } from '../src/audio/ffmpeg/probe.ts';
import type { RawAudio } from '../src/audio/raw-audio.ts';
import { separateFile } from '../src/audio/separate-file.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';
import { BENCH_ACCOUNT, benchServerEnv, forEachConcurrent, KeepAliveClient, xmlElement } from './lib/ci-client.ts';
import { spawnServer, type ServerChild } from './lib/children.ts';
import { fmt, table } from './lib/markdown.ts';
import { cpuShare, treeCpuSeconds } from './lib/proc-tree.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';

const ACCOUNT = BENCH_ACCOUNT;
const BUCKET = `jobs-${ACCOUNT.appid}`;
const INPUT_KEY = 'in/song-10s.mp3';
const ENGINE = 'dsp';
/** Engine input layout of the dsp engine (src/audio/engines/dsp-separator.ts `requires`). */
const ENGINE_RATE = 44100;
const ENGINE_CHANNELS = 2;

/** The issue's aim. */
const AIMS = { maxOverheadFraction: 0.03 };

interface Settings {
  jobs: number;
  slotCounts: number[];
  audioSeconds: number;
  submitConcurrency: number;
  floorRepeats: number;
  pollMs: number;
  timeoutMinutes: number;
  serverLogLevel: string;
}

function settingsFor(ctx: SuiteContext): Settings {
  return ctx.quick
    ? { jobs: 10, slotCounts: [1, 2], audioSeconds: 10, submitConcurrency: 8, floorRepeats: 2, pollMs: 500, timeoutMinutes: 10, serverLogLevel: 'warn' }
    : { jobs: 100, slotCounts: [1, 2], audioSeconds: 10, submitConcurrency: 8, floorRepeats: 5, pollMs: 500, timeoutMinutes: 60, serverLogLevel: 'warn' };
}

// ------------------------------------------------------------------ input and floor

/** The stereo "song" of test/helpers/media.ts songMp3: a vibrato tone, panned pink noise and a low sine, 128 kbps mp3. */
function songArgs(seconds: number, out: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=44100`,
    '-f', 'lavfi', '-i', `anoisesrc=color=pink:duration=${seconds}:sample_rate=44100:amplitude=0.2`,
    '-f', 'lavfi', '-i', `sine=frequency=80:duration=${seconds}:sample_rate=44100`,
    '-filter_complex', '[0]vibrato=f=5:d=0.3,aformat=sample_fmts=fltp:channel_layouts=mono[v];[1]volume=0.6,aformat=sample_fmts=fltp:channel_layouts=mono[n];[2]volume=0.8,aformat=sample_fmts=fltp:channel_layouts=mono[b];[v][b]amix=inputs=2,aformat=sample_fmts=fltp:channel_layouts=mono[vb];[vb][n]amerge=inputs=2,pan=stereo|c0=c0+c1|c1=c0+0.2*c1[m]',
    '-map', '[m]', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k',
    out,
  ];
}

/** Runs ffmpeg, discarding stdout (counted); resolves with wall ms. */
function timeFfmpeg(args: string[]): Promise<{ ms: number; stdoutBytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdoutBytes += c.length));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`ffmpeg ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ ms: performance.now() - t0, stdoutBytes });
    });
  });
}

/** Passes the input through as both stems: the job's pipeline with no separation work. */
const noopEngine: SeparationEngine = {
  id: 'noop',
  requires: { sampleRate: ENGINE_RATE, channels: ENGINE_CHANNELS },
  stems: (mode: SeparationMode) => (mode === 'two' ? ['vocals', 'background'] : ['vocals', 'drums', 'bass', 'other']),
  separateChunk: async (chunk: RawAudio, mode: SeparationMode): Promise<StemAudio> => {
    const copy = () => chunk.channels.map((c) => Float32Array.from(c));
    return mode === 'two' ? { vocals: copy(), background: copy() } : { vocals: copy(), drums: copy(), bass: copy(), other: copy() };
  },
};

interface FloorResult {
  repeats: number;
  /** Median wall ms of each step. */
  probeMs: number;
  decodeMs: number;
  decodeEncode2Ms: number;
  noopPipelineMs: number;
  noopPipelineTimings: Record<string, number>;
  all: Record<string, number[]>;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

async function measureFloor(input: string, dir: string, repeats: number): Promise<FloorResult> {
  mkdirSync(dir, { recursive: true });
  const format = resolveOutputFormat({ codec: 'mp3' }, 'AudioAndBackground', 2);
  const all: Record<string, number[]> = { probe: [], decode: [], decodeEncode2: [], noopPipeline: [] };
  const noopTimings: Array<Record<string, number>> = [];
  for (let i = 0; i < repeats; i++) {
    let t = performance.now();
    await probe(input);
    all.probe!.push(performance.now() - t);
    all.decode!.push((await timeFfmpeg(buildDecodeArgs({ input, sampleRate: ENGINE_RATE, channels: ENGINE_CHANNELS }))).ms);
    const enc = (n: string) => ['-map', '0:a:0', '-vn', '-ac', String(ENGINE_CHANNELS), '-ar', String(ENGINE_RATE), ...format.encoderArgs, '-y', `file:${join(dir, n)}`];
    all.decodeEncode2!.push((await timeFfmpeg(['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', `file:${input}`, ...enc('a.mp3'), ...enc('b.mp3')])).ms);
    t = performance.now();
    const r = await separateFile({
      inputPath: input,
      engine: noopEngine,
      mode: 'two',
      outputs: { vocals: { path: join(dir, 'v.mp3'), format }, background: { path: join(dir, 'bg.mp3'), format } },
    });
    all.noopPipeline!.push(performance.now() - t);
    noopTimings.push(r.timings);
  }
  const keys = Object.keys(noopTimings[0] ?? {});
  return {
    repeats,
    probeMs: median(all.probe!),
    decodeMs: median(all.decode!),
    decodeEncode2Ms: median(all.decodeEncode2!),
    noopPipelineMs: median(all.noopPipeline!),
    noopPipelineTimings: Object.fromEntries(keys.map((k) => [k, median(noopTimings.map((x) => x[k]!))])),
    all,
  };
}

// ------------------------------------------------------------------ job runs

function jobXml(): string {
  return (
    '<Request><Tag>VoiceSeparate</Tag>' +
    `<Input><Object>${INPUT_KEY}</Object></Input>` +
    '<Operation><VoiceSeparate><AudioMode>AudioAndBackground</AudioMode><AudioConfig><Codec>mp3</Codec></AudioConfig></VoiceSeparate>' +
    `<Output><Region>${ACCOUNT.region}</Region><Bucket>${BUCKET}</Bucket><Object>out/\${jobid}/bg.\${ext}</Object><AuObject>out/\${jobid}/v.\${ext}</AuObject></Output>` +
    '</Operation></Request>'
  );
}

interface JobRow {
  id: string;
  state: string;
  code: string;
  message: string;
  attempts: number;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  timings: Record<string, number> | undefined;
}

/** Stage values of one job, ms (audio in s). */
interface JobStages {
  fetchMs: number;
  decodeMs: number;
  separateMs: number;
  encodeMs: number;
  /** Engine wall not in decode/separate/encode: probe, process hand-off (stages overlap, so it can be negative). */
  engineOtherMs: number;
  engineTotalMs: number;
  storeMs: number;
  /** Pipeline wall not in fetch/engine/store: the pipeline's own input probe, IPC to the engine process. */
  pipelineOtherMs: number;
  totalMs: number;
  /** Row ended_at − started_at: the pipeline plus claim, work-dir set-up/removal and the finish transaction. */
  rowWallMs: number;
  audioSec: number;
}

const STAGE_KEYS: Array<keyof JobStages> = ['fetchMs', 'decodeMs', 'separateMs', 'encodeMs', 'engineOtherMs', 'engineTotalMs', 'storeMs', 'pipelineOtherMs', 'totalMs', 'rowWallMs'];

function stagesOf(r: JobRow): JobStages | undefined {
  const t = r.timings;
  if (!t || r.startedAt === null || r.endedAt === null) return undefined;
  const v = (k: string) => Number(t[k] ?? NaN);
  return {
    fetchMs: v('fetchMs'),
    decodeMs: v('decodeMs'),
    separateMs: v('separateMs'),
    encodeMs: v('encodeMs'),
    engineOtherMs: v('engineTotalMs') - v('decodeMs') - v('separateMs') - v('encodeMs'),
    engineTotalMs: v('engineTotalMs'),
    storeMs: v('storeMs'),
    pipelineOtherMs: v('totalMs') - v('fetchMs') - v('engineTotalMs') - v('storeMs'),
    totalMs: v('totalMs'),
    rowWallMs: r.endedAt - r.startedAt,
    audioSec: v('audioSec'),
  };
}

interface Stat {
  mean: number;
  median: number;
}
const stat = (xs: number[]): Stat => ({ mean: mean(xs), median: median(xs) });

interface SlotResult {
  slots: number;
  jobs: number;
  submitSeconds: number;
  /** Spawn → ready of the worker server (tsx start-up, store open). */
  startupSeconds: number;
  /** Ready → the last job's ended_at. */
  secondsFromReady: number;
  /** Spawn → the last job's ended_at. */
  secondsFromSpawn: number;
  /** First started_at → last ended_at. */
  busySeconds: number;
  jobsPerMinuteFromReady: number;
  jobsPerMinuteFromSpawn: number;
  jobsPerMinuteBusy: number;
  /** Seconds of audio separated per second of wall time (from ready). */
  audioSecondsPerSecond: number;
  /** CPU of the server's process tree between ready and done, per job. */
  cpuSecondsPerJob: number;
  cpuCoresBusy: number;
  /** Cores the whole machine kept busy from ready to done, ours (this process tree) and the rest (other work). */
  machineCpu: { machineCores: number; oursCores: number; othersCores: number };
  /** Sum of job row walls ÷ (first start → last end): how many jobs ran at once on average. */
  meanConcurrency: number;
  states: Record<string, number>;
  retried: number;
  stages: Record<keyof JobStages, Stat>;
  audioSec: Stat;
  engineShare: Stat;
  overheadFraction: Stat;
  overheadFractionRowWall: Stat;
  rtf: Stat;
  rtfRowWall: Stat;
  meetsAim: boolean;
  loadAverage: { before: number[]; after: number[] };
}

async function runSlots(ctx: SuiteContext, settings: Settings, slots: number, input: Buffer, problems: string[]): Promise<SlotResult> {
  const dataDir = join(ctx.tmpDir, `data-${slots}`);
  const env = { ...benchServerEnv(ACCOUNT), SMART_AUDIO_ENGINE: ENGINE };
  const serverArgs = ['ours', '--data-dir', dataDir, '--log-level', settings.serverLogLevel];

  // 1. Queue the jobs with the worker off.
  ctx.log(`${slots} slot(s): queueing ${settings.jobs} jobs (worker off)`);
  const api = await spawnServer({ name: `jobs-${slots}-submit`, args: serverArgs, env: { ...env, SMART_AUDIO_WORKER_CONCURRENCY: '0' }, logDir: ctx.tmpDir });
  const client = new KeepAliveClient(api.port, ACCOUNT, settings.submitConcurrency);
  let submitSeconds: number;
  try {
    await client.createSmartAudioBucket(BUCKET);
    await client.putObject(BUCKET, `/${INPUT_KEY}`, input, 'audio/mpeg');
    const t0 = performance.now();
    await forEachConcurrent(settings.jobs, settings.submitConcurrency, async () => {
      const res = await client.ci('POST /jobs', 'POST', BUCKET, '/jobs', jobXml());
      if (!xmlElement(res.body, 'JobId')) throw new Error(`POST /jobs: no JobId in ${res.body.slice(0, 300)}`);
    });
    submitSeconds = (performance.now() - t0) / 1000;
  } finally {
    client.close();
    await stopChecked(api, problems);
  }

  // 2. Run them.
  ctx.log(`${slots} slot(s): starting the worker server`);
  const loadBefore = loadavg();
  const spawnedAt = Date.now();
  const worker = await spawnServer({
    name: `jobs-${slots}-work`,
    args: serverArgs,
    env: { ...env, SMART_AUDIO_WORKER_CONCURRENCY: String(slots) },
    logDir: ctx.tmpDir,
    cpuProfDir: ctx.cpuProfDir,
  });
  const readyAt = Date.now();
  const cpu0 = treeCpuSeconds(worker.pid);
  const share = cpuShare(() => [process.pid]);
  let machineCpu = { machineCores: NaN, oursCores: NaN, othersCores: NaN };
  let cpu1 = NaN;
  let loadAfter: number[] = [];
  const poller = new KeepAliveClient(worker.port, ACCOUNT, 1);
  try {
    const deadline = readyAt + settings.timeoutMinutes * 60_000;
    let lastLog = readyAt;
    for (;;) {
      const res = await poller.ci('GET /jobs', 'GET', BUCKET, '/jobs?states=Submitted,Running&size=1');
      if (!res.body.includes('<JobId>')) break;
      if (Date.now() > deadline) throw new Error(`jobs still queued or running after ${settings.timeoutMinutes} min`);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        ctx.log(`${slots} slot(s): ${((Date.now() - readyAt) / 1000).toFixed(0)} s, still running`);
      }
      await sleep(settings.pollMs);
    }
    cpu1 = treeCpuSeconds(worker.pid);
    machineCpu = share.stop();
    loadAfter = loadavg();
  } finally {
    poller.close();
    await stopChecked(worker, problems);
  }

  // 3. Read the rows.
  const rows = await readJobRows(join(dataDir, 'metadata.sqlite'));
  const states: Record<string, number> = {};
  for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
  if (rows.length !== settings.jobs || states.Success !== settings.jobs) {
    const failed = rows.filter((r) => r.state !== 'Success').slice(0, 3);
    problems.push(`${slots} slot(s): job states ${JSON.stringify(states)} (of ${settings.jobs})${failed.map((f) => `; ${f.id} ${f.state} ${f.code}: ${f.message.slice(0, 200)}`).join('')}`);
  }
  const retried = rows.filter((r) => r.attempts > 1).length;
  if (retried > 0) problems.push(`${slots} slot(s): ${retried} job(s) ran more than once`);
  const done = rows.filter((r) => r.state === 'Success');
  const stages = done.map(stagesOf).filter((s): s is JobStages => s !== undefined);
  if (stages.length !== done.length) problems.push(`${slots} slot(s): ${done.length - stages.length} successful job(s) without result.timings`);
  const lastEnd = Math.max(...done.map((r) => r.endedAt ?? NaN));
  const firstStart = Math.min(...done.map((r) => r.startedAt ?? NaN));
  const n = done.length;
  const secondsFromReady = (lastEnd - readyAt) / 1000;
  const secondsFromSpawn = (lastEnd - spawnedAt) / 1000;
  const busySeconds = (lastEnd - firstStart) / 1000;
  const audioTotal = stages.reduce((s, x) => s + x.audioSec, 0);
  const per = (f: (s: JobStages) => number) => stat(stages.map(f));
  const overhead = per((s) => (s.totalMs - s.separateMs) / (s.audioSec * 1000));
  return {
    slots,
    jobs: settings.jobs,
    submitSeconds,
    startupSeconds: (readyAt - spawnedAt) / 1000,
    secondsFromReady,
    secondsFromSpawn,
    busySeconds,
    jobsPerMinuteFromReady: (n / secondsFromReady) * 60,
    jobsPerMinuteFromSpawn: (n / secondsFromSpawn) * 60,
    jobsPerMinuteBusy: (n / busySeconds) * 60,
    audioSecondsPerSecond: audioTotal / secondsFromReady,
    cpuSecondsPerJob: (cpu1 - cpu0) / n,
    cpuCoresBusy: (cpu1 - cpu0) / secondsFromReady,
    machineCpu,
    meanConcurrency: stages.reduce((sum, x) => sum + x.rowWallMs, 0) / 1000 / busySeconds,
    states,
    retried,
    stages: Object.fromEntries(STAGE_KEYS.map((k) => [k, per((s) => s[k])])) as Record<keyof JobStages, Stat>,
    audioSec: per((s) => s.audioSec),
    engineShare: per((s) => s.separateMs / s.totalMs),
    overheadFraction: overhead,
    overheadFractionRowWall: per((s) => (s.rowWallMs - s.separateMs) / (s.audioSec * 1000)),
    rtf: per((s) => s.totalMs / (s.audioSec * 1000)),
    rtfRowWall: per((s) => s.rowWallMs / (s.audioSec * 1000)),
    meetsAim: overhead.median < AIMS.maxOverheadFraction,
    loadAverage: { before: loadBefore, after: loadAfter },
  };
}

async function stopChecked(server: ServerChild, problems: string[]): Promise<void> {
  const code = await server.stop(60_000);
  if (code !== 0) problems.push(`${server.name}: exited with code ${code} on SIGTERM`);
  let text = '';
  try {
    text = readFileSync(server.logFile, 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      if (((JSON.parse(line) as { level?: number }).level ?? 0) >= 40) problems.push(`${server.name} log: ${line.slice(0, 400)}`);
    } catch {
      problems.push(`${server.name} log: ${line.slice(0, 400)}`);
    }
  }
}

/** The job rows, from the stopped server's SQLite file (read only). */
async function readJobRows(file: string): Promise<JobRow[]> {
  const store = openSqliteStore(file);
  try {
    const rows = await store.db
      .selectFrom('jobs')
      .select(['id', 'state', 'code', 'message', 'attempts', 'created_at', 'started_at', 'ended_at', 'result'])
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      state: r.state,
      code: r.code,
      message: r.message,
      attempts: Number(r.attempts),
      createdAt: Number(r.created_at),
      startedAt: r.started_at === null ? null : Number(r.started_at),
      endedAt: r.ended_at === null ? null : Number(r.ended_at),
      timings: r.result ? (JSON.parse(r.result) as { timings?: Record<string, number> }).timings : undefined,
    }));
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------ report

function markdown(settings: Settings, audioSec: number, inputBytes: number, floor: FloorResult, results: SlotResult[], problems: string[]): string {
  const s1 = (x: Stat) => `${fmt.int(x.mean)} / ${fmt.int(x.median)}`;
  const pct = (x: Stat) => `${fmt.pct(x.mean, 2)} / ${fmt.pct(x.median, 2)}`;
  const ratio = (x: Stat) => `${fmt.fixed(x.mean, 3)} / ${fmt.fixed(x.median, 3)}`;
  const rt = (ms: number) => fmt.pct(ms / (audioSec * 1000), 2);
  const parts: string[] = [];
  parts.push(
    `${settings.jobs} VoiceSeparate jobs (AudioAndBackground, mp3 128 kbps out, engine ${ENGINE}) on one ${fmt.fixed(audioSec, 2)} s stereo 44.1 kHz mp3 (${fmt.int(inputBytes / 1024)} KiB), queued with the worker off, then run by a fresh server with N slots.`,
    '',
    table(
      ['slots', 'jobs/min (ready → last end)', 'jobs/min (spawn → last end)', 'jobs/min (first start → last end)', 'wall s (from ready)', 'jobs at once (mean)', 'audio s per wall s', 'CPU s per job (server tree)', 'cores: server tree', 'cores: other work', 'load avg 1-min before → after'],
      results.map((r) => [
        r.slots,
        fmt.fixed(r.jobsPerMinuteFromReady, 1),
        fmt.fixed(r.jobsPerMinuteFromSpawn, 1),
        fmt.fixed(r.jobsPerMinuteBusy, 1),
        fmt.fixed(r.secondsFromReady, 1),
        fmt.fixed(r.meanConcurrency, 2),
        fmt.fixed(r.audioSecondsPerSecond, 1),
        fmt.fixed(r.cpuSecondsPerJob, 2),
        fmt.fixed(r.cpuCoresBusy, 2),
        fmt.fixed(r.machineCpu.othersCores, 2),
        `${fmt.fixed(r.loadAverage.before[0] ?? NaN)} → ${fmt.fixed(r.loadAverage.after[0] ?? NaN)}`,
      ]),
    ),
    '',
    'Per-job stages, ms, mean / median (from the job rows\' result.timings; decode = waiting for decoded PCM, encode = waiting for the encoders; they overlap the engine work):',
    '',
    table(
      ['stage', ...results.map((r) => `${r.slots} slot(s)`)],
      [
        ['fetch (object → work dir)', ...results.map((r) => s1(r.stages.fetchMs))],
        ['decode', ...results.map((r) => s1(r.stages.decodeMs))],
        ['separate (engine)', ...results.map((r) => s1(r.stages.separateMs))],
        ['encode', ...results.map((r) => s1(r.stages.encodeMs))],
        ['engine other (probe, hand-off)', ...results.map((r) => s1(r.stages.engineOtherMs))],
        ['engine total', ...results.map((r) => s1(r.stages.engineTotalMs))],
        ['store (publish + probe outputs)', ...results.map((r) => s1(r.stages.storeMs))],
        ['pipeline other (input probe, IPC)', ...results.map((r) => s1(r.stages.pipelineOtherMs))],
        ['pipeline total', ...results.map((r) => s1(r.stages.totalMs))],
        ['job row wall (started → ended)', ...results.map((r) => s1(r.stages.rowWallMs))],
      ],
    ),
    '',
    table(
      ['per job, mean / median', ...results.map((r) => `${r.slots} slot(s)`)],
      [
        ['engine share (separate ÷ pipeline total)', ...results.map((r) => pct(r.engineShare))],
        ['overhead ÷ audio ((pipeline total − separate) ÷ audio)', ...results.map((r) => pct(r.overheadFraction))],
        ['overhead ÷ audio, row wall ((ended − started − separate) ÷ audio)', ...results.map((r) => pct(r.overheadFractionRowWall))],
        ['whole-job RTF (pipeline total ÷ audio)', ...results.map((r) => ratio(r.rtf))],
        ['whole-job RTF, row wall', ...results.map((r) => ratio(r.rtfRowWall))],
        [`aim: overhead < ${AIMS.maxOverheadFraction * 100}% of real time (median)`, ...results.map((r) => (r.meetsAim ? 'met' : `missed (${fmt.fixed(r.overheadFraction.median / AIMS.maxOverheadFraction, 1)}× the aim)`))],
      ],
    ),
    '',
    `Floor, same input, same run (median of ${floor.repeats} before and ${floor.repeats} after the job runs, nothing else of ours running):`,
    '',
    table(
      ['step', 'ms', '÷ audio'],
      [
        ['ffprobe of the input', fmt.int(floor.probeMs), rt(floor.probeMs)],
        ['ffmpeg decode → f32le pipe (44.1 kHz stereo)', fmt.int(floor.decodeMs), rt(floor.decodeMs)],
        ['ffmpeg decode + 2 × mp3 encode, one process (the floor)', fmt.int(floor.decodeEncode2Ms), rt(floor.decodeEncode2Ms)],
        ['separateFile with a no-op engine (probe, decode, chunk, limit, 2 encoders)', fmt.int(floor.noopPipelineMs), rt(floor.noopPipelineMs)],
      ],
    ),
  );
  parts.push('', problems.length === 0 ? 'Problems: none seen.' : `Problems (${problems.length}):\n${problems.slice(0, 20).map((p) => `- ${p}`).join('\n')}`);
  return parts.join('\n');
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const settings = settingsFor(ctx);
  const problems: string[] = [];
  const inputPath = join(ctx.tmpDir, 'song-10s.mp3');
  ctx.log(`generating a ${settings.audioSeconds} s stereo mp3`);
  await timeFfmpeg(songArgs(settings.audioSeconds, inputPath));
  const input = readFileSync(inputPath);
  const probed = await probe(inputPath);
  if (probed.audio?.channels !== 2 || probed.audio?.sampleRate !== 44100) problems.push(`input is ${JSON.stringify(probed.audio)}, expected stereo 44.1 kHz`);

  ctx.log('floor (before)');
  const floorBefore = await measureFloor(inputPath, join(ctx.tmpDir, 'floor'), settings.floorRepeats);
  const results: SlotResult[] = [];
  for (const slots of settings.slotCounts) results.push(await runSlots(ctx, settings, slots, input, problems));
  ctx.log('floor (after)');
  const floorAfter = await measureFloor(inputPath, join(ctx.tmpDir, 'floor'), settings.floorRepeats);
  const merged: Record<string, number[]> = {};
  for (const k of Object.keys(floorBefore.all)) merged[k] = [...floorBefore.all[k]!, ...floorAfter.all[k]!];
  const floor: FloorResult = {
    repeats: settings.floorRepeats,
    probeMs: median(merged.probe!),
    decodeMs: median(merged.decode!),
    decodeEncode2Ms: median(merged.decodeEncode2!),
    noopPipelineMs: median(merged.noopPipeline!),
    noopPipelineTimings: floorAfter.noopPipelineTimings,
    all: merged,
  };
  const audioSec = results[0]?.audioSec.median ?? settings.audioSeconds;
  const json = {
    settings,
    aims: AIMS,
    engine: ENGINE,
    input: { key: INPUT_KEY, bytes: statSync(inputPath).size, probedDurationSec: probed.durationSec, decodedSec: audioSec, channels: probed.audio?.channels, sampleRate: probed.audio?.sampleRate },
    floor: { ...floor, floorBefore: { probeMs: floorBefore.probeMs, decodeMs: floorBefore.decodeMs, decodeEncode2Ms: floorBefore.decodeEncode2Ms, noopPipelineMs: floorBefore.noopPipelineMs }, floorAfter: { probeMs: floorAfter.probeMs, decodeMs: floorAfter.decodeMs, decodeEncode2Ms: floorAfter.decodeEncode2Ms, noopPipelineMs: floorAfter.noopPipelineMs } },
    results,
    problems,
  };
  return { json, markdown: markdown(settings, audioSec, input.length, floor, results, problems) };
}

export const jobs: Suite = {
  name: 'jobs',
  description: 'jobs/min for 100 queued 10 s VoiceSeparate jobs with 1 and 2 slots; stage split; overhead vs audio duration',
  approxSeconds: 600,
  run,
};
