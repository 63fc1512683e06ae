/**
 * Suite `engines` (issue #5 "Speed and memory"): real-time factor and peak
 * RSS of each engine on a 3-minute stereo 44.1 kHz input, through
 * `smart-audio separate` (the product pipeline: decode, engine, encode),
 * beside a plain ffmpeg decode + encode of the same file (the floor), in one
 * run. Full runs also separate a 60-minute input to check that memory stays
 * flat (aim: peak RSS < 500 MB). Noise reduction (issue 7): the audio work of
 * a NoiseReduction job with gtcrn and rnnoise on noisy speech (DNS3 clips).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '../src/audio/ffmpeg/binaries.ts';
import { REPO_DIR } from './lib/children.ts';
import { table as markdownTable } from './lib/markdown.ts';
import { processTree } from './lib/proc-tree.ts';
import type { Suite } from './lib/suite.ts';

const BIN = join(REPO_DIR, 'bin', 'smart-audio.js');
const DENOISE_FILE = join(REPO_DIR, 'bench', 'lib', 'denoise-file.ts');

/** Runs a command, sampling the RSS of its whole process tree; returns wall seconds and peaks. */
function measure(cmd: string, args: string[]): Promise<{ seconds: number; peakTreeMiB: number; peakMainMiB: number; code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let peakTree = 0;
    let peakMain = 0;
    const timer = setInterval(() => {
      const tree = processTree(child.pid!);
      const total = tree.reduce((a, p) => a + p.rssKiB, 0);
      peakTree = Math.max(peakTree, total);
      peakMain = Math.max(peakMain, tree.find((p) => p.pid === child.pid)?.rssKiB ?? 0);
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - t0) / 1000, peakTreeMiB: peakTree / 1024, peakMainMiB: peakMain / 1024, code, stderr, stdout });
    });
  });
}

function makeInput(path: string, seconds: number): Promise<unknown> {
  // A stereo "song": a centred vibrato tone (voice-like), panned pink noise, a bass line.
  const fc = `[0]vibrato=f=5:d=0.3,aformat=channel_layouts=mono[v];[1]volume=0.5,aformat=channel_layouts=mono[n];[2]volume=0.6,aformat=channel_layouts=mono[b];[v][b]amix=inputs=2,aformat=channel_layouts=mono[vb];[vb][n]amerge=inputs=2,pan=stereo|c0=c0+c1|c1=c0+0.3*c1[m]`;
  return measure(ffmpegPath(), [
    '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=44100`,
    '-f', 'lavfi', '-i', `anoisesrc=color=pink:duration=${seconds}:sample_rate=44100:amplitude=0.2`,
    '-f', 'lavfi', '-i', `sine=frequency=70:duration=${seconds}:sample_rate=44100`,
    '-filter_complex', fc, '-map', '[m]', '-c:a', 'libmp3lame', '-b:a', '192k', path,
  ]);
}

const DNS3_DIR = join(REPO_DIR, '..', 'shared', 'data', 'speech', 'dns3-pairs');

/**
 * A noise-reduction input: the five DNS3 noisy clips back to back (real
 * speech in real noise), looped to `seconds`, as a 44.1 kHz mono 128 kbps mp3
 * (a typical upload, well under the 10 MB limit). Without ../shared/data: a
 * vibrato tone in pink noise.
 */
async function makeNoisySpeech(dir: string, seconds: number): Promise<{ path: string; source: string }> {
  const path = join(dir, 'noisy-speech.mp3');
  const encode = ['-t', String(seconds), '-ar', '44100', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '128k', path];
  const clips = ['0015', '0016', '0072', '0398', '0523'].map((id) => join(DNS3_DIR, `${id}_noisy.wav`));
  if (clips.every((c) => existsSync(c))) {
    const joined = join(dir, 'dns3-noisy.wav');
    const r1 = await measure(ffmpegPath(), ['-nostdin', '-loglevel', 'error', '-y', ...clips.flatMap((c) => ['-i', c]), '-filter_complex', `concat=n=${clips.length}:v=0:a=1`, joined]);
    if (r1.code !== 0) throw new Error(`joining DNS3 clips failed: ${r1.stderr}`);
    const r2 = await measure(ffmpegPath(), ['-nostdin', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', joined, ...encode]);
    if (r2.code !== 0) throw new Error(`encoding the noisy-speech input failed: ${r2.stderr}`);
    return { path, source: 'DNS3 noisy clips 0015, 0016, 0072, 0398, 0523 looped' };
  }
  const r = await measure(ffmpegPath(), [
    '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=220:duration=${seconds}:sample_rate=44100`,
    '-f', 'lavfi', '-i', `anoisesrc=color=pink:duration=${seconds}:sample_rate=44100:amplitude=0.1`,
    '-filter_complex', '[0]vibrato=f=5:d=0.4[v];[v][1]amix=inputs=2[m]', '-map', '[m]', ...encode,
  ]);
  if (r.code !== 0) throw new Error(`generating the noisy input failed: ${r.stderr}`);
  return { path, source: 'synthetic (../shared/data absent): vibrato tone in pink noise' };
}

/** NoiseReduction rows: ffmpeg floor, then each engine's job audio work (decode, denoise, encode) at the default output (wav 16 kHz mono) and at 48 kHz. */
async function noiseReductionRows(ctx: Parameters<Suite['run']>[0], seconds: number): Promise<{ rows: Array<Record<string, unknown>>; source: string }> {
  const input = await makeNoisySpeech(ctx.tmpDir, seconds);
  const rows: Array<Record<string, unknown>> = [];
  const floor = await measure(ffmpegPath(), ['-nostdin', '-loglevel', 'error', '-y', '-i', input.path, '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', join(ctx.tmpDir, 'nr-floor.wav')]);
  rows.push({ system: 'NR: ffmpeg decode + wav 16 kHz encode (floor)', seconds: floor.seconds, rtf: floor.seconds / seconds, peakTreeMiB: floor.peakTreeMiB, peakMainMiB: floor.peakMainMiB });
  for (const [engine, format, rate] of [['gtcrn', 'wav', '16000'], ['rnnoise', 'wav', '16000'], ['gtcrn', 'mp3', '48000'], ['rnnoise', 'mp3', '48000']] as const) {
    const label = `NR: ${engine}, ${format} ${Number(rate) / 1000} kHz`;
    ctx.log(label);
    const r = await measure(process.execPath, ['--import', 'tsx', DENOISE_FILE, input.path, engine, format, rate, join(ctx.tmpDir, `nr-${engine}-${rate}.${format}`)]);
    if (r.code !== 0) throw new Error(`${label} failed: ${r.stderr}`);
    const work = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; engineSeconds: number; cpuSeconds: number; audioSeconds: number };
    rows.push({
      system: label,
      seconds: r.seconds,
      rtf: r.seconds / seconds,
      jobWorkRtf: work.seconds / work.audioSeconds,
      engineRtf: work.engineSeconds / work.audioSeconds,
      cpuRtf: work.cpuSeconds / work.audioSeconds,
      peakTreeMiB: r.peakTreeMiB,
      peakMainMiB: r.peakMainMiB,
    });
  }
  return { rows, source: input.source };
}

export const engines: Suite = {
  name: 'engines',
  description: 'RTF and peak RSS per engine on a 3-minute stereo input vs plain ffmpeg; noise reduction (gtcrn, rnnoise) on 3 minutes of noisy speech; 60-minute input memory',
  approxSeconds: 420,
  async run(ctx) {
    const seconds = ctx.quick ? 30 : 180;
    const input = join(ctx.tmpDir, 'input.mp3');
    ctx.log(`generating a ${seconds}-s stereo input`);
    await makeInput(input, seconds);
    const out = join(ctx.tmpDir, 'out');
    const rows: Array<Record<string, unknown>> = [];
    const floor = await measure(ffmpegPath(), [
      '-nostdin', '-loglevel', 'error', '-y', '-i', input,
      '-map', '0:a', '-c:a', 'aac', '-b:a', '128k', join(ctx.tmpDir, 'floor-a.aac'),
      '-map', '0:a', '-c:a', 'aac', '-b:a', '128k', join(ctx.tmpDir, 'floor-b.aac'),
    ]);
    rows.push({ system: 'ffmpeg decode + 2 aac encodes (floor)', seconds: floor.seconds, rtf: floor.seconds / seconds, peakTreeMiB: floor.peakTreeMiB, peakMainMiB: floor.peakMainMiB });
    const runs: Array<[string, string, string]> = [
      ['tcnmask', 'AudioAndBackground', 'tcnmask, 2 stems'],
      ['tcnmask4', 'AudioAndBackground', 'tcnmask4, 2 stems'],
      ['tcnmask4', 'MusicMode', 'tcnmask4, MusicMode (5 files)'],
      ['dsp', 'AudioAndBackground', 'dsp, 2 stems'],
      ['dsp', 'MusicMode', 'dsp, MusicMode (5 files)'],
      ['gtcrn', 'AudioAndBackground', 'gtcrn, 2 stems'],
    ];
    for (const [engine, mode, label] of runs) {
      ctx.log(`separate: ${label}`);
      const r = await measure(process.execPath, [BIN, 'separate', input, '--engine', engine, '--mode', mode, '--codec', 'aac', '--out', out]);
      if (r.code !== 0) throw new Error(`separate ${label} failed: ${r.stderr}`);
      rows.push({ system: label, seconds: r.seconds, rtf: r.seconds / seconds, peakTreeMiB: r.peakTreeMiB, peakMainMiB: r.peakMainMiB });
    }
    ctx.log(`noise reduction: a ${seconds}-s noisy-speech input`);
    const nr = await noiseReductionRows(ctx, seconds);
    let long: Record<string, unknown> | undefined;
    if (!ctx.quick) {
      const longInput = join(ctx.tmpDir, 'long.mp3');
      ctx.log('generating a 60-minute input');
      await makeInput(longInput, 3600);
      ctx.log('separating 60 minutes with dsp (two stems)');
      const r = await measure(process.execPath, [BIN, 'separate', longInput, '--engine', 'dsp', '--mode', 'AudioAndBackground', '--codec', 'mp3', '--out', out]);
      if (r.code !== 0) throw new Error(`60-minute separation failed: ${r.stderr}`);
      long = { system: 'dsp, 60-minute input', seconds: r.seconds, rtf: r.seconds / 3600, peakTreeMiB: r.peakTreeMiB, peakMainMiB: r.peakMainMiB, aimMiB: 500 };
    }
    const fmt = (x: unknown) => (typeof x === 'number' ? x.toFixed(x < 10 ? 3 : 1) : String(x));
    const table = markdownTable(
      ['system', 'seconds', 'RTF', 'peak RSS, process tree (MiB)', 'peak RSS, node process (MiB)'],
      [...rows, ...(long ? [long] : [])].map((r) => [String(r.system), fmt(r.seconds), fmt(r.rtf), fmt(r.peakTreeMiB), fmt(r.peakMainMiB)]),
    );
    const nrTable = markdownTable(
      ['system', 'seconds', 'RTF (process)', 'RTF (job audio work)', 'RTF (engine only)', 'CPU s / audio s (node)', 'peak RSS, process tree (MiB)'],
      nr.rows.map((r) => [String(r.system), fmt(r.seconds), fmt(r.rtf), ...(['jobWorkRtf', 'engineRtf', 'cpuRtf'] as const).map((k) => (r[k] === undefined ? '' : fmt(r[k]))), fmt(r.peakTreeMiB)]),
    );
    return {
      json: { inputSeconds: seconds, rows, long, noiseReduction: { inputSeconds: seconds, input: nr.source, rows: nr.rows }, aims: { dspRtf: 0.2, speechRtf: 0.1, longPeakMiB: 500, noiseReductionGtcrnRtf: 0.1, modelRtf: 0.25, modelPeakMiB: 1024 } },
      markdown: `Input: ${seconds} s stereo 44.1 kHz mp3 (synthetic song). RTF = wall time / audio duration, through \`smart-audio separate\` (decode, engine, encode).\n\n${table}\n\n` +
        `Noise reduction: ${seconds} s of noisy speech (${nr.source}), 44.1 kHz mono mp3, through the NoiseReduction job's audio work (bench/lib/denoise-file.ts: probe, decode to the engine rate, denoise, encode). ` +
        `RTF (process) includes node + tsx start-up; RTF (job audio work) is what a job spends; RTF (engine only) is the time inside the engine; ` +
        `CPU s / audio s is the node process's CPU time (engine + pipeline, ffmpeg excluded), which other load on the machine hardly changes.\n\n${nrTable}`,
    };
  },
};
