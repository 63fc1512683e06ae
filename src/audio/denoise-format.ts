import { buildOutputFormat, type ResolvedOutputFormat } from './codecs.ts';
import { NR_DEFAULTS } from '../domain/templates/noise-reduction.ts';
import { NR_FORMATS, type NoiseReductionFormat, type NoiseReductionParams } from '../domain/templates/types.ts';

/**
 * Output format of a NoiseReduction job (spec/jobs.md §1.3, spec/templates.md
 * §2, spec/limits.md "Noise reduction output"):
 *
 * - Format: as given; else, spec/jobs.md §1.3 → Impl (inferred), the
 *   extension of `Output.Object` when it is mp3/m4a/wav; else `wav`.
 *   AMBIGUITY → applied whenever Format is absent (template or inline), not
 *   only when the job has no parameters at all: `out.mp3` with a template
 *   that only sets Samplerate is written as MP3, not as WAV bytes named .mp3.
 * - Samplerate: as given, else 16000.
 * - Channels: always 1: "only a single (mono) audio stream is kept"
 *   (spec/jobs.md §1.3). AMBIGUITY → the first audio stream, all its
 *   channels downmixed (ffmpeg -ac 1), rather than its first channel only:
 *   speech panned to one side is not lost.
 * - Bitrate (mp3/m4a): the codec defaults of codecs.ts (128 kbps, clamped or
 *   snapped to what the encoder allows at the rate).
 */
export const NR_CHANNELS = 1;

export function noiseReductionFormatName(params: NoiseReductionParams, outputKey: string): NoiseReductionFormat {
  if (params.format) return params.format;
  const ext = /\.([A-Za-z0-9]+)$/.exec(outputKey)?.[1]?.toLowerCase();
  return ext !== undefined && (NR_FORMATS as readonly string[]).includes(ext) ? (ext as NoiseReductionFormat) : NR_DEFAULTS.format;
}

export function resolveNoiseReductionFormat(params: NoiseReductionParams, outputKey: string): ResolvedOutputFormat {
  const format = noiseReductionFormatName(params, outputKey);
  return buildOutputFormat(format, { sampleRate: params.samplerate ?? NR_DEFAULTS.samplerate, channels: NR_CHANNELS });
}
