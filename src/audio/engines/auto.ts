import type { SeparationMode } from './engine.ts';

/**
 * Which engine separates a job's input.
 *
 * | mode     | separation 'two' (AudioAndBackground)              | separation 'four' (MusicMode) |
 * |----------|----------------------------------------------------|-------------------------------|
 * | `auto`   | `detect()`: speech → speechEngine, music → musicEngine | musicEngine, no detection  |
 * | `speech` | speechEngine                                       | musicEngine                   |
 * | `music`  | musicEngine                                        | musicEngine                   |
 *
 * MusicMode always uses the music engine: four stems (vocals, drums, bass,
 * other) only make sense for music, and the speech engine produces two.
 * Defaults: speech → `gtcrn` (a speech-enhancement network: voice vs the
 * rest), music → `tcnmask` (2 stems) and `tcnmask4` (MusicMode). `mode` is the
 * server setting that forces one engine; `auto` is the per-input detector
 * (`audio/detect/speech-music.ts`, e.g. `() => detectFile(path, signal).then((c) => c.kind)`).
 *
 * `detect` is called at most once, and only in `auto` mode with 'two'
 * separation. Its rejection propagates: `detectFile` fails with the same
 * AudioError kinds (`unreadable`, `no-audio`, `aborted`) as the separation
 * itself would, so the caller reports the input's problem either way.
 */

export type EngineChoiceMode = 'auto' | 'speech' | 'music';
export type ContentKind = 'speech' | 'music';

export const ENGINE_CHOICE_MODES: readonly EngineChoiceMode[] = ['auto', 'speech', 'music'];

export interface EngineChoiceRequest {
  mode: EngineChoiceMode;
  detect: () => Promise<ContentKind>;
  /** The job's separation; 'four' (MusicMode) always picks the music engine. Default 'two'. */
  separation?: SeparationMode;
}

export interface EngineChoiceConfig {
  speechEngine: string;
  musicEngine: string;
  /**
   * MusicMode (four stems). Defaults to `musicEngine`; separate because the
   * trained music model (`tcnmask`, issue #6) has two stems only.
   */
  fourStemEngine?: string;
}

/**
 * Music: our 4-stem model tcnmask4 for both modes (issue #6; MUSDB18-val 2026-12-04 v3: 4-stem
 * average 2.73 vs dsp 1.73 dB; as vocals/background it beats the 2-stem tcnmask on vocals and
 * accompaniment, on MUSDB18-val and MIR-1K-val); speech: gtcrn.
 */
export const DEFAULT_ENGINE_CHOICE: Readonly<EngineChoiceConfig> = { speechEngine: 'gtcrn', musicEngine: 'tcnmask4', fourStemEngine: 'tcnmask4' };

/** Returns the registry id of the engine to use. */
export async function chooseEngine(request: EngineChoiceRequest, config: EngineChoiceConfig = DEFAULT_ENGINE_CHOICE): Promise<string> {
  if (!ENGINE_CHOICE_MODES.includes(request.mode)) {
    throw new RangeError(`engine choice mode must be one of ${ENGINE_CHOICE_MODES.join(', ')} (${JSON.stringify(request.mode)} given)`);
  }
  if ((request.separation ?? 'two') === 'four') return config.fourStemEngine ?? config.musicEngine;
  if (request.mode === 'music') return config.musicEngine;
  if (request.mode === 'speech') return config.speechEngine;
  const kind = await request.detect();
  if (kind !== 'speech' && kind !== 'music') throw new RangeError(`detect() must return 'speech' or 'music' (${JSON.stringify(kind)} given)`);
  return kind === 'speech' ? config.speechEngine : config.musicEngine;
}
