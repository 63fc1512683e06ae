import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, splits } from '../data-dir.ts';
import { decodeStream, sumSignals, trim } from './decode.ts';

/**
 * MIR-1K validation singers (split by singer, eval/splits.json): 16 kHz mono
 * karaoke clips, mixture = vocals + accompaniment at 0 dB.
 */
export interface Mir1kClip {
  name: string;
  sampleRate: number;
  mixture: Float32Array[];
  vocals: Float32Array[];
  accompaniment: Float32Array[];
}

/** A deterministic subset: the first `perSinger` clips (sorted) of each validation singer. */
export function mir1kValidationNames(perSinger: number): string[] {
  const dir = dataDir();
  if (!dir) return [];
  const files = readdirSync(join(dir, 'mir-1k', 'vocals')).filter((f) => f.endsWith('.opus')).sort();
  return splits().mir1k.validationSingers.flatMap((s) => files.filter((f) => f.startsWith(`${s}_`)).slice(0, perSinger).map((f) => f.replace(/\.opus$/, '')));
}

export async function loadMir1kClip(name: string): Promise<Mir1kClip> {
  const dir = dataDir();
  if (!dir) throw new Error('the shared data folder is absent');
  const [v, a] = await Promise.all([
    decodeStream(join(dir, 'mir-1k', 'vocals', `${name}.opus`), 0, 16000, 1),
    decodeStream(join(dir, 'mir-1k', 'accompaniment', `${name}.opus`), 0, 16000, 1),
  ]);
  const n = Math.min(v[0]!.length, a[0]!.length);
  const vocals = trim(v, n);
  const accompaniment = trim(a, n);
  return { name, sampleRate: 16000, vocals, accompaniment, mixture: sumSignals([vocals, accompaniment]) };
}
