import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath, ffprobePath } from '../../src/audio/ffmpeg/binaries.ts';

/** Test media made with ffmpeg's lavfi sources (nothing is committed). */
const dir = mkdtempSync(join(tmpdir(), 'smart-audio-media-'));

export function makeMedia(name: string, args: string[]): Buffer {
  const out = join(dir, name);
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
  return readFileSync(out);
}

/** A stereo "song": a centred tone with vibrato (voice-like) plus panned noise bursts and a low sine. */
export function songMp3(seconds = 4): Buffer {
  return makeMedia(`song-${seconds}.mp3`, [
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=44100`,
    '-f', 'lavfi', '-i', `anoisesrc=color=pink:duration=${seconds}:sample_rate=44100:amplitude=0.2`,
    '-f', 'lavfi', '-i', `sine=frequency=80:duration=${seconds}:sample_rate=44100`,
    '-filter_complex', '[0]vibrato=f=5:d=0.3,aformat=sample_fmts=fltp:channel_layouts=mono[v];[1]volume=0.6,aformat=sample_fmts=fltp:channel_layouts=mono[n];[2]volume=0.8,aformat=sample_fmts=fltp:channel_layouts=mono[b];[v][b]amix=inputs=2,aformat=sample_fmts=fltp:channel_layouts=mono[vb];[vb][n]amerge=inputs=2,pan=stereo|c0=c0+c1|c1=c0+0.2*c1[m]',
    '-map', '[m]', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k',
  ]);
}

export function videoMp4(seconds = 2): Buffer {
  return makeMedia(`video-${seconds}.mp4`, [
    '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=10:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=300:duration=${seconds}:sample_rate=44100`,
    '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest',
  ]);
}

export function silentVideoMp4(seconds = 1): Buffer {
  return makeMedia(`silent-video-${seconds}.mp4`, ['-f', 'lavfi', '-i', `testsrc=size=160x120:rate=10:duration=${seconds}`, '-c:v', 'mpeg4']);
}

export interface Probed {
  codec: string;
  sampleRate: number;
  channels: number;
  duration: number;
  formatName: string;
}

/** ffprobe of bytes (first audio stream). */
export function probeBuffer(name: string, bytes: Buffer): Probed {
  const path = join(dir, `probe-${Date.now()}-${name}`);
  writeFileSync(path, bytes);
  const out = execFileSync(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path]).toString();
  const j = JSON.parse(out) as { streams: Array<Record<string, string | number>>; format: Record<string, string> };
  const a = j.streams.find((s) => s.codec_type === 'audio')!;
  return {
    codec: String(a.codec_name),
    sampleRate: Number(a.sample_rate),
    channels: Number(a.channels),
    duration: Number(a.duration ?? j.format.duration),
    formatName: j.format.format_name!,
  };
}
