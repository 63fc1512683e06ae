import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWav } from '../../../src/eval/metrics/wav-read.ts';

/** ../shared/data relative to the repository root (never copied into the repo). */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
export const VECTORS_DIR = join(DATA_DIR, 'bss-eval-vectors');
export const VECTORS_MISSING = existsSync(VECTORS_DIR)
  ? false
  : `BSS Eval vectors not found at ${VECTORS_DIR} (shared data folder absent): skipped`;

type Matrix = number[][];
export interface ExpectedScores {
  Sources: { 'Source to Distortion': number[]; 'Source to Interference': number[]; 'Source to Artifact': number[]; 'Source permutation': number[] };
  Framewise: {
    'Source to Distortion': Matrix; 'Source to Interference': Matrix; 'Source to Artifact': Matrix;
    'Source permutation': Matrix; win: number; hop: number;
  };
  Images: {
    'Source to Distortion': number[]; 'Image to Spatial': number[]; 'Source to Interference': number[];
    'Source to Artifact': number[]; 'Source permutation': number[]; nchan: number; gain: number;
  };
}

export interface VectorCase {
  id: string;
  /** sources × samples (stereo files averaged to mono, as mir_eval.io.load_wav does). */
  reference: Float64Array[];
  estimated: Float64Array[];
  expected: ExpectedScores;
}

export function vectorCaseIds(): string[] {
  return readdirSync(VECTORS_DIR)
    .filter((f) => /^output\d+\.json$/.test(f))
    .map((f) => f.slice(6, -5))
    .sort();
}

export function loadVectorCase(id: string): VectorCase {
  const text = readFileSync(join(VECTORS_DIR, `output${id}.json`), 'utf8');
  // mir_eval writes Python's json: bare NaN / Infinity tokens.
  const expected = JSON.parse(text.replace(/-?\b(?:NaN|Infinity)\b/g, (t) => `"${t}"`), (_k, v: unknown) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v) as ExpectedScores;
  return { id, reference: loadDir(`ref${id}`), estimated: loadDir(`est${id}`), expected };
}

function loadDir(name: string): Float64Array[] {
  const dir = join(VECTORS_DIR, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => {
      const { channels } = readWav(readFileSync(join(dir, f)));
      const mono = new Float64Array(channels[0]!.length);
      for (const ch of channels) for (let i = 0; i < mono.length; i++) mono[i] += ch[i]! / channels.length;
      return mono;
    });
}
