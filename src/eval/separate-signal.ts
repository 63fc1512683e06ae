import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOutputFormat } from '../audio/codecs.ts';
import type { SeparationMode, StemName } from '../audio/engines/engine.ts';
import { separateFile } from '../audio/separate-file.ts';
import { decodeStream } from './datasets/decode.ts';

/**
 * Runs an engine on an in-memory signal through the product's own pipeline
 * (separate-file.ts: ffmpeg decode, chunking, engine, encode), so that what is
 * scored is what users get. Input and outputs are 32-bit float WAV files at
 * the dataset's rate and channel count.
 */
export function writeFloatWav(path: string, channels: Float32Array[], sampleRate: number): void {
  const n = channels[0]!.length;
  const ch = channels.length;
  const data = Buffer.alloc(n * ch * 4);
  for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) data.writeFloatLE(channels[c]![i]!, (i * ch + c) * 4);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20); // IEEE float
  h.writeUInt16LE(ch, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * ch * 4, 28);
  h.writeUInt16LE(ch * 4, 32);
  h.writeUInt16LE(32, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}

export interface SeparatedSignal {
  stems: Partial<Record<StemName, Float32Array[]>>;
  seconds: number;
  /** Time spent inside the engine (separate-file.ts `timings.separateMs`), seconds. */
  engineSeconds: number;
  /**
   * CPU time of this process during the run (engine + pipeline JavaScript;
   * the ffmpeg children excluded), seconds: unlike wall time, barely changed
   * by other load on the machine.
   */
  cpuSeconds: number;
  audioSeconds: number;
}

export async function separateSignal(engine: string, mode: SeparationMode, mixture: Float32Array[], sampleRate: number, stems: StemName[]): Promise<SeparatedSignal> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-audio-eval-'));
  try {
    const input = join(dir, 'mixture.wav');
    writeFloatWav(input, mixture, sampleRate);
    const format = buildOutputFormat('wav', { sampleRate, channels: mixture.length });
    const outputs = Object.fromEntries(stems.map((s) => [s, { path: join(dir, `${s}.wav`), format }]));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await separateFile({ inputPath: input, engine, mode, outputs });
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    const n = mixture[0]!.length;
    const out: SeparatedSignal['stems'] = {};
    for (const s of stems) {
      const decoded = await decodeStream(outputs[s]!.path, 0, sampleRate, mixture.length);
      out[s] = decoded.map((c) => {
        const fixed = new Float32Array(n);
        fixed.set(c.subarray(0, n));
        return fixed;
      });
    }
    return { stems: out, seconds, engineSeconds: result.timings.separateMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, audioSeconds: result.durationSec };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
