import type { Config } from '../config/load.ts';
import { startServer, startWorker, storeLabel } from '../main.ts';
import { describeStorage } from '../storage/open.ts';

/**
 * `smart-audio serve`: runs until SIGTERM/SIGINT, then drains — stops
 * accepting connections, lets in-flight requests finish (bounded by
 * --shutdown-timeout-ms), closes the store — and exits 0.
 */
export async function runServe(config: Config): Promise<number> {
  const server = await startServer(config, (line) => process.stdout.write(line + '\n'));
  process.stdout.write(`smart-audio listening on ${server.url} (store: ${storeLabel(config)}, data: ${config.dataDir}, objects: ${describeStorage(config)}, worker slots: ${server.pool ? config.workerConcurrency : 0})\n`);
  if (server.adminPort) process.stdout.write(`smart-audio admin (/metrics, /healthz, /readyz) on http://${config.metricsHost}:${server.adminPort}\n`);
  return untilSignal(config, () => server.close());
}

/** `smart-audio worker`: runs jobs from the data directory's queue until SIGTERM, then drains. */
export async function runWorker(config: Config): Promise<number> {
  const worker = await startWorker(config);
  process.stdout.write(`smart-audio worker ${worker.pool?.workerId ?? ''} running ${config.workerConcurrency} slot(s) on ${storeLabel(config)}\n`);
  if (worker.adminPort) process.stdout.write(`smart-audio admin (/metrics, /healthz, /readyz) on http://${config.metricsHost}:${worker.adminPort}\n`);
  return untilSignal(config, () => worker.close());
}

function untilSignal(config: Config, close: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`smart-audio: ${signal} received, draining\n`);
      const timer = setTimeout(() => {
        process.stderr.write('smart-audio: drain timed out, exiting\n');
        resolveExit(1);
      }, config.drainDelayMs + config.shutdownTimeoutMs + 10_000);
      timer.unref();
      close().then(
        () => {
          clearTimeout(timer);
          process.stdout.write('smart-audio: stopped\n');
          resolveExit(0);
        },
        (err: unknown) => {
          process.stderr.write(`smart-audio: error while stopping: ${(err as Error).message}\n`);
          resolveExit(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
