import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Config } from './config/load.ts';
import { setFfmpegPaths } from './audio/ffmpeg/binaries.ts';
import type { EngineChoiceMode } from './audio/engines/auto.ts';
import { ValidationError } from './domain/errors.ts';
import { buildApp } from './http/app.ts';
import { PrincipalResolver } from './http/auth/principals.ts';
import type { AppDeps } from './http/context.ts';
import { AddressPolicy } from './net/address-policy.ts';
import { openStorage } from './storage/open.ts';
import { findOrCreateRoot, upsertRootCredential } from './store/credentials.ts';
import { cancelQueuedJobs } from './store/jobs.ts';
import { isPostgresUrl, openMetadataStore } from './store/open.ts';
import { redactUrl } from './store/postgres/open.ts';
import type { MetadataStore } from './store/store.ts';
import { CallbackDeliverer } from './worker/callback-delivery.ts';
import type { Pipeline } from './worker/pipeline.ts';
import { noiseReductionPipeline } from './worker/pipelines/noise-reduction.ts';
import { ttsPipeline } from './worker/pipelines/tts.ts';
import { EspeakClient } from './audio/tts/espeak-client.ts';
import { voiceSeparatePipeline } from './worker/pipelines/voice-separate.ts';
import { WorkerPool } from './worker/pool.ts';
import { sweepExpiredUploads } from './api/multipart.ts';
import type { Metrics } from './ops/metrics.ts';
import { startOps } from './ops/ops.ts';

/** Where the embedded defaults keep their files under `--data-dir`. */
export const dataPaths = (dataDir: string) => ({
  metadata: join(resolve(dataDir), 'metadata.sqlite'),
  objects: join(resolve(dataDir), 'objects'),
  work: join(resolve(dataDir), 'work'),
  tdmq: join(resolve(dataDir), 'tdmq'),
});

export const DEFAULT_APPID = '1250000000';

/** The metadata store `--store` names: PostgreSQL, or SQLite in the data directory (issue 8 §1). */
export function openStore(config: Config): Promise<MetadataStore> {
  return openMetadataStore(config.store, dataPaths(config.dataDir).metadata, { poolSize: config.storePoolSize });
}

/** Where the metadata lives, for start-up lines (never the password). */
export function storeLabel(config: Config): string {
  return isPostgresUrl(config.store) ? redactUrl(config.store) : dataPaths(config.dataDir).metadata;
}

/** Job pipelines by Tag (spec/jobs.md §1.2–1.5); a Tag without one is refused at submit. */
export function buildPipelines(config: Config): Map<string, Pipeline> {
  const list: Pipeline[] = [voiceSeparatePipeline({
      choice: config.engineChoice as EngineChoiceMode,
      engines: { musicEngine: config.musicEngine, fourStemEngine: config.fourStemEngine, speechEngine: config.speechEngine },
      maxDurationSec: config.maxDurationSec,
      timeoutMs: config.jobTimeoutSec * 1000,
    }),
    noiseReductionPipeline({
      engine: config.noiseReductionEngine,
      maxInputBytes: config.noiseReductionMaxInputBytes,
      maxDurationSec: config.maxDurationSec,
      timeoutMs: config.jobTimeoutSec * 1000,
    }),
    ttsPipeline({
      client: new EspeakClient(),
      policy: new AddressPolicy(config.callbackAllow),
      domainSuffixes: config.domainSuffixes,
      fetchTimeoutMs: config.ttsFetchTimeoutMs,
      timeoutMs: config.jobTimeoutSec * 1000,
    })];
  return new Map(list.map((p) => [p.tag, p]));
}

/** Refuses callback URLs that name a refused address literally (also re-checked at delivery on the resolved address). */
export function callbackUrlChecker(policy: AddressPolicy): (url: string) => void {
  return (url) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const literal = host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : host;
    if (/^[\d.]+$/.test(literal) || literal.includes(':')) {
      const why = policy.check(literal);
      if (why) throw new ValidationError('CallBack', why);
    }
  };
}

export async function openDeps(config: Config): Promise<AppDeps & { policy: AddressPolicy; pipelines: Map<string, Pipeline> }> {
  setFfmpegPaths({ ffmpeg: config.ffmpegPath, ffprobe: config.ffprobePath });
  const store = await openStore(config);
  const storage = openStorage(config);
  const policy = new AddressPolicy(config.callbackAllow);
  const pipelines = buildPipelines(config);
  return {
    config,
    store,
    storage,
    policy,
    pipelines,
    principals: new PrincipalResolver(store, config.credentialCacheMs),
    jobTags: [...pipelines.keys()],
    checkCallbackUrl: callbackUrlChecker(policy),
    onQueueDeleted: (tx, queueId) => cancelQueuedJobs(tx, queueId, store.now()),
  };
}

export function randomSecretId(): string {
  return 'AKID' + randomBytes(24).toString('base64url').replace(/[-_]/g, '').slice(0, 32);
}

export function randomSecretKey(): string {
  return randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32);
}

/**
 * The root credential (issue #2 §2): the environment's when given, else the
 * stored one, else a new one that is stored and printed once.
 */
export async function ensureRootCredential(store: MetadataStore, config: Config, print: (line: string) => void): Promise<string> {
  if (config.secretId && config.secretKey) {
    const appid = config.appid ?? DEFAULT_APPID;
    await upsertRootCredential(store, config.secretId, config.secretKey, appid);
    return appid;
  }
  const appid = config.appid ?? DEFAULT_APPID;
  const { record, created } = await findOrCreateRoot(store, config.appid, () => ({
    secretId: randomSecretId(),
    secretKey: randomSecretKey(),
    appid,
    kind: 'root',
    name: 'root',
    policy: null,
    createdAt: Date.now(),
  }));
  if (!created) return record.appid;
  print(`Created the root credential for APPID ${appid} (shown once; it is stored in the data directory):`);
  print(`  SecretId:  ${record.secretId}`);
  print(`  SecretKey: ${record.secretKey}`);
  return appid;
}

/** Refuses to start on a storage configuration error (missing S3 bucket, bad credentials); only warns when the store is unreachable. */
async function checkStorage(deps: AppDeps, warn: (line: string) => void): Promise<void> {
  let warning: string | undefined;
  try {
    warning = await deps.storage.check?.();
  } catch (err) {
    await deps.storage.close();
    await deps.store.close();
    throw err;
  }
  if (warning) warn(`warning: ${warning}`);
}

export interface RunningServer {
  url: string;
  port: number;
  pool: WorkerPool | undefined;
  /** Port of the admin listener (/metrics, /healthz, /readyz) when --metrics-port is set. */
  adminPort?: number | undefined;
  close(): Promise<void>;
}

function startBackground(
  deps: Awaited<ReturnType<typeof openDeps>>,
  log: pino.Logger,
  withWorker: boolean,
  metrics?: Metrics,
): { pool: WorkerPool | undefined; deliverer: CallbackDeliverer; stopListening: () => void } {
  const { config } = deps;
  const deliverer = new CallbackDeliverer({
    store: deps.store,
    policy: deps.policy,
    maxAttempts: config.callbackMaxAttempts,
    timeoutMs: config.callbackTimeoutMs,
    tdmqDir: dataPaths(config.dataDir).tdmq,
    log,
    onOutcome: (outcome) => metrics?.observeCallback(outcome),
  });
  deliverer.start();
  // Abandoned multipart uploads (src/api/multipart.ts): hourly, first a minute after start.
  const expireMs = config.multipartExpireHours * 3600_000;
  const sweep = () => void sweepExpiredUploads(deps.store, deps.storage, expireMs).then(
    (n) => n > 0 && log.info({ aborted: n }, 'aborted expired multipart uploads'),
    (err: unknown) => log.warn({ err }, 'sweeping expired multipart uploads failed'),
  );
  let hourly: NodeJS.Timeout | undefined;
  const sweeper = expireMs > 0
    ? setTimeout(() => {
        sweep();
        hourly = setInterval(sweep, 3600_000).unref();
      }, 60_000).unref()
    : undefined;
  let pool: WorkerPool | undefined;
  let stopListening: (() => void) | undefined;
  if (withWorker && config.workerConcurrency > 0) {
    pool = new WorkerPool({
      config,
      store: deps.store,
      storage: deps.storage,
      pipelines: deps.pipelines,
      log,
      workRoot: dataPaths(config.dataDir).work,
      onJobFinished: (job) => {
        deliverer.poke();
        metrics?.observeJobFinished(job);
      },
    });
    pool.start();
    const running = pool;
    metrics?.trackWorkerSlots(config.workerConcurrency, () => running.activeJobs.length);
    // Jobs submitted through any API server wake this worker at once (PostgreSQL).
    stopListening = deps.store.work?.subscribe(() => pool?.wake());
  }
  return {
    pool,
    deliverer,
    stopListening: () => {
      stopListening?.();
      clearTimeout(sweeper);
      clearInterval(hourly);
    },
  };
}

/**
 * Starts the HTTP server and, unless `withWorker` is false, the job worker
 * in the same process. `close()` stops accepting requests, finishes in-flight
 * ones, gives running jobs back to the queue if they outlast the grace
 * period, then closes the store.
 */
export async function startServer(config: Config, print: (line: string) => void = console.log, withWorker = !config.noWorker): Promise<RunningServer> {
  const deps = await openDeps(config);
  await checkStorage(deps, print);
  await ensureRootCredential(deps.store, config, print);
  const ops = await startOps(config, deps.store, deps.storage);
  deps.ops = ops.http;
  const app = buildApp(deps);
  const { pool, deliverer, stopListening } = startBackground(deps, app.log as unknown as pino.Logger, withWorker, ops.metrics);
  // Wake this process's worker, and (PostgreSQL) the workers of every other process.
  const announce = () => {
    pool?.wake();
    void deps.store.work?.announce().catch(() => undefined);
  };
  deps.onJobSubmitted = announce;
  deps.onQueueUpdated = announce;
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    pool,
    adminPort: ops.adminPort,
    close: () =>
      (closing ??= (async () => {
        // Drain (issue #8 §4): /readyz answers 503 first; after --drain-delay-ms
        // the listener closes while in-flight requests finish and running jobs
        // get --shutdown-timeout-ms to end before they go back to the queue.
        ops.readiness.startDraining();
        if (config.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainDelayMs));
        stopListening();
        const force = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
        await Promise.all([app.close(), pool?.stop(config.shutdownTimeoutMs)]);
        clearTimeout(force);
        await deliverer.stop();
        await ops.close(); // before the store: a late scrape must not query a closed store
        await deps.storage.close();
        await deps.store.close();
      })()),
  };
}

/** `smart-audio worker`: the job worker alone, against the same data directory (issue #4 §6). */
export async function startWorker(config: Config): Promise<{ pool: WorkerPool | undefined; adminPort: number | undefined; close(): Promise<void> }> {
  const deps = await openDeps(config);
  const log = pino({ level: config.logLevel === 'silent' ? 'silent' : config.logLevel });
  await checkStorage(deps, (line) => log.warn(line));
  const ops = await startOps(config, deps.store, deps.storage);
  const { pool, deliverer, stopListening } = startBackground(deps, log, true, ops.metrics);
  return {
    pool,
    adminPort: ops.adminPort,
    close: async () => {
      ops.readiness.startDraining();
      stopListening();
      await pool?.stop(config.shutdownTimeoutMs);
      await deliverer.stop();
      await ops.close();
      await deps.storage.close();
      await deps.store.close();
    },
  };
}
