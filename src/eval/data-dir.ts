import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the evaluation material lives: `../shared/data` beside the repository
 * (shared/data/README.md), or SMART_AUDIO_DATA. Nothing from it is ever
 * copied into the repository.
 */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function dataDir(): string | undefined {
  const dir = process.env.SMART_AUDIO_DATA ?? join(REPO_ROOT, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}

export interface Splits {
  musdb18: { validationArtists: string[]; validationTracks: string[] };
  mir1k: { validationSingers: string[] };
}

/** The committed validation split (eval/splits.json): no training may use these. */
export function splits(): Splits {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'eval', 'splits.json'), 'utf8')) as Splits;
}
