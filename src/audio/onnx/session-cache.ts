import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';

/**
 * ONNX Runtime sessions, created lazily and once per model file per process
 * (echogarden's `initializeSessionIfNeeded`, STYLE.md §1): loading a model
 * parses and optimises its graph and allocates its weights, so every engine
 * instance and every chunk shares one session. `onnxruntime-node` itself is
 * imported on first use, so importing this module costs nothing.
 *
 * A session is safe to `run()` concurrently; ORT serialises per-session
 * state internally. Sessions live until `releaseSessions()` (tests, shutdown).
 */

export interface SessionOptions {
  /**
   * Threads ORT uses inside one operator. Default `defaultIntraOpThreads()`.
   * Only the first `getSession` call for a path decides (one session per file).
   */
  intraOpThreads?: number;
}

/** A model file that is missing, unreadable or not a valid ONNX model. */
export class OnnxModelError extends Error {
  readonly modelPath: string;
  constructor(modelPath: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OnnxModelError';
    this.modelPath = modelPath;
  }
}

/**
 * One core less than the machine has, between 1 and 2: on the 2-core target
 * the ffmpeg decoder and encoders and the HTTP server need the other core
 * while a chunk is being inferred; more cores than 2 per session mostly add
 * synchronisation for the small convolutions audio models use. Throughput on
 * bigger machines comes from the worker's concurrency (one engine process per job).
 */
export function defaultIntraOpThreads(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

const sessions = new Map<string, Promise<InferenceSession>>();

/**
 * The session for `modelPath` (resolved to an absolute path, the cache key).
 * The first call loads the model; later calls return the same promise, hence
 * the same `InferenceSession` object. A failed load is not cached, so a model
 * installed later can still be loaded.
 *
 * Rejects with OnnxModelError naming the path when the file does not exist,
 * is not a regular file, or ORT cannot load it (truncated, not ONNX, an
 * operator or IR version this runtime lacks).
 */
export function getSession(modelPath: string, options: SessionOptions = {}): Promise<InferenceSession> {
  const key = resolve(modelPath);
  let session = sessions.get(key);
  if (!session) {
    session = createSession(key, options);
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  return session;
}

/** Number of sessions loaded or loading (diagnostics, tests). */
export function cachedSessionCount(): number {
  return sessions.size;
}

/** Releases every cached session (native memory); later `getSession` calls load again. */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  const settled = await Promise.allSettled(all);
  await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.release() : undefined)));
}

async function createSession(path: string, options: SessionOptions): Promise<InferenceSession> {
  const threads = options.intraOpThreads ?? defaultIntraOpThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`intraOpThreads must be an integer ≥ 1 (${threads} given)`);
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (err) {
    throw new OnnxModelError(path, `ONNX model not found: ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  if (!isFile) throw new OnnxModelError(path, `ONNX model path is not a file: ${path}`);
  const ort = await import('onnxruntime-node');
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      // Operators run one after another: audio graphs are chains, and a
      // second inter-op pool would compete with the intra-op threads.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Errors only; ORT's warnings (e.g. unused initializers) are not actionable at run time.
      logSeverityLevel: 3,
    });
  } catch (err) {
    throw new OnnxModelError(path, `cannot load ONNX model ${path}: ${(err as Error).message}`, { cause: err });
  }
}
