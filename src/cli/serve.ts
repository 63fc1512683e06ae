import type { Config } from '../config/load.ts';
import { startServer } from '../main.ts';

/**
 * `smart-audio serve`: runs until SIGTERM/SIGINT, then drains — stops
 * accepting connections, lets in-flight requests finish (bounded by
 * --shutdown-timeout-ms), closes the store — and exits 0.
 */
export async function runServe(config: Config): Promise<number> {
  const server = await startServer(config, (line) => process.stdout.write(line + '\n'));
  process.stdout.write(`smart-audio listening on ${server.url} (data: ${config.dataDir})\n`);
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`smart-audio: ${signal} received, draining\n`);
      const timer = setTimeout(() => {
        process.stderr.write('smart-audio: drain timed out, exiting\n');
        resolveExit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      server.close().then(
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
