/**
 * Child-process entry that runs separations for a worker slot. Separation is
 * CPU-bound JavaScript: running it here keeps the API server's event loop
 * responsive, lets the slot kill a job that overruns or is cancelled, and
 * returns the engine's memory to the OS when the process is recycled.
 *
 * Protocol (IPC, structured clone):
 *   parent → {type:'run', id, request} | {type:'abort', id}
 *   child  → {type:'progress', id, fraction} | {type:'done', id, result} | {type:'error', id, error}
 */
import { setFfmpegPaths } from '../audio/ffmpeg/binaries.ts';
import { getEngine } from '../audio/engines/registry.ts';
import { separateFile, type SeparateFileResult } from '../audio/separate-file.ts';
import type { EngineRequest } from './engine-client.ts';

const controllers = new Map<string, AbortController>();

function send(msg: unknown): void {
  process.send?.(msg);
}

async function run(id: string, request: EngineRequest): Promise<void> {
  const ac = new AbortController();
  controllers.set(id, ac);
  try {
    setFfmpegPaths(request.ffmpegPaths);
    const engine = await getEngine(request.engineId);
    const result: SeparateFileResult = await separateFile({
      inputPath: request.inputPath,
      engine,
      mode: request.mode,
      outputs: request.outputs,
      signal: ac.signal,
      timeoutMs: request.timeoutMs,
      maxDurationSec: request.maxDurationSec,
      onProgress: (fraction: number) => send({ type: 'progress', id, fraction }),
    });
    send({ type: 'done', id, result });
  } catch (err) {
    const e = err as Error & { kind?: string; stderrTail?: string };
    send({ type: 'error', id, error: { name: e.name, message: e.message, kind: e.kind, stderrTail: e.stderrTail } });
  } finally {
    controllers.delete(id);
  }
}

process.on('message', (msg: { type: string; id: string; request?: EngineRequest }) => {
  if (msg.type === 'run' && msg.request) void run(msg.id, msg.request);
  else if (msg.type === 'abort') controllers.get(msg.id)?.abort(new Error('aborted'));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
