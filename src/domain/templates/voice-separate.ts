import { ValidationError } from '../errors.ts';
import { compact, joinPath, readEnum, readInt, readIntIn, requireText, show } from './field-rules.ts';
import {
  AUDIO_MODES,
  VS_CODECS,
  type AudioConfigParams,
  type RawVoiceSeparate,
  type ValidateOptions,
  type VoiceSeparateCodec,
  type VoiceSeparateParams,
} from './types.ts';

/**
 * VoiceSeparate template parameters (spec/templates.md §1; spec/limits.md
 * "Voice separation output").
 */

/** Every sample rate the docs list, in Hz. */
export const VS_SAMPLE_RATES = [8000, 11025, 22050, 32000, 44100, 48000, 96000] as const;
/** Every channel count any codec allows. */
export const VS_CHANNELS = [1, 2, 4, 5, 6, 8] as const;
export const VS_BITRATE_KBPS = { min: 8, max: 1000 } as const;
/** Documented defaults, applied at job time only (spec/templates.md §1 table). */
export const VS_DEFAULT_CODEC: VoiceSeparateCodec = 'aac';

/**
 * The Codec × Samplerate × Channels matrix of spec/templates.md §1.
 * `wav` is not restricted by the docs, so it allows every listed value; its
 * Bitrate is ignored (PCM) but still has to be a valid Bitrate.
 */
export const VS_CODEC_MATRIX: Record<VoiceSeparateCodec, { samplerates: readonly number[]; channels: readonly number[] }> = {
  aac: { samplerates: [11025, 22050, 32000, 44100, 48000, 96000], channels: VS_CHANNELS },
  flac: { samplerates: [11025, 22050, 32000, 44100, 48000, 96000], channels: VS_CHANNELS },
  mp3: { samplerates: [11025, 22050, 32000, 44100, 48000], channels: [1, 2] },
  amr: { samplerates: [8000], channels: [1] },
  wav: { samplerates: VS_SAMPLE_RATES, channels: VS_CHANNELS },
};

/** With `AudioMode=MusicMode` only these codecs are allowed (seed page *Creating Templates*). */
export const VS_MUSIC_MODE_CODECS: readonly VoiceSeparateCodec[] = ['mp3', 'wav', 'aac'];

/**
 * Validates VoiceSeparate parameters. `raw` holds the children of `<Request>`
 * (template) or of `<Operation><VoiceSeparate>` (job, with `opts.path`).
 *
 * Rules:
 * - `AudioMode` is required and one of the four modes.
 * - `AudioConfig` may be absent. AMBIGUITY → chose optional: the docs mark it
 *   required but the Python SDK demo calls it optional; an absent container is
 *   stored like an empty one.
 * - Each field is checked against its own domain (Codec list, the seven rates,
 *   Bitrate 8–1000, channel counts 1/2/4/5/6/8).
 * - Outside MusicMode, Samplerate and Channels must fit the codec's row of the
 *   matrix. An unset Codec is checked as the default `aac`, because that is the
 *   codec the job will use.
 * - In MusicMode, Codec must be mp3/wav/aac. Samplerate, Bitrate and Channels
 *   are "invalid" (ignored) there: AMBIGUITY → chose to keep checking their own
 *   domains (so stored data stays well-formed) but skip the codec matrix, and
 *   store them as sent; the job ignores them.
 */
export function validateVoiceSeparate(raw: RawVoiceSeparate | undefined, opts: ValidateOptions = {}): VoiceSeparateParams {
  const base = opts.path;
  const modeField = joinPath(base, 'AudioMode');
  const audioMode = readEnum(requireText(raw?.AudioMode, modeField, `one of ${AUDIO_MODES.join(', ')}`), modeField, AUDIO_MODES)!;

  const cfgPath = joinPath(base, 'AudioConfig');
  const cfg = raw?.AudioConfig;
  const codecField = joinPath(cfgPath, 'Codec');
  const codec = readEnum(cfg?.Codec, codecField, VS_CODECS);
  const samplerate = readIntIn(cfg?.Samplerate, joinPath(cfgPath, 'Samplerate'), VS_SAMPLE_RATES);
  const bitrate = readInt(cfg?.Bitrate, joinPath(cfgPath, 'Bitrate'), VS_BITRATE_KBPS.min, VS_BITRATE_KBPS.max);
  const channels = readIntIn(cfg?.Channels, joinPath(cfgPath, 'Channels'), VS_CHANNELS);

  if (audioMode === 'MusicMode') {
    if (codec !== undefined && !VS_MUSIC_MODE_CODECS.includes(codec)) {
      throw new ValidationError(
        codecField,
        `${show(codec)} is not allowed with AudioMode MusicMode (allowed: ${VS_MUSIC_MODE_CODECS.join(', ')})`,
      );
    }
  } else {
    checkMatrix(codec, samplerate, channels, cfgPath);
  }

  const audioConfig: AudioConfigParams = compact({ codec, samplerate, bitrate, channels });
  return { tag: 'VoiceSeparate', audioMode, audioConfig };
}

function checkMatrix(codec: VoiceSeparateCodec | undefined, samplerate: number | undefined, channels: number | undefined, cfgPath: string): void {
  const effective = codec ?? VS_DEFAULT_CODEC;
  const label = codec === undefined ? `Codec ${effective} (the default)` : `Codec ${effective}`;
  const row = VS_CODEC_MATRIX[effective];
  if (samplerate !== undefined && !row.samplerates.includes(samplerate)) {
    throw new ValidationError(
      joinPath(cfgPath, 'Samplerate'),
      `${show(String(samplerate))} is not allowed with ${label} (allowed: ${row.samplerates.join(', ')})`,
    );
  }
  if (channels !== undefined && !row.channels.includes(channels)) {
    throw new ValidationError(
      joinPath(cfgPath, 'Channels'),
      `${show(String(channels))} is not allowed with ${label} (allowed: ${row.channels.join(', ')})`,
    );
  }
}
