/**
 * `npm run bench [-- <suite>… | --list] [--quick] [--cpu-prof] [--keep-tmp]`
 *
 * Runs the selected benchmark suites (all when none is named) one after the
 * other, writes `bench/results/<suite>.json` for each and prints a Markdown
 * summary. To add a suite: write `bench/<name>.ts` exporting a `Suite`
 * (bench/lib/suite.ts) and add it to SUITES below.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { controlPlane } from './control-plane.ts';
import { engines } from './engines.ts';
import { frontDoor } from './front-door.ts';
import { jobs } from './jobs.ts';
import { tts } from './tts.ts';
import { multiProcess } from './multi-process.ts';
import { scaleOut } from './scale-out.ts';
import { storage } from './storage.ts';
import { multipart } from './multipart.ts';
import { BENCH_DIR, REPO_DIR } from './lib/children.ts';
import { machineFacts } from './lib/machine.ts';
import type { Suite } from './lib/suite.ts';

const SUITES: Suite[] = [frontDoor, controlPlane, jobs, engines, tts, multiProcess, scaleOut, storage, multipart];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      quick: { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      'keep-tmp': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || values.list) {
    process.stdout.write('usage: npm run bench -- [suite…] [--quick] [--cpu-prof] [--keep-tmp] [--list]\n\nsuites:\n');
    for (const s of SUITES) process.stdout.write(`  ${s.name.padEnd(14)} ~${s.approxSeconds} s  ${s.description}\n`);
    return 0;
  }
  const unknown = positionals.filter((p) => !SUITES.some((s) => s.name === p));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite(s): ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const selected = positionals.length === 0 ? SUITES : SUITES.filter((s) => positionals.includes(s.name));
  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });

  let failed = 0;
  for (const suite of selected) {
    const tmpDir = join(BENCH_DIR, 'tmp', suite.name);
    rmSync(tmpDir, { recursive: true, force: true });
    mkdirSync(tmpDir, { recursive: true });
    const cpuProfDir = values['cpu-prof'] ? join(BENCH_DIR, 'tmp', 'prof', suite.name) : undefined;
    const started = Date.now();
    const loadBefore = loadavg();
    process.stderr.write(`\n== ${suite.name}: ${suite.description}${values.quick ? ' (quick)' : ''}\n`);
    try {
      const result = await suite.run({
        tmpDir,
        quick: values.quick === true,
        cpuProfDir,
        log: (m) => process.stderr.write(`[${suite.name} ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${m}\n`),
      });
      const file = join(resultsDir, `${suite.name}.json`);
      const loadAfter = loadavg();
      const json = {
        suite: suite.name,
        quick: values.quick === true,
        wallSeconds: (Date.now() - started) / 1000,
        machine: machineFacts(),
        /** 1/5/15-minute load averages: other work on the machine skews the numbers. */
        loadAverage: { before: loadBefore, after: loadAfter },
        ...result.json,
      };
      writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
      const busy = loadBefore[0]! > 0.5
        ? `\n\nWarning: the machine was busy before the run (1-min load average ${loadBefore[0]!.toFixed(2)} on ${machineFacts().cpuCount} CPUs): numbers are noisy.`
        : '';
      process.stdout.write(`\n## ${suite.name}${values.quick ? ' (--quick: for checking the bench, not for numbers)' : ''}\n\n${result.markdown}${busy}\n\nResults: ${relative(REPO_DIR, file)}\n`);
      if (cpuProfDir) process.stdout.write(`CPU profiles: ${relative(REPO_DIR, cpuProfDir)}\n`);
    } catch (err) {
      failed++;
      process.stderr.write(`suite ${suite.name} failed: ${(err as Error).stack ?? String(err)}\n`);
    } finally {
      if (!values['keep-tmp']) rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
