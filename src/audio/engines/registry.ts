import type { SeparationEngine } from './engine.ts';

/**
 * Engines by id. Each is imported lazily, on first use, and then kept (an
 * engine may hold large read-only state such as FFT tables or a model).
 */

const LOADERS: Readonly<Record<string, () => Promise<SeparationEngine>>> = {
  dsp: async () => new (await import('./dsp-separator.ts')).DspSeparator(),
  gtcrn: async () => new (await import('./gtcrn/engine.ts')).GtcrnSeparator(),
  tcnmask: async () => tcnmask('tcnmask'),
  tcnmask4: async () => tcnmask('tcnmask4'),
  // The same models with the post-filter forced on or off (the eval harness measures both; issue 6 §4).
  'tcnmask+wiener': async () => tcnmask('tcnmask', 'wiener'),
  'tcnmask4+wiener': async () => tcnmask('tcnmask4', 'wiener'),
  'tcnmask4+masks': async () => tcnmask('tcnmask4', 'none'),
  rnnoise: async () => new (await import('./rnnoise/engine.ts')).RnnoiseSeparator(),
};

async function tcnmask(profileId: string, postFilter?: 'wiener' | 'none'): Promise<SeparationEngine> {
  const { TcnMaskSeparator, loadProfile } = await import('./tcnmask/engine.ts');
  const id = postFilter ? `${profileId}+${postFilter === 'wiener' ? 'wiener' : 'masks'}` : profileId;
  return new TcnMaskSeparator(loadProfile(profileId), { postFilter, id });
}

const loaded = new Map<string, Promise<SeparationEngine>>();

export function engineIds(): string[] {
  return Object.keys(LOADERS);
}

export class UnknownEngineError extends Error {
  readonly engineId: string;
  constructor(engineId: string) {
    super(`unknown separation engine ${JSON.stringify(engineId)} (known: ${engineIds().join(', ')})`);
    this.name = 'UnknownEngineError';
    this.engineId = engineId;
  }
}

export function getEngine(id: string): Promise<SeparationEngine> {
  const load = Object.hasOwn(LOADERS, id) ? LOADERS[id] : undefined;
  if (!load) return Promise.reject(new UnknownEngineError(id));
  let engine = loaded.get(id);
  if (!engine) {
    engine = load();
    loaded.set(id, engine);
    engine.catch(() => loaded.delete(id));
  }
  return engine;
}
