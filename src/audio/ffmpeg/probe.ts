import { AudioError } from '../errors.ts';
import { buildProbeArgs } from './args.ts';
import { runTool } from './run.ts';

export { toMediaInfo, type MediaInfo } from './media-info.ts';

/**
 * ffprobe → typed result. Numbers are parsed; values ffprobe does not report
 * (or reports as "N/A") are `undefined`. Works with ffprobe 4.x and 6.x (the
 * bundled ffprobe is newer than the bundled ffmpeg; `codec_time_base` only
 * exists in ≤ 4.x).
 */

export interface ProbeFormat {
  /** ffprobe `format_name`, e.g. `mp3`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  name: string;
  longName: string;
  durationSec?: number;
  startTimeSec?: number;
  /** Bits per second. */
  bitRate?: number;
  sizeBytes?: number;
  numStreams: number;
  numPrograms: number;
}

export interface ProbeStream {
  index: number;
  /** `audio`, `video`, `subtitle`, `data`, `attachment`. */
  codecType: string;
  codecName?: string;
  codecLongName?: string;
  profile?: string;
  codecTag?: string;
  codecTagString?: string;
  codecTimeBase?: string;
  timeBase?: string;
  startTimeSec?: number;
  durationSec?: number;
  /** Bits per second. */
  bitRate?: number;
  sampleRate?: number;
  channels?: number;
  channelLayout?: string;
  sampleFmt?: string;
  width?: number;
  height?: number;
  pixFmt?: string;
  avgFrameRate?: string;
  rFrameRate?: string;
  numFrames?: number;
  hasBFrames?: number;
  refs?: number;
  level?: number;
  sampleAspectRatio?: string;
  displayAspectRatio?: string;
  fieldOrder?: string;
  language?: string;
  /** Only with `-count_packets`. */
  numReadPackets?: number;
}

/** The first audio stream, with the fields the pipeline needs. */
export interface AudioSummary {
  index: number;
  codecName: string;
  sampleRate: number;
  channels: number;
  channelLayout?: string;
  durationSec?: number;
  bitRate?: number;
}

export interface ProbeResult {
  format: ProbeFormat;
  streams: ProbeStream[];
  audio?: AudioSummary;
  /** Best known duration: the first audio stream's, else the container's. */
  durationSec?: number;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Default true. Raw ADTS AAC and AMR files carry no length, and ffprobe
   * only estimates it from the first frames' bitrate; for those the file is
   * read once more to count packets (fixed samples per packet).
   */
  exactDuration?: boolean;
}

/** Samples per packet of codecs whose raw containers have no duration. */
const SAMPLES_PER_PACKET: Record<string, number> = { aac: 1024, amr_nb: 160, amr_wb: 320 };
const RAW_FORMATS = new Set(['aac', 'amr']);

/**
 * Probes a local file. Rejects with an FfmpegError of kind `unreadable` when
 * ffprobe cannot read it (`failed` if ffprobe itself cannot start).
 */
export async function probe(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const first = await runProbe(path, false, opts);
  if ((opts.exactDuration ?? true) && RAW_FORMATS.has(first.format.name) && first.audio && SAMPLES_PER_PACKET[first.audio.codecName]) {
    return withCountedDuration(await runProbe(path, true, opts));
  }
  return first;
}

/** The audio summary, or a typed error: no stream at all → `unreadable`, no audio stream → `no-audio`. */
export function requireAudio(result: ProbeResult, what: string): AudioSummary {
  if (result.audio) return result.audio;
  if (result.streams.length === 0) throw new AudioError('unreadable', `${what}: no media stream found (format ${result.format.name || 'unknown'})`);
  const types = result.streams.map((s) => s.codecType).join(', ');
  throw new AudioError('no-audio', `${what}: no audio stream (streams: ${types})`);
}

async function runProbe(path: string, countPackets: boolean, opts: ProbeOptions): Promise<ProbeResult> {
  const { stdout } = await runTool('ffprobe', buildProbeArgs({ input: path, countPackets }), {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    classify: () => 'unreadable',
  });
  let json: unknown;
  try {
    json = JSON.parse(stdout.toString('utf8'));
  } catch (err) {
    throw new AudioError('unreadable', `${path}: ffprobe printed no valid JSON`, { cause: err });
  }
  return parseProbeJson(json);
}

type Json = Record<string, unknown>;

/** Parses ffprobe's `-print_format json -show_format -show_streams` output. */
export function parseProbeJson(json: unknown): ProbeResult {
  const root = (json ?? {}) as Json;
  const f = (root.format ?? {}) as Json;
  const streams = Array.isArray(root.streams) ? (root.streams as Json[]).map(parseStream) : [];
  const format: ProbeFormat = compact({
    name: str(f.format_name) ?? '',
    longName: str(f.format_long_name) ?? '',
    durationSec: num(f.duration),
    startTimeSec: num(f.start_time),
    bitRate: num(f.bit_rate),
    sizeBytes: num(f.size),
    numStreams: num(f.nb_streams) ?? streams.length,
    numPrograms: num(f.nb_programs) ?? 0,
  });
  const a = streams.find((s) => s.codecType === 'audio');
  const audio: AudioSummary | undefined =
    a && a.sampleRate !== undefined && a.channels !== undefined
      ? compact({ index: a.index, codecName: a.codecName ?? '', sampleRate: a.sampleRate, channels: a.channels, channelLayout: a.channelLayout, durationSec: a.durationSec, bitRate: a.bitRate })
      : undefined;
  return compact({ format, streams, audio, durationSec: audio?.durationSec ?? format.durationSec });
}

function parseStream(s: Json): ProbeStream {
  const tags = (s.tags ?? {}) as Json;
  return compact({
    index: num(s.index) ?? 0,
    codecType: str(s.codec_type) ?? 'unknown',
    codecName: str(s.codec_name),
    codecLongName: str(s.codec_long_name),
    profile: str(s.profile),
    codecTag: str(s.codec_tag),
    codecTagString: str(s.codec_tag_string),
    codecTimeBase: str(s.codec_time_base),
    timeBase: str(s.time_base),
    startTimeSec: num(s.start_time),
    durationSec: num(s.duration),
    bitRate: num(s.bit_rate),
    sampleRate: num(s.sample_rate),
    channels: num(s.channels),
    channelLayout: str(s.channel_layout),
    sampleFmt: str(s.sample_fmt),
    width: num(s.width),
    height: num(s.height),
    pixFmt: str(s.pix_fmt),
    avgFrameRate: str(s.avg_frame_rate),
    rFrameRate: str(s.r_frame_rate),
    numFrames: num(s.nb_frames),
    hasBFrames: num(s.has_b_frames),
    refs: num(s.refs),
    level: num(s.level),
    sampleAspectRatio: str(s.sample_aspect_ratio),
    displayAspectRatio: str(s.display_aspect_ratio),
    fieldOrder: str(s.field_order),
    language: str(tags.language),
    numReadPackets: num(s.nb_read_packets),
  });
}

/** Replaces estimated durations of a raw ADTS/AMR file with packets × samples-per-packet. */
function withCountedDuration(result: ProbeResult): ProbeResult {
  const a = result.audio;
  const stream = result.streams.find((s) => s.index === a?.index);
  const perPacket = a ? SAMPLES_PER_PACKET[a.codecName] : undefined;
  if (!a || !stream || stream.numReadPackets === undefined || !perPacket) return result;
  const durationSec = (stream.numReadPackets * perPacket) / a.sampleRate;
  const size = result.format.sizeBytes;
  const bitRate = size !== undefined && durationSec > 0 ? Math.round((size * 8) / durationSec) : undefined;
  const patch = compact({ durationSec, bitRate });
  const streams = result.streams.map((s) => (s === stream ? { ...s, ...patch } : s));
  return { ...result, format: { ...result.format, ...patch }, streams, audio: { ...a, ...patch }, durationSec };
}

function str(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v);
  return s === '' || s === 'N/A' || s === 'unknown' ? undefined : s;
}

function num(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Drops `undefined` properties (exactOptionalPropertyTypes-friendly objects). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
