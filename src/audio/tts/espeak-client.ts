import { Worker } from 'node:worker_threads';
import { AudioError } from '../errors.ts';

/**
 * Client of the eSpeak NG worker thread (espeak-thread.mjs). The thread is
 * started on first use and kept (loading eSpeak and its 24 MB of voice data
 * takes ~0.3 s); requests run one at a time, in order. Aborting a request, or
 * its timeout, terminates the thread (WebAssembly cannot be interrupted
 * otherwise); the next request starts a new one. An idle thread does not keep
 * the process alive.
 */
export interface EspeakRequest {
  /** Plain text, not SSML: the client escapes it. */
  text: string;
  /** eSpeak voice name with variant, e.g. `cmn+f2`. */
  voice: string;
  /** Words per minute (80…450). */
  rate: number;
  pitch: number;
  range: number;
}

export interface EspeakRunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Mono 16-bit samples at the returned sample rate, in order; `textPos` is the 1-based character eSpeak has reached. */
  onChunk(samples: Int16Array, textPos: number): void;
}

interface Pending {
  id: number;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onChunk?: EspeakRunOptions['onChunk'];
}

type FromThread =
  | { type: 'ready' }
  | { type: 'chunk'; id: number; samples: Int16Array; textPos: number }
  | { type: 'done'; id: number; sampleRate: number }
  | { type: 'variants'; id: number; names: string[] }
  | { type: 'error'; id: number; message: string };

/** SSML is on in the thread (eSpeak's marks need it): user text must not become markup. */
export function escapeForSsml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export class EspeakClient {
  private worker: Worker | undefined;
  private current: Pending | undefined;
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();

  /** Synthesizes `req.text`; resolves with eSpeak's sample rate once every chunk was delivered. */
  synthesize(req: EspeakRequest, opts: EspeakRunOptions): Promise<{ sampleRate: number }> {
    return this.enqueue(() => this.run({ type: 'synthesize', ...req, text: escapeForSsml(req.text) }, opts)) as Promise<{ sampleRate: number }>;
  }

  /** Names of the voice variants in eSpeak's data (`voices/!v`). */
  variants(): Promise<string[]> {
    return this.enqueue(() => this.run({ type: 'variants' }, {})) as Promise<string[]>;
  }

  /** Terminates the thread; a request in progress rejects (kind `aborted`). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    const c = this.current;
    this.current = undefined;
    c?.reject(new AudioError('aborted', 'the eSpeak thread was closed'));
    if (w) await w.terminate();
  }

  private enqueue(task: () => Promise<unknown>): Promise<unknown> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // execArgv []: the thread is plain JavaScript and needs no TypeScript loader.
    const w = new Worker(new URL('./espeak-thread.mjs', import.meta.url), { execArgv: [] });
    w.on('message', (m: FromThread) => this.onMessage(m));
    w.on('error', (err) => this.fail(w, new AudioError('failed', `eSpeak thread failed: ${err.message}`, { cause: err })));
    w.on('exit', (code) => this.fail(w, new AudioError('failed', `eSpeak thread exited (code ${code})`)));
    w.unref();
    this.worker = w;
    return w;
  }

  private fail(w: Worker, err: Error): void {
    // A thread terminated on purpose (abort, close) has already been replaced or forgotten.
    if (this.worker !== w) return;
    this.worker = undefined;
    const c = this.current;
    if (c) {
      this.current = undefined;
      c.reject(err);
    }
  }

  private onMessage(m: FromThread): void {
    if (m.type === 'ready') return;
    const c = this.current;
    if (!c || c.id !== m.id) return;
    if (m.type === 'chunk') {
      try {
        c.onChunk?.(m.samples, m.textPos);
      } catch (err) {
        this.current = undefined;
        void this.close();
        c.reject(err);
      }
      return;
    }
    this.current = undefined;
    if (m.type === 'done') c.resolve({ sampleRate: m.sampleRate });
    else if (m.type === 'variants') c.resolve(m.names);
    else c.reject(new AudioError('failed', `eSpeak: ${m.message}`));
  }

  private run(message: Record<string, unknown>, opts: Partial<EspeakRunOptions>): Promise<unknown> {
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(new AudioError('aborted', 'speech synthesis aborted', { cause: signal.reason }));
    const w = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = (err: Error) => {
        const c = this.current;
        if (c?.id !== id) return;
        this.current = undefined;
        void this.close();
        c.reject(err);
      };
      const onAbort = () => stop(new AudioError('aborted', 'speech synthesis aborted', { cause: signal?.reason }));
      const settle = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        w.unref();
      };
      this.current = {
        id,
        onChunk: opts.onChunk,
        resolve: (v) => {
          settle();
          resolve(v);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) timer = setTimeout(() => stop(new AudioError('timeout', `speech synthesis timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      w.ref();
      w.postMessage({ ...message, id });
    });
  }
}
