import type { SeparationEngine } from './engine.ts';

/**
 * Engines by id. Each is imported lazily, on first use, and then kept (an
 * engine may hold large read-only state such as FFT tables or a model).
 */

const LOADERS: Readonly<Record<string, () => Promise<SeparationEngine>>> = {
  dsp: async () => new (await import('./dsp-separator.ts')).DspSeparator(),
  gtcrn: async () => new (await import('./gtcrn/engine.ts')).GtcrnSeparator(),
  tcnmask: async () => new (await import('./tcnmask/engine.ts')).TcnMaskSeparator(),
};

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
