import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../data-dir.ts';
import { decodeStream } from './decode.ts';

/** DNS Challenge 3 pairs with the authors' GTCRN and RNNoise outputs (shared/data/README.md). */
export interface Dns3Pair {
  name: string;
  sampleRate: number;
  noisy: Float32Array;
  clean: Float32Array;
  reference: { GTCRN: Float32Array; RNNoise: Float32Array };
}

export function dns3Names(): string[] {
  const dir = dataDir();
  if (!dir) return [];
  return readdirSync(join(dir, 'speech', 'dns3-pairs')).filter((f) => f.endsWith('_noisy.wav')).map((f) => f.replace(/_noisy\.wav$/, '')).sort();
}

export async function loadDns3Pair(name: string): Promise<Dns3Pair> {
  const dir = join(dataDir()!, 'speech', 'dns3-pairs');
  const load = async (suffix: string) => (await decodeStream(join(dir, `${name}_${suffix}.wav`), 0, 16000, 1))[0]!;
  const [noisy, clean, gtcrn, rnnoise] = await Promise.all([load('noisy'), load('clean'), load('GTCRN'), load('RNNoise')]);
  return { name, sampleRate: 16000, noisy, clean, reference: { GTCRN: gtcrn, RNNoise: rnnoise } };
}
