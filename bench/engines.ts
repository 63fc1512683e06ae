/**
 * Suite `engines` (issue #5 "Speed and memory"): real-time factor and peak
 * RSS of each engine on a 3-minute stereo 44.1 kHz input, through
 * `smart-audio separate` (the product pipeline: decode, engine, encode),
 * beside a plain ffmpeg decode + encode of the same file (the floor), in one
 * run. Full runs also separate a 60-minute input to check that memory stays
 * flat (aim: peak RSS < 500 MB).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ffmpegPath } from '../src/audio/ffmpeg/binaries.ts';
import { REPO_DIR } from './lib/children.ts';
import { table as markdownTable } from './lib/markdown.ts';
import { processTree } from './lib/proc-tree.ts';
import type { Suite } from './lib/suite.ts';

const BIN = join(REPO_DIR, 'bin', 'smart-audio.js');

/** Runs a command, sampling the RSS of its whole process tree; returns wall seconds and peaks. */
function measure(cmd: string, args: string[]): Promise<{ seconds: number; peakTreeMiB: number; peakMainMiB: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
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
      resolve({ seconds: (performance.now() - t0) / 1000, peakTreeMiB: peakTree / 1024, peakMainMiB: peakMain / 1024, code, stderr });
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

export const engines: Suite = {
  name: 'engines',
  description: 'RTF and peak RSS per engine on a 3-minute stereo input vs plain ffmpeg; 60-minute input memory',
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
    return {
      json: { inputSeconds: seconds, rows, long, aims: { dspRtf: 0.2, speechRtf: 0.1, longPeakMiB: 500, modelRtf: 0.25, modelPeakMiB: 1024 } },
      markdown: `Input: ${seconds} s stereo 44.1 kHz mp3 (synthetic song). RTF = wall time / audio duration, through \`smart-audio separate\` (decode, engine, encode).\n\n${table}`,
    };
  },
};
