/**
 * `npm run eval [-- --engines dsp,gtcrn,rnnoise] [--datasets musdb,mir1k,dns3] [--quick]`: separation quality on the
 * fixed validation split (issue #5 "The harness").
 *
 * - MUSDB18 validation tracks (eval/splits.json): vocals / drums / bass / other /
 *   accompaniment, museval v4 SDR, MUSDB convention (median over 1-s frames of
 *   each track, then median over tracks), plus uSDR (MDX) as a mean.
 * - MIR-1K validation singers (16 kHz mono): vocals and accompaniment, uSDR and
 *   SI-SDR, median over clips.
 * - DNS3 pairs (noise reduction): SI-SDR of the enhanced speech against the
 *   clean reference and its gain over the noisy input, for gtcrn and rnnoise
 *   beside the authors' reference outputs.
 * Every run also scores the unprocessed mixture (floor) and the oracle ideal
 * ratio mask (ceiling) on the same items. Engines run through the product's
 * own pipeline (separate-file.ts). Writes bench/eval/results.json,
 * bench/eval/results.md and bench/eval/sdr.svg; with `--datasets`, only the
 * named datasets are run and their rows replace the previous ones (the
 * others, and the record of when and where they ran, are kept).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg, totalmem } from 'node:os';
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

/**
 * DNS3 pairs: the noise-reduction feature (issue 7). Each engine runs the way
 * a NoiseReduction job runs it (separate-file.ts, `vocals` stem only: ffmpeg
 * decode to the engine's rate, mono, engine, encode back to 16 kHz); scored
 * by SI-SDR against the clean speech and by the gain over the noisy input
 * (mean over pairs, as the aim "GTCRN SI-SDR gain ≥ 6 dB at RTF ≤ 0.1" is
 * stated). RTF: whole pipeline per 5-s clip (ffmpeg start-up included), the
 * engine alone, and CPU seconds of this process per audio second (close to
 * the one-core RTF even when other work loads the machine).
 */
async function evalDns3(engines: string[], log: (m: string) => void): Promise<ScoreRow[]> {
  const names = dns3Names();
  log(`dns3: ${names.length} pairs`);
  const systemNames = ['noisy (floor)', 'GTCRN authors', 'RNNoise reference', ...engines];
  const s = new Map<string, { v: number[]; gain: number[]; seconds: number; engine: number; cpu: number; audio: number }>(systemNames.map((n) => [n, { v: [], gain: [], seconds: 0, engine: 0, cpu: 0, audio: 0 }]));
  for (const name of names) {
    const p = await loadDns3Pair(name);
    const floor = siSdr(p.clean, p.noisy);
    for (const sys of systemNames) {
      let est: Float32Array;
      const acc = s.get(sys)!;
      if (sys === 'noisy (floor)') est = p.noisy;
      else if (sys === 'GTCRN authors') est = p.reference.GTCRN;
      else if (sys === 'RNNoise reference') est = p.reference.RNNoise;
      else {
        const out = await separateSignal(sys, 'two', [p.noisy], p.sampleRate, ['vocals']);
        est = out.stems.vocals![0]!;
        acc.seconds += out.seconds;
        acc.engine += out.engineSeconds;
        acc.cpu += out.cpuSeconds;
        acc.audio += out.audioSeconds;
      }
      const n = Math.min(est.length, p.clean.length);
      const score = siSdr(p.clean.subarray(0, n), est.subarray(0, n));
      acc.v.push(score);
      acc.gain.push(score - floor);
    }
  }
  return systemNames.flatMap((sys) => {
    const x = s.get(sys)!;
    const timing = x.audio > 0 ? { rtf: x.seconds / x.audio, engineRtf: x.engine / x.audio, cpuRtf: x.cpu / x.audio } : {};
    const base = { dataset: 'DNS3', system: sys, stem: 'speech', items: names.length, aggregate: 'mean' as const, ...timing };
    return [
      { ...base, metric: 'SI-SDR', value: mean(x.v) },
      { ...base, metric: 'SI-SDR gain', value: mean(x.gain) },
    ];
  });
}

/** Engines that only denoise speech: scored on DNS3 only (not on music or singing). */
const NOISE_REDUCTION_ONLY = new Set(['rnnoise']);
/** Engines scored on DNS3 (the noise-reduction engines). */
const isSpeechEngine = (e: string) => e === 'gtcrn' || e === 'rnnoise' || e.startsWith('speech');

const DATASETS = { musdb: 'MUSDB18-val', mir1k: 'MIR-1K-val', dns3: 'DNS3' } as const;
type DatasetKey = keyof typeof DATASETS;

interface RunInfo {
  machine: Record<string, unknown>;
  quick: boolean;
  wallSeconds: number;
  engines: string[];
  /** 1-minute load average before/after: other work on the machine inflates RTFs. */
  loadAverage: [number, number];
}

/** The previous results file, if any (for `--datasets` runs that update part of it). */
function previousResults(file: string): { rows: ScoreRow[]; runs: Record<string, RunInfo> } {
  if (!existsSync(file)) return { rows: [], runs: {} };
  const old = JSON.parse(readFileSync(file, 'utf8')) as { rows?: ScoreRow[]; runs?: Record<string, RunInfo>; machine?: Record<string, unknown>; quick?: boolean; wallSeconds?: number; engines?: string[] };
  const rows = old.rows ?? [];
  // Files written before per-dataset run records: one run for every dataset in it.
  const runs = old.runs ?? Object.fromEntries([...new Set(rows.map((r) => r.dataset))].map((d) => [d, { machine: old.machine ?? {}, quick: old.quick ?? false, wallSeconds: old.wallSeconds ?? 0, engines: old.engines ?? [], loadAverage: [NaN, NaN] as [number, number] }]));
  return { rows, runs };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { engines: { type: 'string', default: 'dsp,gtcrn,rnnoise' }, datasets: { type: 'string', default: 'musdb,mir1k,dns3' }, quick: { type: 'boolean' }, out: { type: 'string' } } });
  if (!dataDir()) {
    process.stderr.write('eval: ../shared/data is absent (or set SMART_AUDIO_DATA); nothing to score\n');
    return 2;
  }
  const datasets = values.datasets!.split(',').map((d) => d.trim()).filter(Boolean);
  const unknown = datasets.filter((d) => !Object.hasOwn(DATASETS, d));
  if (unknown.length > 0) {
    process.stderr.write(`eval: unknown dataset(s) ${unknown.join(', ')}; known: ${Object.keys(DATASETS).join(', ')}\n`);
    return 2;
  }
  const want = (d: DatasetKey) => datasets.includes(d);
  const engines = values.engines!.split(',').map((e) => e.trim()).filter(Boolean);
  const musicEngines = engines.filter((e) => !isSpeechEngine(e));
  const log = (m: string) => process.stderr.write(`[eval ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const started = Date.now();
  const load0 = loadavg()[0]!;
  const fresh = [
    ...(want('musdb') ? await evalMusdb(musicEngines, values.quick ? 3 : Infinity, log) : []),
    ...(want('mir1k') ? await evalMir1k(engines.filter((e) => !NOISE_REDUCTION_ONLY.has(e)), values.quick ? 2 : 10, log) : []),
    ...(want('dns3') ? await evalDns3(engines.filter(isSpeechEngine), log) : []),
  ];
  const outDir = values.out ?? join(REPO_ROOT, 'bench', 'eval');
  mkdirSync(outDir, { recursive: true });
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
  const run: RunInfo = { machine, quick: values.quick === true, wallSeconds: (Date.now() - started) / 1000, engines, loadAverage: [load0, loadavg()[0]!] };
  // Datasets not run this time keep their previous rows and run records (`--datasets` updates part of the report).
  const ran = new Set(datasets.map((d) => DATASETS[d as DatasetKey] as string));
  const previous = previousResults(join(outDir, 'results.json'));
  const order = Object.values(DATASETS) as string[];
  const rows = [...previous.rows.filter((r) => !ran.has(r.dataset)), ...fresh].sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset));
  const runs: Record<string, RunInfo> = { ...previous.runs };
  for (const d of ran) runs[d] = run;
  const md = markdownTable(rows);
  const runLines = order.filter((d) => runs[d]).map((d) => {
    const r = runs[d]!;
    const m = r.machine as { date?: string; cores?: number; cpu?: string; node?: string };
    const load = Number.isFinite(r.loadAverage[0]) ? `, 1-min load average ${r.loadAverage[0].toFixed(1)} → ${r.loadAverage[1].toFixed(1)}` : '';
    return `- ${d}: ${m.date}, ${m.cores} × ${m.cpu}, node ${m.node}${r.quick ? ', quick run' : ''}${load}`;
  });
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ machine, quick: values.quick === true, wallSeconds: run.wallSeconds, engines, runs, rows }, null, 2) + '\n');
  writeFileSync(join(outDir, 'results.md'), `# Separation and noise-reduction quality (npm run eval)\n\n${runLines.join('\n')}\n\n${md}\n`);
  writeFileSync(join(outDir, 'sdr.svg'), svgChart(rows.filter((r) => r.metric === 'SDR' || r.metric === 'SI-SDR'), 'SDR / SI-SDR per stem (dB)'));
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
