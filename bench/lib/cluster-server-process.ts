/**
 * Child-process entry for the multi-process benchmark: N server processes
 * sharing one listening port through node's `cluster` module.
 *
 *   node --import tsx bench/lib/cluster-server-process.ts --processes N --data-dir DIR [--log-level warn]
 *
 * The primary forks N workers; each runs the real server (startServer, no job
 * worker: SMART_AUDIO_WORKER_CONCURRENCY=0 from the parent) on 127.0.0.1 port
 * 0, which cluster turns into one port shared by all workers. On Linux the
 * primary accepts connections and hands them to the workers in turn
 * (SCHED_RR): with keep-alive load that is once per connection, and each
 * request is then served by its connection's worker alone. All workers use
 * the same data directory (SQLite in WAL mode, shared by processes).
 *
 * The primary reports `{ ready, kind, port, pid }` to the parent over IPC
 * (bench/lib/children.ts); SIGTERM stops the workers (each drains) and exits 0.
 */
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { ReadyMessage } from './server-process.ts';

async function primary(): Promise<void> {
  const { values } = parseArgs({ options: { processes: { type: 'string' }, 'data-dir': { type: 'string' }, 'log-level': { type: 'string' } } });
  const n = Number(values.processes ?? '1');
  if (!values['data-dir'] || !(n >= 1)) throw new Error('cluster: --processes N and --data-dir are required');
  cluster.setupPrimary({ execArgv: ['--import', 'tsx'], args: ['--worker', values['data-dir'], values['log-level'] ?? 'warn'] });
  const workers: Worker[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = cluster.fork();
    workers.push(w);
    // One at a time: the first worker also migrates the store.
    const [address] = (await Promise.race([
      once(w, 'listening'),
      once(w, 'exit').then(([code]) => {
        throw new Error(`cluster worker ${i} exited with ${String(code)} before listening`);
      }),
    ])) as [{ port: number }];
    ports.push(address.port);
  }
  if (new Set(ports).size !== 1) throw new Error(`cluster workers listen on different ports: ${ports.join(', ')}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    Promise.all(workers.map((w) => (w.isDead() ? undefined : (w.process.kill('SIGTERM'), once(w, 'exit'))))).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  const msg: ReadyMessage = { ready: true, kind: `cluster-${n}`, port: ports[0]!, pid: process.pid };
  if (process.send) process.send(msg);
  else process.stdout.write(JSON.stringify(msg) + '\n');
}

async function worker(): Promise<void> {
  const i = process.argv.indexOf('--worker');
  const dataDir = process.argv[i + 1]!;
  const logLevel = process.argv[i + 2]!;
  const { loadConfig } = await import('../../src/config/load.ts');
  const { startServer } = await import('../../src/main.ts');
  const config = loadConfig({ host: '127.0.0.1', port: '0', 'data-dir': dataDir, 'log-level': logLevel }, process.env);
  const server = await startServer(config, (line) => process.stderr.write(line + '\n'));
  process.once('SIGTERM', () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

(cluster.isPrimary ? primary() : worker()).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
