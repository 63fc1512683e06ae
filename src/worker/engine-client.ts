import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ResolvedOutputFormat } from '../audio/codecs.ts';
import type { FfmpegPaths } from '../audio/ffmpeg/binaries.ts';
import type { SeparateFileResult } from '../audio/separate-file.ts';

/** What a slot asks its engine process to do (see engine-host.ts). */
export interface EngineRequest {
  inputPath: string;
  engineId: string;
  mode: 'two' | 'four';
  outputs: Partial<Record<string, { path: string; format: ResolvedOutputFormat }>>;
  timeoutMs: number;
  maxDurationSec: number;
  ffmpegPaths: Partial<FfmpegPaths>;
}

/** An error the engine process reported: `kind` is an AudioError kind when it was one. */
export class EngineError extends Error {
  constructor(message: string, readonly kind: string | undefined, readonly stderrTail: string | undefined) {
    super(message);
    this.name = 'EngineError';
  }
}

const HOST = fileURLToPath(new URL('./engine-host.ts', import.meta.url));
// The host is TypeScript like the rest: load it through the same tsx loader, by absolute URL.
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * One long-lived engine process per worker slot, started on first use and
 * replaced after an abort or a crash.
 */
export class EngineClient {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;

  private spawn(): Promise<void> {
    const child = fork(HOST, [], { execArgv: ['--import', TSX_LOADER], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: { type: string }) => {
        if (m.type === 'ready') {
          child.off('message', onMsg);
          resolve();
        }
      };
      child.on('message', onMsg);
      child.once('exit', (code, signal) => reject(new Error(`engine process exited before it was ready (${code ?? signal})`)));
    });
    child.once('exit', () => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
    });
    return this.ready;
  }

  async run(request: EngineRequest, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<SeparateFileResult> {
    if (!this.child || !this.ready) await this.spawn();
    else await this.ready;
    // An abort while the engine process was starting fired no listener yet:
    // without this check a drain (SIGTERM) would wait for the whole job.
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    const child = this.child!;
    const id = randomUUID();
    return new Promise<SeparateFileResult>((resolve, reject) => {
      const cleanup = () => {
        child.off('message', onMsg);
        child.off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
      };
      const onMsg = (m: { type: string; id: string; fraction?: number; result?: SeparateFileResult; error?: { message: string; kind?: string; stderrTail?: string } }) => {
        if (m.id !== id) return;
        if (m.type === 'progress') onProgress(m.fraction ?? 0);
        else if (m.type === 'done') {
          cleanup();
          resolve(m.result!);
        } else if (m.type === 'error') {
          cleanup();
          reject(new EngineError(m.error!.message, m.error!.kind, m.error!.stderrTail));
        }
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
        cleanup();
        reject(new EngineError(`the engine process died (${code ?? sig}); out of memory?`, 'crashed', undefined));
      };
      const onAbort = () => {
        cleanup();
        child.send({ type: 'abort', id });
        // Give it a moment to kill its ffmpeg children, then make sure it is gone.
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => clearTimeout(t));
        child.disconnect();
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      child.on('message', onMsg);
      child.on('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      child.send({ type: 'run', id, request });
    });
  }

  close(): void {
    if (this.child?.connected) this.child.disconnect();
    this.child = undefined;
    this.ready = undefined;
  }
}
