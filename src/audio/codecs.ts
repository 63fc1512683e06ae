import { VS_CODEC_MATRIX, VS_MUSIC_MODE_CODECS } from '../domain/templates/voice-separate.ts';
import type { AudioConfigParams, AudioMode, VoiceSeparateCodec } from '../domain/templates/types.ts';

/**
 * Output formats: a CI codec/format name → ffmpeg encoder, muxer and file
 * extension (the value of `${ext}`, spec/jobs.md §1.7).
 *
 * `resolveOutputFormat` applies the VoiceSeparate defaults of
 * spec/templates.md §1 at job time (templates store what was sent).
 * `buildOutputFormat` is the codec-generic part, reused by NoiseReduction
 * (`mp3`, `m4a`, `wav`, spec/templates.md §2).
 */

export type OutputCodec = 'aac' | 'm4a' | 'mp3' | 'flac' | 'amr' | 'wav';

interface CodecSpec {
  encoder: string;
  muxer: string;
  ext: string;
  /** Extra muxer/encoder options, placed before `-f`. */
  extraArgs: readonly string[];
  /** `none`: lossless/PCM, Bitrate is ignored. */
  bitrate: 'aac' | 'mp3' | 'amr' | 'none';
  /** The only rate/channel count the codec supports, if any (AMR-NB). */
  fixed?: { sampleRate: number; channels: 1 };
}

/**
 * AMBIGUITY → chose ADTS for `aac`: the CI docs call the value a codec and
 * `${ext}` "the container/extension of the produced file", so Codec `aac`
 * produces `<key>.aac`, a raw ADTS stream every player reads. ADTS cannot
 * signal the encoder priming, so decoders see 1024 extra samples at the start
 * (one AAC frame) and ffprobe only estimates its duration; `probe()` counts
 * packets for ADTS instead. `m4a` (MP4, exact length via an edit list) is the
 * NoiseReduction format.
 */
export const CODEC_SPECS: Readonly<Record<OutputCodec, CodecSpec>> = {
  aac: { encoder: 'aac', muxer: 'adts', ext: 'aac', extraArgs: [], bitrate: 'aac' },
  m4a: { encoder: 'aac', muxer: 'ipod', ext: 'm4a', extraArgs: ['-movflags', '+faststart'], bitrate: 'aac' },
  mp3: { encoder: 'libmp3lame', muxer: 'mp3', ext: 'mp3', extraArgs: [], bitrate: 'mp3' },
  flac: { encoder: 'flac', muxer: 'flac', ext: 'flac', extraArgs: [], bitrate: 'none' },
  amr: { encoder: 'libopencore_amrnb', muxer: 'amr', ext: 'amr', extraArgs: [], bitrate: 'amr', fixed: { sampleRate: 8000, channels: 1 } },
  // RF64 once the file passes 4 GB (an hour of 96 kHz 8-channel PCM does).
  wav: { encoder: 'pcm_s16le', muxer: 'wav', ext: 'wav', extraArgs: ['-rf64', 'auto'], bitrate: 'none' },
};

/** Bitrate used when the request has none (kbps). AMR: its highest mode. */
export const DEFAULT_BITRATE_KBPS: Readonly<Record<'aac' | 'mp3' | 'amr', number>> = { aac: 128, mp3: 128, amr: 12.2 };

/** Documented default sample rate (spec/templates.md §1). */
export const VS_DEFAULT_SAMPLE_RATE = 44100;

/** AMR-NB modes in kbps (3GPP TS 26.071). */
export const AMR_NB_MODES_KBPS = [4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2] as const;

/** Legal MP3 bitrates by MPEG version; LAME snaps to these (ties go down). */
const MP3_BITRATES = {
  mpeg1: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  // LAME caps MPEG-2.5 (≤ 12 kHz) at 64 kbps (measured with the bundled ffmpeg).
  mpeg25: [8, 16, 24, 32, 40, 48, 56, 64],
} as const;

export interface ResolvedOutputFormat {
  codec: OutputCodec;
  /** File extension without the dot; the value of `${ext}`. */
  ext: string;
  sampleRate: number;
  channels: number;
  /** The bitrate the encoder will really use (after snapping/clamping); absent for flac/wav. */
  bitrateKbps?: number;
  /** ffmpeg output options, from `-ar` to `-f <muxer>`; the output path follows. */
  encoderArgs: string[];
}

/**
 * Codec-generic resolution. Values are taken as given except where the codec
 * forces them: AMR-NB is always 8000 Hz mono at the nearest mode; MP3 snaps to
 * a legal bitrate for its MPEG version; AAC is clamped to what ffmpeg's
 * encoder can spend (6144 bits per channel per 1024-sample frame).
 */
export function buildOutputFormat(codec: OutputCodec, want: { sampleRate: number; channels: number; bitrateKbps?: number }): ResolvedOutputFormat {
  const spec = CODEC_SPECS[codec];
  const sampleRate = spec.fixed?.sampleRate ?? want.sampleRate;
  const channels = spec.fixed?.channels ?? want.channels;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`sample rate must be a positive integer (${want.sampleRate} given)`);
  if (!Number.isInteger(channels) || channels < 1 || channels > 8) throw new RangeError(`channel count must be 1..8 (${want.channels} given)`);

  const bitrateKbps = effectiveBitrate(spec.bitrate, want.bitrateKbps, sampleRate, channels);
  const encoderArgs = ['-ar', String(sampleRate), '-ac', String(channels), '-c:a', spec.encoder];
  if (bitrateKbps !== undefined) {
    // AMR modes are fractional kbps; ffmpeg takes bits per second.
    encoderArgs.push('-b:a', spec.bitrate === 'amr' ? String(Math.round(bitrateKbps * 1000)) : `${bitrateKbps}k`);
  }
  encoderArgs.push(...spec.extraArgs, '-f', spec.muxer);
  return { codec, ext: spec.ext, sampleRate, channels, ...(bitrateKbps !== undefined ? { bitrateKbps } : {}), encoderArgs };
}

function effectiveBitrate(kind: CodecSpec['bitrate'], requested: number | undefined, sampleRate: number, channels: number): number | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'amr':
      return nearest(AMR_NB_MODES_KBPS, requested ?? DEFAULT_BITRATE_KBPS.amr);
    case 'mp3': {
      const table = sampleRate >= 32000 ? MP3_BITRATES.mpeg1 : sampleRate >= 16000 ? MP3_BITRATES.mpeg2 : MP3_BITRATES.mpeg25;
      return nearest(table, requested ?? DEFAULT_BITRATE_KBPS.mp3);
    }
    case 'aac': {
      const maxKbps = Math.floor((6144 * sampleRate * channels) / 1024 / 1000);
      return Math.min(requested ?? DEFAULT_BITRATE_KBPS.aac, maxKbps);
    }
  }
}

/** Nearest table value; on a tie the lower one (as LAME does). */
function nearest(table: readonly number[], value: number): number {
  let best = table[0]!;
  for (const v of table) if (Math.abs(v - value) < Math.abs(best - value)) best = v;
  return best;
}

/**
 * VoiceSeparate `AudioConfig` + `AudioMode` → output format, defaults applied
 * (spec/templates.md §1):
 * - Codec: `aac`.
 * - Samplerate: 44100 (AMR: 8000, its only rate).
 * - Channels: the source's count capped at the codec's maximum and rounded
 *   down to an allowed value (aac/flac/wav: 1,2,4,5,6,8; mp3: 1,2; amr: 1);
 *   2 when the source count is unknown. Separation itself runs in stereo; the
 *   encoder up/down-mixes stems with ffmpeg's default matrix.
 * - Bitrate: per codec (`DEFAULT_BITRATE_KBPS`); ignored for flac/wav.
 * - MusicMode: Samplerate/Bitrate/Channels are "ignored" by the docs →
 *   always 44100 Hz, 2 channels, the codec's default bitrate; Codec must be
 *   mp3/wav/aac.
 *
 * Values that break the Codec matrix throw a RangeError: template and job
 * validation (domain/templates/voice-separate.ts) already reject them.
 */
export function resolveOutputFormat(config: AudioConfigParams, audioMode: AudioMode, sourceChannels: number | undefined): ResolvedOutputFormat {
  const codec: VoiceSeparateCodec = config.codec ?? 'aac';
  if (audioMode === 'MusicMode') {
    if (!VS_MUSIC_MODE_CODECS.includes(codec)) throw new RangeError(`Codec ${codec} is not allowed with MusicMode (allowed: ${VS_MUSIC_MODE_CODECS.join(', ')})`);
    return buildOutputFormat(codec, { sampleRate: VS_DEFAULT_SAMPLE_RATE, channels: 2 });
  }
  const row = VS_CODEC_MATRIX[codec];
  const sampleRate = config.samplerate ?? (row.samplerates.includes(VS_DEFAULT_SAMPLE_RATE) ? VS_DEFAULT_SAMPLE_RATE : row.samplerates[0]!);
  if (!row.samplerates.includes(sampleRate)) throw new RangeError(`Samplerate ${sampleRate} is not allowed with Codec ${codec} (allowed: ${row.samplerates.join(', ')})`);
  const channels = config.channels ?? defaultChannels(row.channels, sourceChannels);
  if (!row.channels.includes(channels)) throw new RangeError(`Channels ${channels} is not allowed with Codec ${codec} (allowed: ${row.channels.join(', ')})`);
  return buildOutputFormat(codec, { sampleRate, channels, ...(config.bitrate !== undefined ? { bitrateKbps: config.bitrate } : {}) });
}

/** Largest allowed count ≤ the source's; the smallest allowed if none is. */
export function defaultChannels(allowed: readonly number[], sourceChannels: number | undefined): number {
  const source = sourceChannels !== undefined && sourceChannels > 0 ? sourceChannels : 2;
  const fitting = allowed.filter((c) => c <= source);
  return fitting.length > 0 ? Math.max(...fitting) : Math.min(...allowed);
}
