import { mkdirSync, existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { resolveOutputFormat } from '../audio/codecs.ts';
import { AudioError } from '../audio/errors.ts';
import { probe } from '../audio/ffmpeg/probe.ts';
import type { StemName } from '../audio/engines/engine.ts';
import { separateFile } from '../audio/separate-file.ts';
import { chooseEngine } from '../audio/engines/auto.ts';
import { detectFile } from '../audio/detect/speech-music.ts';
import { ValidationError } from '../domain/errors.ts';
import { validateVoiceSeparate } from '../domain/templates/index.ts';

/**
 * `smart-audio separate <input> --mode … --codec … --out <dir>`: the job
 * pipeline without a server (issue #5 "smart-audio separate"). Same rules as
 * a VoiceSeparate template's AudioMode/AudioConfig, same engines, same
 * encoders; stems are written as `<out>/<input name>.<stem>.<ext>`.
 */
export interface SeparateOptions {
  input: string;
  mode: string;
  codec?: string;
  samplerate?: string;
  bitrate?: string;
  channels?: string;
  out: string;
  engine: string;
}

const STEMS_BY_MODE: Record<string, StemName[]> = {
  IsAudio: ['vocals'],
  IsBackground: ['background'],
  AudioAndBackground: ['vocals', 'background'],
  MusicMode: ['vocals', 'background', 'drums', 'bass', 'other'],
};

function progressReporter(stream: NodeJS.WriteStream, durationHint: number | undefined): { update(f: number): void; done(): void } {
  const tty = stream.isTTY === true;
  let lastBucket = -1;
  const started = Date.now();
  return {
    update(f) {
      const pct = Math.floor(f * 100);
      if (tty) {
        const width = 30;
        const filled = Math.round(f * width);
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        const audio = durationHint ? ` of ${durationHint.toFixed(1)} s audio` : '';
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${secs} s${audio}`);
      } else if (Math.floor(pct / 10) > lastBucket) {
        lastBucket = Math.floor(pct / 10);
        stream.write(`progress ${pct}%\n`);
      }
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}

export async function runSeparate(o: SeparateOptions): Promise<number> {
  const err = (m: string) => {
    process.stderr.write(`smart-audio separate: ${m}\n`);
    return 2;
  };
  const input = resolve(o.input);
  if (!existsSync(input)) return err(`input ${o.input} does not exist`);
  let params;
  try {
    params = validateVoiceSeparate(
      { AudioMode: o.mode, AudioConfig: { Codec: o.codec, Samplerate: o.samplerate, Bitrate: o.bitrate, Channels: o.channels } },
    );
  } catch (e) {
    // Name the CLI flag, not the XML element.
    const flags: Record<string, string> = { AudioMode: '--mode', 'AudioConfig.Codec': '--codec', 'AudioConfig.Samplerate': '--samplerate', 'AudioConfig.Bitrate': '--bitrate', 'AudioConfig.Channels': '--channels' };
    if (e instanceof ValidationError) return err(e.message.replace(/^(AudioMode|AudioConfig\.\w+)/, (m) => flags[m] ?? m));
    throw e;
  }
  let source;
  try {
    source = await probe(input);
  } catch (e) {
    if (e instanceof AudioError) return err(`cannot read ${o.input}: ${e.message}`);
    throw e;
  }
  if (!source.audio) return err(`${o.input} has no audio stream`);
  const format = resolveOutputFormat(params.audioConfig, params.audioMode, source.audio.channels);
  const outDir = resolve(o.out);
  mkdirSync(outDir, { recursive: true });
  const name = basename(input, extname(input));
  const stems = STEMS_BY_MODE[params.audioMode]!;
  const outputs = Object.fromEntries(stems.map((s) => [s, { path: join(outDir, `${name}.${s}.${format.ext}`), format }]));
  const separation = params.audioMode === 'MusicMode' ? 'four' : 'two';
  // --engine auto (default): the speech/music detector picks, as the server does.
  const engine = o.engine === 'auto' ? await chooseEngine({ mode: 'auto', separation, detect: async () => (await detectFile(input)).kind }) : o.engine;
  const progress = progressReporter(process.stderr, source.durationSec);
  try {
    const result = await separateFile({
      inputPath: input,
      engine,
      mode: separation,
      outputs,
      onProgress: (f) => progress.update(f),
    });
    progress.done();
    const rtf = result.timings.totalMs / 1000 / Math.max(result.durationSec, 1e-9);
    for (const s of stems) process.stdout.write(`${outputs[s]!.path}\n`);
    process.stderr.write(`separated ${result.durationSec.toFixed(1)} s of audio in ${(result.timings.totalMs / 1000).toFixed(1)} s (${rtf.toFixed(3)}× real time) with engine ${engine}\n`);
    return 0;
  } catch (e) {
    progress.done();
    if (e instanceof AudioError) return err(`${o.input}: ${e.message}`);
    throw e;
  }
}
