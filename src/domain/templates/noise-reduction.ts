import { ValidationError } from '../errors.ts';
import { compact, joinPath, readEnum, readIntIn, show } from './field-rules.ts';
import { NR_FORMATS, type NoiseReductionParams, type RawNoiseReduction, type ValidateOptions } from './types.ts';

/**
 * NoiseReduction template parameters (spec/templates.md §2; spec/limits.md
 * "Noise reduction output"; job form: spec/jobs.md §1.3).
 */

/** Output sample rates in Hz. */
export const NR_SAMPLE_RATES = [8000, 12000, 16000, 24000, 32000, 44100, 48000] as const;
/** Documented defaults, applied at job time only. */
export const NR_DEFAULTS = { format: 'wav', samplerate: 16000 } as const;

/**
 * Validates the children of `<NoiseReduction>`.
 *
 * - The container itself is required in a template request (spec/templates.md
 *   §2 marks `NoiseReduction` "yes"); `raw === undefined` means it was absent.
 *   An empty `<NoiseReduction/>` is fine: both children are optional.
 * - `Format` ∈ mp3, m4a, wav.
 * - The sample rate may be spelled `Samplerate` (template pages) or
 *   `SampleRate` (job page, PHP SDK); spec/templates.md §2 "→ Impl: accept
 *   both spellings everywhere on input". AMBIGUITY → when both are sent with
 *   different values we reject on `SampleRate` rather than guess; equal values
 *   are accepted.
 */
export function validateNoiseReduction(raw: RawNoiseReduction | undefined, opts: ValidateOptions = {}): NoiseReductionParams {
  const base = opts.path ?? 'NoiseReduction';
  if (raw === undefined) {
    throw new ValidationError(base, 'is required but missing (a <NoiseReduction> container with Format and/or Samplerate)');
  }
  const format = readEnum(raw.Format, joinPath(base, 'Format'), NR_FORMATS);

  const lower = readIntIn(raw.Samplerate, joinPath(base, 'Samplerate'), NR_SAMPLE_RATES);
  const upper = readIntIn(raw.SampleRate, joinPath(base, 'SampleRate'), NR_SAMPLE_RATES);
  if (lower !== undefined && upper !== undefined && lower !== upper) {
    throw new ValidationError(
      joinPath(base, 'SampleRate'),
      `${show(raw.SampleRate!)} disagrees with Samplerate ${show(raw.Samplerate!)}; send one spelling only`,
    );
  }
  const samplerate = lower ?? upper;

  return compact({ tag: 'NoiseReduction' as const, format, samplerate });
}
