import { ValidationError } from '../errors.ts';
import { compact, isSet, joinPath, readEnum, readFreeText, readInt, show } from './field-rules.ts';
import { TTS_CODECS, TTS_MODES, TTS_VOICES, type RawTts, type TtsMode, type TtsParams, type ValidateOptions } from './types.ts';

/**
 * Tts template parameters (spec/templates.md §3; spec/limits.md "TTS"; the
 * inline job form `Operation.TtsTpl` has the same limits, spec/jobs.md §1.4).
 */

export const TTS_VOLUME = { min: -10, max: 10 } as const;
export const TTS_SPEED = { min: 50, max: 200 } as const;
/** Documented defaults, applied at job time only. Codec defaults by mode: wav (Sync) / pcm (Asyc). */
export const TTS_DEFAULTS = { mode: 'Asyc', voiceType: 'ruxue', volume: 0, speed: 100 } as const;
/** `Emotion` is SDK-only and undocumented; this bound is ours. */
export const TTS_EMOTION_MAX_CHARS = 64;

/**
 * Validates Tts parameters. `raw` holds the children of `<Request>` (template)
 * or of `<Operation><TtsTpl>` (job, with `opts.path`). Every field is optional.
 *
 * - `Mode` ∈ Asyc, Sync. spec/templates.md §3 "→ Impl: accept `Async` as an
 *   alias of `Asyc` on input but store/emit `Asyc`".
 * - `Codec` ∈ wav, mp3, pcm; with Mode Asyc only pcm ("→ Impl: reject Mode=Asyc
 *   with Codec ≠ pcm"). AMBIGUITY → chose to apply this rule to the effective
 *   mode: an unset Mode is Asyc at job time, so `Codec=mp3` alone is rejected
 *   too (the job could never honour it).
 * - `VoiceType` ∈ the 11 voices. spec/templates.md §3 "→ Impl: accept every
 *   voice in both modes" — the per-mode voice tables contradict each other.
 * - `Volume` integer in [-10, 10]; `Speed` integer in [50, 200].
 * - `Emotion` (SDK-only, e.g. `arousal`): AMBIGUITY → chose free text of at most
 *   64 characters, not checked against the voice; the documented per-voice
 *   emotion names do not even include the SDK's own example.
 */
export function validateTts(raw: RawTts | undefined, opts: ValidateOptions = {}): TtsParams {
  const base = opts.path;
  const mode = readMode(raw?.Mode, joinPath(base, 'Mode'));
  const codec = readEnum(raw?.Codec, joinPath(base, 'Codec'), TTS_CODECS);
  const voiceType = readEnum(raw?.VoiceType, joinPath(base, 'VoiceType'), TTS_VOICES);
  const volume = readInt(raw?.Volume, joinPath(base, 'Volume'), TTS_VOLUME.min, TTS_VOLUME.max);
  const speed = readInt(raw?.Speed, joinPath(base, 'Speed'), TTS_SPEED.min, TTS_SPEED.max);
  const emotion = readFreeText(raw?.Emotion, joinPath(base, 'Emotion'), TTS_EMOTION_MAX_CHARS);

  const effectiveMode: TtsMode = mode ?? TTS_DEFAULTS.mode;
  if (effectiveMode === 'Asyc' && codec !== undefined && codec !== 'pcm') {
    const why = mode === undefined ? 'Mode defaults to Asyc, which' : 'Mode Asyc';
    throw new ValidationError(joinPath(base, 'Codec'), `${show(codec)} is not allowed: ${why} only supports pcm (set Mode to Sync for wav or mp3)`);
  }
  return compact({ tag: 'Tts' as const, mode, codec, voiceType, volume, speed, emotion });
}

function readMode(value: string | undefined, field: string): TtsMode | undefined {
  if (!isSet(value)) return undefined;
  if (value === 'Async') return 'Asyc';
  const mode = readEnum(value, field, TTS_MODES);
  return mode;
}
