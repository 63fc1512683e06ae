import { join } from 'node:path';
import { dataDir, splits } from '../data-dir.ts';
import { decodeStream, sumSignals, trim } from './decode.ts';

/**
 * MUSDB18 7-second train excerpts (shared/data/README.md), validation tracks
 * only. Stems are decoded separately; the mixture is their sum (each stream
 * was AAC-coded on its own, so the stored mixture differs by ~27–30 dB).
 * `accompaniment` = drums + bass + other.
 */
export const MUSDB_STEMS = ['vocals', 'drums', 'bass', 'other'] as const;
export type MusdbStem = (typeof MUSDB_STEMS)[number];
const STREAM: Record<MusdbStem, number> = { drums: 1, bass: 2, other: 3, vocals: 4 };

export interface MusdbTrack {
  name: string;
  sampleRate: number;
  mixture: Float32Array[];
  stems: Record<MusdbStem | 'accompaniment', Float32Array[]>;
}

export function musdbValidationNames(): string[] {
  return splits().musdb18.validationTracks;
}

export async function loadMusdbTrack(name: string): Promise<MusdbTrack> {
  const dir = dataDir();
  if (!dir) throw new Error('the shared data folder is absent');
  const path = join(dir, 'musdb18-7-train', `${name}.stem.mp4`);
  const decoded = await Promise.all(MUSDB_STEMS.map((s) => decodeStream(path, STREAM[s], 44100, 2)));
  const n = Math.min(...decoded.map((d) => d[0]!.length));
  const stems = Object.fromEntries(MUSDB_STEMS.map((s, i) => [s, trim(decoded[i]!, n)])) as Record<MusdbStem, Float32Array[]>;
  const accompaniment = sumSignals([stems.drums, stems.bass, stems.other]);
  return { name, sampleRate: 44100, mixture: sumSignals(MUSDB_STEMS.map((s) => stems[s])), stems: { ...stems, accompaniment } };
}
