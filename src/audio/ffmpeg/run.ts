import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { FfmpegError, type FfmpegErrorKind } from '../errors.ts';
import { toolPath, type FfmpegPaths } from './binaries.ts';

/**
 * Runs ffmpeg/ffprobe with an argv array (never a shell), keeps the last
 * ~4 KB of stderr for the error, and kills the child with SIGKILL on timeout
 * or abort (SIGTERM would let ffmpeg finish writing; we want it gone).
 */

export type Tool = keyof FfmpegPaths;

const STDERR_TAIL_CHARS = 4096;

export interface ToolOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  stdin?: 'pipe' | 'ignore';
  stdout?: 'pipe' | 'ignore';
  /** Kind of a non-zero exit, from the stderr tail. Default: always `failed`. */
  classify?: (stderrTail: string) => FfmpegErrorKind;
}

export interface ToolProcess {
  readonly tool: Tool;
  readonly argv: readonly string[];
  /** Present when `stdin: 'pipe'`. Write errors (EPIPE) are swallowed: the exit reports the failure. */
  readonly stdin: Writable | null;
  /** Present when `stdout: 'pipe'`. The caller MUST consume or destroy it. */
  readonly stdout: Readable | null;
  /**
   * Settles once the process has exited and stderr is drained: resolves on
   * exit code 0, rejects with an FfmpegError otherwise (also after a kill).
   * It never causes an unhandled rejection when the caller ignores it.
   */
  readonly done: Promise<{ stderrTail: string }>;
  /** SIGKILL; idempotent; `done` then rejects with kind `aborted`. */
  kill(): void;
}

/**
 * Starts a tool. Throws an FfmpegError (kind `aborted`) if `signal` has
 * already fired; a binary that cannot be started rejects `done` (kind `failed`).
 */
export function startTool(tool: Tool, argv: readonly string[], opts: ToolOptions = {}): ToolProcess {
  if (opts.signal?.aborted) {
    throw new FfmpegError('aborted', `${tool} not started: aborted`, { tool, exitCode: null, signal: null, stderrTail: '', cause: opts.signal.reason });
  }
  const child = spawn(toolPath(tool), argv, { stdio: [opts.stdin ?? 'ignore', opts.stdout ?? 'ignore', 'pipe'], windowsHide: true });
  let stderrTail = '';
  let killReason: 'timeout' | 'aborted' | undefined;

  const kill = (reason: 'timeout' | 'aborted') => {
    killReason ??= reason;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onAbort = () => kill('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => kill('timeout'), opts.timeoutMs) : undefined;
  child.stdin?.on('error', () => {});
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderrTail = (stderrTail + d).slice(-STDERR_TAIL_CHARS);
  });
  const stderrDrained = new Promise<void>((resolve) => child.stderr!.once('close', resolve));

  const done = new Promise<{ stderrTail: string }>((resolve, reject) => {
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (err) => {
      if (child.pid !== undefined) return; // an error on a running child is followed by 'exit'
      cleanup();
      reject(new FfmpegError('failed', `cannot start ${tool} (${toolPath(tool)}): ${err.message}`, { tool, exitCode: null, signal: null, stderrTail, cause: err }));
    });
    child.once('exit', (code, sig) => {
      cleanup();
      void stderrDrained.then(() => {
        const details = { tool, exitCode: code, signal: sig, stderrTail };
        if (killReason === 'timeout') reject(new FfmpegError('timeout', `${tool} timed out after ${opts.timeoutMs} ms`, details));
        else if (killReason === 'aborted') reject(new FfmpegError('aborted', `${tool} aborted`, { ...details, cause: opts.signal?.reason }));
        else if (code === 0) resolve({ stderrTail });
        else {
          const kind = opts.classify?.(stderrTail) ?? 'failed';
          const how = code !== null ? `exited with code ${code}` : `was killed by ${sig}`;
          reject(new FfmpegError(kind, `${tool} ${how}: ${lastLine(stderrTail) || '(no stderr)'}`, details));
        }
      });
    });
  });
  done.catch(() => {});

  return { tool, argv, stdin: child.stdin, stdout: child.stdout, done, kill: () => kill('aborted') };
}

/** Runs a tool to completion and returns its whole stdout (bounded by `maxStdoutBytes`, default 64 MB). */
export async function runTool(tool: Tool, argv: readonly string[], opts: Omit<ToolOptions, 'stdin' | 'stdout'> & { maxStdoutBytes?: number } = {}): Promise<{ stdout: Buffer; stderrTail: string }> {
  const proc = startTool(tool, argv, { ...opts, stdout: 'pipe' });
  const max = opts.maxStdoutBytes ?? 64 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  proc.stdout!.on('data', (b: Buffer) => {
    size += b.length;
    if (size > max) {
      overflow = true;
      proc.kill();
    } else chunks.push(b);
  });
  try {
    const { stderrTail } = await proc.done;
    return { stdout: Buffer.concat(chunks), stderrTail };
  } catch (err) {
    if (overflow && err instanceof FfmpegError) {
      throw new FfmpegError('failed', `${tool} wrote more than ${max} bytes to stdout`, { tool, exitCode: err.exitCode, signal: err.signal, stderrTail: err.stderrTail, cause: err });
    }
    throw err;
  }
}

/**
 * Classifies the failure of a process that reads a user's input file: a
 * stream-selection failure means "no audio stream"; anything else means the
 * file cannot be read as media (our own arguments are fixed and tested).
 */
export function classifyInputFailure(stderrTail: string): FfmpegErrorKind {
  if (/matches no streams|does not contain any stream|no audio stream/i.test(stderrTail)) return 'no-audio';
  return 'unreadable';
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.trim();
}
