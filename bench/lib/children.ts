import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadyMessage } from './server-process.ts';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
const ENTRY = join(BENCH_DIR, 'lib', 'server-process.ts');

export interface ServerChild {
  name: string;
  kind: string;
  pid: number;
  port: number;
  /** stdout+stderr of the child. */
  logFile: string;
  /** SIGTERM, wait for exit (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Exit code if the child already exited. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export interface SpawnServerOptions {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logDir: string;
  /** Write a V8 CPU profile of the child to this directory (node --cpu-prof). */
  cpuProfDir?: string;
  readyTimeoutMs?: number;
  /** Another entry script speaking the same ready message (default: server-process.ts). */
  entry?: string;
}

/** The parent's environment without SMART_AUDIO_* settings, so only what a suite passes configures the server. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SMART_AUDIO_')) env[k] = v;
  return env;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Spawns `node --import tsx bench/lib/server-process.ts …` and waits for its ready message. */
export async function spawnServer(opts: SpawnServerOptions): Promise<ServerChild> {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = createWriteStream(logFile);
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) {
    // One directory per server: node writes one profile per thread (main = tid 0, plus tsx's loader worker).
    const dir = join(opts.cpuProfDir, opts.name);
    mkdirSync(dir, { recursive: true });
    nodeArgs.unshift('--cpu-prof', '--cpu-prof-dir', dir);
  }
  const child = spawn(process.execPath, [...nodeArgs, opts.entry ?? ENTRY, ...opts.args], {
    cwd: REPO_DIR,
    env: { ...inheritedEnv(), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(code);
    });
  });

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name}: not ready after ${opts.readyTimeoutMs ?? 30_000} ms (log: ${logFile})`)), opts.readyTimeoutMs ?? 30_000);
    child.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && (m as ReadyMessage).ready) {
        clearTimeout(timer);
        resolve(m as ReadyMessage);
      }
    });
    void exitPromise.then(async (code) => {
      clearTimeout(timer);
      const text = await readFile(logFile, 'utf8').catch(() => '');
      reject(new Error(`${opts.name}: exited with ${code} before it was ready:\n${text.slice(-2000)}`));
    });
  });

  return {
    name: opts.name,
    kind: ready.kind,
    pid: ready.pid,
    port: ready.port,
    logFile,
    exited: () => exitInfo,
    stop: async (graceMs = 15_000) => {
      if (!exitInfo) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exitPromise;
        clearTimeout(timer);
      }
      if (child.connected) child.disconnect();
      await new Promise<void>((resolve) => log.end(resolve));
      return exitInfo?.code ?? null;
    },
  };
}
