import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDecodeArgs } from '../../../../src/audio/ffmpeg/args.ts';
import { runTool } from '../../../../src/audio/ffmpeg/run.ts';

/** Test media, generated with ffmpeg's lavfi sources (no committed fixtures). */

export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'smart-audio-audio-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Runs `ffmpeg -f lavfi -i <graph> [...extra] -y <out>` and returns `out`.
 * `graph` may use several inputs separated by `|` (each becomes one `-f lavfi -i`).
 */
export async function lavfi(out: string, graph: string, extra: string[] = []): Promise<string> {
  const inputs = graph.split('|').flatMap((g) => ['-f', 'lavfi', '-i', g]);
  await runTool('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', ...inputs, ...extra, '-y', out]);
  return out;
}

/** Decodes a file's first audio stream to planar float at its own rate/channel count (given). */
export async function decode(path: string, sampleRate: number, channels: number): Promise<Float32Array[]> {
  const { stdout } = await runTool('ffmpeg', buildDecodeArgs({ input: path, sampleRate, channels }), { maxStdoutBytes: 1 << 30 });
  const frames = Math.floor(stdout.length / (4 * channels));
  const inter = new Float32Array(frames * channels);
  Buffer.from(inter.buffer).set(stdout.subarray(0, frames * 4 * channels));
  return Array.from({ length: channels }, (_, c) => {
    const ch = new Float32Array(frames);
    for (let i = 0; i < frames; i++) ch[i] = inter[i * channels + c]!;
    return ch;
  });
}

export function pearson(a: Float32Array, b: Float32Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb + 1e-30);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
