import type { ResolvedOutputFormat } from '../codecs.ts';

/**
 * Pure argv builders for ffmpeg/ffprobe (no shell ever sees these).
 *
 * Local paths are passed as `file:<path>` so that a name starting with `-` or
 * containing `:` (`a:b.mp3`) can be neither an option nor a protocol.
 */

/** Options every ffmpeg invocation gets: no interaction, errors only on stderr. */
const COMMON = ['-nostdin', '-hide_banner', '-loglevel', 'error'] as const;

export function fileUrl(path: string): string {
  return `file:${path}`;
}

export interface DecodeArgsOptions {
  input: string;
  sampleRate: number;
  channels: number;
}

/**
 * Decodes the first audio stream of any input (audio or video) to raw
 * interleaved 32-bit float little-endian PCM on stdout, resampled and
 * up/down-mixed by ffmpeg to `sampleRate`/`channels`.
 * `-map 0:a:0` picks the first audio stream; `-vn -sn -dn` make sure no video,
 * subtitle or data stream is decoded at all.
 */
export function buildDecodeArgs(o: DecodeArgsOptions): string[] {
  return [
    ...COMMON,
    '-i', fileUrl(o.input),
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-ac', String(o.channels),
    '-ar', String(o.sampleRate),
    '-c:a', 'pcm_f32le', '-f', 'f32le',
    'pipe:1',
  ];
}

export interface EncodeArgsOptions {
  output: string;
  /** Layout of the f32le stream written to stdin. */
  inputSampleRate: number;
  inputChannels: number;
  format: Pick<ResolvedOutputFormat, 'encoderArgs'>;
}

/** Encodes interleaved f32le PCM read from stdin into `output` (overwritten). */
export function buildEncodeArgs(o: EncodeArgsOptions): string[] {
  return [
    ...COMMON,
    '-f', 'f32le', '-ar', String(o.inputSampleRate), '-ac', String(o.inputChannels),
    '-i', 'pipe:0',
    ...o.format.encoderArgs,
    '-y', fileUrl(o.output),
  ];
}

export interface ProbeArgsOptions {
  input: string;
  /** Read the whole file and report `nb_read_packets` per stream (exact length of raw ADTS/AMR). */
  countPackets?: boolean;
}

/** ffprobe: format and streams as JSON on stdout. */
export function buildProbeArgs(o: ProbeArgsOptions): string[] {
  return [
    '-hide_banner', '-loglevel', 'error',
    '-print_format', 'json',
    '-show_format', '-show_streams',
    ...(o.countPackets ? ['-count_packets'] : []),
    fileUrl(o.input),
  ];
}
