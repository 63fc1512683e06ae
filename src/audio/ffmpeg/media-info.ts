import type { ProbeResult, ProbeStream } from './probe.ts';

/**
 * CI `MediaInfo` (spec/jobs.md §2.2, the GenerateMediaInfo shape) built from
 * a probe. Every leaf is a string, as on the wire: bitrates in kbps with six
 * decimals (`128.147000`), durations and start times in seconds with six
 * decimals, sizes in bytes. A value ffprobe does not know is ''.
 *
 * `Stream.Audio`/`Video`/`Subtitle` are arrays, one entry per stream of that
 * type; the XML layer writes an empty element (`<Video/>`) for an empty one,
 * as in the spec sample. Field names are the wire names (this object is the
 * wire shape; `audio/` builds it because only it knows ffprobe).
 */
export interface MediaInfo {
  Format: {
    Bitrate: string;
    Duration: string;
    FormatLongName: string;
    FormatName: string;
    NumProgram: string;
    NumStream: string;
    Size: string;
    StartTime: string;
  };
  Stream: {
    Audio: MediaInfoAudio[];
    Video: MediaInfoVideo[];
    Subtitle: MediaInfoSubtitle[];
  };
}

export interface MediaInfoAudio {
  Bitrate: string;
  Channel: string;
  ChannelLayout: string;
  CodecLongName: string;
  CodecName: string;
  CodecTag: string;
  CodecTagString: string;
  CodecTimeBase: string;
  Duration: string;
  Index: string;
  SampleFmt: string;
  SampleRate: string;
  StartTime: string;
  Timebase: string;
}

export interface MediaInfoVideo {
  Index: string;
  CodecName: string;
  CodecLongName: string;
  CodecTimeBase: string;
  CodecTagString: string;
  CodecTag: string;
  Profile: string;
  Height: string;
  Width: string;
  HasBFrame: string;
  RefFrames: string;
  Sar: string;
  Dar: string;
  PixFormat: string;
  FieldOrder: string;
  Level: string;
  Fps: string;
  AvgFps: string;
  Timebase: string;
  StartTime: string;
  Duration: string;
  Bitrate: string;
  NumFrames: string;
  Language: string;
}

export interface MediaInfoSubtitle {
  Index: string;
  Language: string;
}

export function toMediaInfo(probe: ProbeResult): MediaInfo {
  const f = probe.format;
  const of = (type: string) => probe.streams.filter((s) => s.codecType === type);
  return {
    Format: {
      Bitrate: kbps(f.bitRate),
      Duration: seconds(f.durationSec),
      FormatLongName: f.longName,
      FormatName: f.name,
      NumProgram: String(f.numPrograms),
      NumStream: String(f.numStreams),
      Size: f.sizeBytes !== undefined ? String(f.sizeBytes) : '',
      StartTime: seconds(f.startTimeSec),
    },
    Stream: {
      Audio: of('audio').map(audioInfo),
      Video: of('video').map(videoInfo),
      Subtitle: of('subtitle').map((s) => ({ Index: String(s.index), Language: s.language ?? '' })),
    },
  };
}

function audioInfo(s: ProbeStream): MediaInfoAudio {
  return {
    Bitrate: kbps(s.bitRate),
    Channel: opt(s.channels),
    ChannelLayout: s.channelLayout ?? '',
    CodecLongName: s.codecLongName ?? '',
    CodecName: s.codecName ?? '',
    CodecTag: s.codecTag ?? '',
    CodecTagString: s.codecTagString ?? '',
    // ffprobe ≥ 5 dropped codec_time_base; for audio it was 1/sample_rate.
    CodecTimeBase: s.codecTimeBase ?? (s.sampleRate ? `1/${s.sampleRate}` : ''),
    Duration: seconds(s.durationSec),
    Index: String(s.index),
    SampleFmt: s.sampleFmt ?? '',
    SampleRate: opt(s.sampleRate),
    StartTime: seconds(s.startTimeSec),
    Timebase: s.timeBase ?? '',
  };
}

function videoInfo(s: ProbeStream): MediaInfoVideo {
  return {
    Index: String(s.index),
    CodecName: s.codecName ?? '',
    CodecLongName: s.codecLongName ?? '',
    CodecTimeBase: s.codecTimeBase ?? '',
    CodecTagString: s.codecTagString ?? '',
    CodecTag: s.codecTag ?? '',
    Profile: s.profile ?? '',
    Height: opt(s.height),
    Width: opt(s.width),
    HasBFrame: opt(s.hasBFrames),
    RefFrames: opt(s.refs),
    Sar: s.sampleAspectRatio ?? '',
    Dar: s.displayAspectRatio ?? '',
    PixFormat: s.pixFmt ?? '',
    FieldOrder: s.fieldOrder ?? '',
    Level: opt(s.level),
    Fps: rate(s.rFrameRate),
    AvgFps: rate(s.avgFrameRate),
    Timebase: s.timeBase ?? '',
    StartTime: seconds(s.startTimeSec),
    Duration: seconds(s.durationSec),
    Bitrate: kbps(s.bitRate),
    NumFrames: opt(s.numFrames),
    Language: s.language ?? '',
  };
}

/** bits/s → kbps with 6 decimals (`128147` → `128.147000`). */
export function kbps(bitsPerSecond: number | undefined): string {
  return bitsPerSecond === undefined ? '' : (bitsPerSecond / 1000).toFixed(6);
}

export function seconds(value: number | undefined): string {
  return value === undefined ? '' : value.toFixed(6);
}

function opt(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

/** `30000/1001` → `29.970030`; '' for `0/0`. */
function rate(r: string | undefined): string {
  if (!r) return '';
  const [a, b] = r.split('/').map(Number);
  if (!a || !b) return '';
  return (a / b).toFixed(6);
}
