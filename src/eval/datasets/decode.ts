import { runTool } from '../../audio/ffmpeg/run.ts';
import { fileUrl } from '../../audio/ffmpeg/args.ts';

/**
 * Decodes one audio stream of a file (`stream` = index among audio streams,
 * e.g. MUSDB's `.stem.mp4` 0 mixture, 1 drums, 2 bass, 3 other, 4 vocals) to
 * planar float channels at `sampleRate`/`channels`.
 */
export async function decodeStream(path: string, stream: number, sampleRate: number, channels: number): Promise<Float32Array[]> {
  const argv = [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    '-i', fileUrl(path),
    '-map', `0:a:${stream}`, '-vn', '-sn', '-dn',
    '-ac', String(channels), '-ar', String(sampleRate),
    '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1',
  ];
  const { stdout } = await runTool('ffmpeg', argv, { maxStdoutBytes: 1 << 30 });
  const interleaved = new Float32Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 4));
  const frames = Math.floor(interleaved.length / channels);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out[c]![i] = interleaved[i * channels + c]!;
  return out;
}

/** Element-wise sum of equally shaped multi-channel signals (trimmed to the shortest). */
export function sumSignals(parts: Float32Array[][]): Float32Array[] {
  const channels = parts[0]!.length;
  const n = Math.min(...parts.map((p) => p[0]!.length));
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(n);
    for (const p of parts) {
      const ch = p[c]!;
      for (let i = 0; i < n; i++) out[i]! += ch[i]!;
    }
    return out;
  });
}

export const trim = (x: Float32Array[], n: number): Float32Array[] => x.map((c) => c.subarray(0, n));
