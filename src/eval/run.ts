/**
 * `npm run eval [-- --engines dsp,gtcrn] [--quick]`: separation quality on the
 * fixed validation split (issue #5 "The harness").
 *
 * - MUSDB18 validation tracks (eval/splits.json): vocals / drums / bass / other /
 *   accompaniment, museval v4 SDR, MUSDB convention (median over 1-s frames of
 *   each track, then median over tracks), plus uSDR (MDX) as a mean.
 * - MIR-1K validation singers (16 kHz mono): vocals and accompaniment, uSDR and
 *   SI-SDR, median over clips.
 * - DNS3 pairs: SI-SDR of the enhanced speech against the clean reference.
 * Every run also scores the unprocessed mixture (floor) and the oracle ideal
 * ratio mask (ceiling) on the same items. Engines run through the product's
 * own pipeline (separate-file.ts). Writes bench/eval/results.json,
 * bench/eval/results.md and bench/eval/sdr.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { dataDir, REPO_ROOT } from './data-dir.ts';
import { loadDns3Pair, dns3Names } from './datasets/dns3.ts';
import { loadMir1kClip, mir1kValidationNames } from './datasets/mir1k.ts';
import { loadMusdbTrack, MUSDB_STEMS, musdbValidationNames } from './datasets/musdb.ts';
import { musevalSdr } from './metrics/museval.ts';
import { siSdr, usdr } from './metrics/simple.ts';
import { oracleIrm } from './oracle.ts';
import { markdownTable, svgChart, type ScoreRow } from './report.ts';
import { separateSignal } from './separate-signal.ts';

const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};
const mean = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
};

type StemSet = Record<string, Float32Array[]>;
interface SystemRun {
  name: string;
  run(mixture: Float32Array[], refs: StemSet, sampleRate: number): Promise<{ stems: StemSet; seconds?: number; audioSeconds?: number }>;
}

const MUSIC_STEMS = [...MUSDB_STEMS, 'accompaniment'] as const;

function musdbSystems(engines: string[]): SystemRun[] {
  const systems: SystemRun[] = [
    { name: 'mixture (floor)', run: async (mix) => ({ stems: Object.fromEntries(MUSIC_STEMS.map((s) => [s, mix])) }) },
    {
      name: 'oracle IRM (ceiling)',
      run: async (mix, refs, sr) => {
        const est = oracleIrm(mix, MUSDB_STEMS.map((s) => refs[s]!), sr);
        const stems: StemSet = Object.fromEntries(MUSDB_STEMS.map((s, i) => [s, est[i]!]));
        stems.accompaniment = oracleIrm(mix, [refs.vocals!, refs.accompaniment!], sr)[1]!;
        return { stems };
      },
    },
  ];
  for (const e of engines) {
    systems.push({
      name: e,
      run: async (mix, _refs, sr) => {
        const four = await separateSignal(e, 'four', mix, sr, ['vocals', 'drums', 'bass', 'other']).catch(() => undefined);
        const two = await separateSignal(e, 'two', mix, sr, ['vocals', 'background']);
        const stems: StemSet = { vocals: two.stems.vocals!, accompaniment: two.stems.background! };
        if (four) for (const s of ['drums', 'bass', 'other'] as const) stems[s] = four.stems[s]!;
        return { stems, seconds: two.seconds, audioSeconds: two.audioSeconds };
      },
    });
  }
  return systems;
}

async function evalMusdb(engines: string[], limit: number, log: (m: string) => void): Promise<ScoreRow[]> {
  const names = musdbValidationNames().slice(0, limit);
  const systems = musdbSystems(engines);
  const perSystem = new Map<string, { sdr: Record<string, number[]>; usdr: Record<string, number[]>; seconds: number; audio: number }>();
  for (const s of systems) perSystem.set(s.name, { sdr: {}, usdr: {}, seconds: 0, audio: 0 });
  for (const name of names) {
    const track = await loadMusdbTrack(name);
    log(`musdb ${name}`);
    const refs: StemSet = track.stems;
    for (const sys of systems) {
      const out = await sys.run(track.mixture, refs, track.sampleRate);
      const acc = perSystem.get(sys.name)!;
      acc.seconds += out.seconds ?? 0;
      acc.audio += out.audioSeconds ?? 0;
      // museval v4 SDR per 1-s frame, as MUSDB scores it: the four stems in
      // one call, accompaniment in a second call beside vocals only (so a frame
      // silent in one stem only drops that call's frames).
      const groups = [MUSDB_STEMS.filter((s) => out.stems[s]), out.stems.accompaniment ? (['vocals', 'accompaniment'] as const) : []];
      for (const stems of groups) {
        if (stems.length === 0) continue;
        const framewise = musevalSdr(stems.map((s) => refs[s]!), stems.map((s) => out.stems[s]!));
        stems.forEach((s, i) => {
          if (s === 'vocals' && stems.length === 2) return; // vocals scored with the four stems
          (acc.sdr[s] ??= []).push(median([...framewise[i]!]));
          (acc.usdr[s] ??= []).push(usdr(refs[s]!, out.stems[s]!));
        });
      }
    }
  }
  const rows: ScoreRow[] = [];
  for (const sys of systems) {
    const acc = perSystem.get(sys.name)!;
    for (const s of MUSIC_STEMS) {
      if (!acc.sdr[s]) continue;
      const rtf = acc.audio > 0 ? acc.seconds / acc.audio : undefined;
      rows.push({ dataset: 'MUSDB18-val', system: sys.name, stem: s, metric: 'SDR', value: median(acc.sdr[s]!), items: names.length, rtf });
      rows.push({ dataset: 'MUSDB18-val', system: sys.name, stem: s, metric: 'uSDR', value: mean(acc.usdr[s]!), items: names.length, rtf });
    }
  }
  return rows;
}

async function evalMir1k(engines: string[], perSinger: number, log: (m: string) => void): Promise<ScoreRow[]> {
  const names = mir1kValidationNames(perSinger);
  const scores = new Map<string, { v: number[]; a: number[]; vsi: number[]; seconds: number; audio: number }>();
  const systemNames = ['mixture (floor)', 'oracle IRM (ceiling)', ...engines];
  for (const s of systemNames) scores.set(s, { v: [], a: [], vsi: [], seconds: 0, audio: 0 });
  log(`mir-1k: ${names.length} clips`);
  for (const name of names) {
    const clip = await loadMir1kClip(name);
    for (const sys of systemNames) {
      let vocals: Float32Array[];
      let acc: Float32Array[];
      const s = scores.get(sys)!;
      if (sys === 'mixture (floor)') {
        vocals = clip.mixture;
        acc = clip.mixture;
      } else if (sys.startsWith('oracle')) {
        [vocals, acc] = oracleIrm(clip.mixture, [clip.vocals, clip.accompaniment], clip.sampleRate) as [Float32Array[], Float32Array[]];
      } else {
        const out = await separateSignal(sys, 'two', clip.mixture, clip.sampleRate, ['vocals', 'background']);
        vocals = out.stems.vocals!;
        acc = out.stems.background!;
        s.seconds += out.seconds;
        s.audio += out.audioSeconds;
      }
      s.v.push(usdr(clip.vocals, vocals));
      s.a.push(usdr(clip.accompaniment, acc));
      s.vsi.push(siSdr(clip.vocals[0]!, vocals[0]!));
    }
  }
  return systemNames.flatMap((sys) => {
    const s = scores.get(sys)!;
    const rtf = s.audio > 0 ? s.seconds / s.audio : undefined;
    return [
      { dataset: 'MIR-1K-val', system: sys, stem: 'vocals', metric: 'uSDR', value: median(s.v), items: names.length, rtf },
      { dataset: 'MIR-1K-val', system: sys, stem: 'vocals', metric: 'SI-SDR', value: median(s.vsi), items: names.length, rtf },
      { dataset: 'MIR-1K-val', system: sys, stem: 'accompaniment', metric: 'uSDR', value: median(s.a), items: names.length, rtf },
    ];
  });
}

async function evalDns3(engines: string[], log: (m: string) => void): Promise<ScoreRow[]> {
  const names = dns3Names();
  log(`dns3: ${names.length} pairs`);
  const systemNames = ['noisy (floor)', 'GTCRN authors', 'RNNoise reference', ...engines];
  const s = new Map<string, { v: number[]; seconds: number; audio: number }>(systemNames.map((n) => [n, { v: [], seconds: 0, audio: 0 }]));
  for (const name of names) {
    const p = await loadDns3Pair(name);
    for (const sys of systemNames) {
      let est: Float32Array;
      if (sys === 'noisy (floor)') est = p.noisy;
      else if (sys === 'GTCRN authors') est = p.reference.GTCRN;
      else if (sys === 'RNNoise reference') est = p.reference.RNNoise;
      else {
        const out = await separateSignal(sys, 'two', [p.noisy], p.sampleRate, ['vocals']);
        est = out.stems.vocals![0]!;
        s.get(sys)!.seconds += out.seconds;
        s.get(sys)!.audio += out.audioSeconds;
      }
      const n = Math.min(est.length, p.clean.length);
      s.get(sys)!.v.push(siSdr(p.clean.subarray(0, n), est.subarray(0, n)));
    }
  }
  return systemNames.map((sys) => {
    const x = s.get(sys)!;
    return { dataset: 'DNS3', system: sys, stem: 'speech', metric: 'SI-SDR', value: mean(x.v), items: names.length, rtf: x.audio > 0 ? x.seconds / x.audio : undefined };
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { engines: { type: 'string', default: 'dsp,gtcrn' }, quick: { type: 'boolean' }, out: { type: 'string' } } });
  if (!dataDir()) {
    process.stderr.write('eval: ../shared/data is absent (or set SMART_AUDIO_DATA); nothing to score\n');
    return 2;
  }
  const engines = values.engines!.split(',').map((e) => e.trim()).filter(Boolean);
  const musicEngines = engines.filter((e) => e !== 'gtcrn');
  const log = (m: string) => process.stderr.write(`[eval ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const started = Date.now();
  const rows = [
    ...(await evalMusdb(musicEngines, values.quick ? 3 : Infinity, log)),
    ...(await evalMir1k(engines, values.quick ? 2 : 10, log)),
    ...(await evalDns3(engines.filter((e) => e === 'gtcrn' || e.startsWith('speech')), log)),
  ];
  const outDir = values.out ?? join(REPO_ROOT, 'bench', 'eval');
  mkdirSync(outDir, { recursive: true });
  const md = markdownTable(rows);
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ machine, quick: values.quick === true, wallSeconds: (Date.now() - started) / 1000, engines, rows }, null, 2) + '\n');
  writeFileSync(join(outDir, 'results.md'), `# Separation quality (npm run eval)\n\n${machine.date}, ${machine.cores} × ${machine.cpu}, node ${machine.node}${values.quick ? ', quick run' : ''}\n\n${md}\n`);
  writeFileSync(join(outDir, 'sdr.svg'), svgChart(rows.filter((r) => r.metric === 'SDR' || r.metric === 'SI-SDR'), 'Median SDR / SI-SDR per stem (dB)'));
  process.stdout.write(md + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
