import { createRequire } from 'node:module';

/**
 * Where the ffmpeg and ffprobe executables are.
 *
 * Defaults come from the npm packages `@ffmpeg-installer/ffmpeg` and
 * `@ffprobe-installer/ffprobe` (static builds). They are loaded lazily: those
 * packages throw at import time on a platform they do not ship, and an
 * operator who configured SMART_AUDIO_FFMPEG / SMART_AUDIO_FFPROBE must not
 * be hit by that. The config layer calls `setFfmpegPaths` at startup (only
 * `config/` reads the environment, STYLE.md §3).
 */

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
}

let overrides: Partial<FfmpegPaths> = {};
const require = createRequire(import.meta.url);

/**
 * Sets the overrides (each call replaces the previous ones); a path that is
 * `undefined` or '' means the packaged binary.
 */
export function setFfmpegPaths(paths: Partial<FfmpegPaths>): void {
  overrides = {
    ...(paths.ffmpeg ? { ffmpeg: paths.ffmpeg } : {}),
    ...(paths.ffprobe ? { ffprobe: paths.ffprobe } : {}),
  };
}

export function ffmpegPath(): string {
  return overrides.ffmpeg ?? packaged('@ffmpeg-installer/ffmpeg');
}

export function ffprobePath(): string {
  return overrides.ffprobe ?? packaged('@ffprobe-installer/ffprobe');
}

export function toolPath(tool: keyof FfmpegPaths): string {
  return tool === 'ffmpeg' ? ffmpegPath() : ffprobePath();
}

function packaged(name: string): string {
  const mod = require(name) as { path: string };
  return mod.path;
}
