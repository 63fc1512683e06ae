import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPID, ROOT_ID, ROOT_KEY } from '../../helpers/server.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.ts';
import { watchStartup } from '../../helpers/startup.ts';

/**
 * A small cluster of real `smart-audio` processes (issue 8 §3): API servers
 * started with `serve --no-worker` and `worker` processes, all against one
 * fresh PostgreSQL database and one data directory (the local-disk object
 * store, shared because they run on one host). The URL reaches the children
 * through SMART_AUDIO_STORE_FILE, as a deployment keeping the password out of
 * process lists would do.
 */
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'smart-audio.js');

export interface Proc {
  child: ChildProcess;
  pid: number;
  /** Resolves with the API port (0 for a worker) once the process is ready. */
  ready: Promise<number>;
  exit: Promise<number | null>;
  output(): string;
}

export class Cluster {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-scale-'));
  private readonly procs: Proc[] = [];
  private storeFile = '';
  db!: TestDatabase;

  async init(): Promise<this> {
    this.db = await createTestDatabase();
    this.storeFile = join(this.dataDir, 'store-url');
    writeFileSync(this.storeFile, this.db.url + '\n', { mode: 0o600 });
    return this;
  }

  start(args: string[]): Proc {
    const child = spawn(process.execPath, [BIN, ...args, '--data-dir', this.dataDir, '--log-level', process.env.TEST_VERBOSE ? 'info' : 'warn'], {
      env: {
        ...process.env,
        SMART_AUDIO_SECRET_ID: ROOT_ID,
        SMART_AUDIO_SECRET_KEY: ROOT_KEY,
        SMART_AUDIO_APPID: APPID,
        SMART_AUDIO_STORE_FILE: this.storeFile,
        SMART_AUDIO_STORE: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { ready, output } = watchStartup(child, { echoStderr: Boolean(process.env.TEST_VERBOSE) });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const p: Proc = { child, pid: child.pid!, ready, exit, output };
    this.procs.push(p);
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(this.procs.map((p) => p.exit));
    await this.db?.drop().catch(() => undefined);
    if (!process.env.KEEP_TEST_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A query on the cluster's database through a fresh connection (survives a PostgreSQL restart). */
export async function dbRows<T extends Record<string, unknown>>(db: TestDatabase, text: string, values: unknown[] = []): Promise<T[]> {
  const { adminQuery } = await import('../../helpers/postgres.ts');
  return adminQuery<T>(text, values, db.url);
}

/** Job counts by state, straight from the table. */
export async function jobStates(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await dbRows<{ state: string; n: number }>(db, 'SELECT state, count(*)::int AS n FROM jobs GROUP BY state');
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** Waits until no job is Submitted or Running; fails after `timeoutMs`. `sample` runs on every poll. */
export async function waitAllTerminal(db: TestDatabase, timeoutMs: number, sample?: (s: Record<string, number>) => void): Promise<Record<string, number>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let s: Record<string, number> | undefined;
    try {
      s = await jobStates(db);
    } catch {
      // PostgreSQL restarting: poll again.
    }
    if (s) {
      sample?.(s);
      if (!s.Submitted && !s.Running) return s;
    }
    if (Date.now() > end) throw new Error(`jobs still unfinished after ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
