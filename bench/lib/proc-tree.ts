import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of a process and all its live descendants (Linux /proc), for jobs
 * whose work happens in child processes (engine processes, ffmpeg, ffprobe).
 * Each process counts utime + stime + cutime + cstime: children already
 * reaped are in their parent's c-times, live ones are counted themselves.
 */
const CLOCK_TICKS = 100; // USER_HZ

interface Stat {
  pid: number;
  ppid: number;
  cpuSeconds: number;
  /** Resident set size now (field 24, pages of 4 KiB). */
  rssKiB: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] = state (field 3), rest[1] = ppid (4), utime 14, stime 15, cutime 16, cstime 17.
    const ticks = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
    return { pid, ppid: Number(rest[1]), cpuSeconds: ticks / CLOCK_TICKS, rssKiB: Number(rest[21]) * 4 };
  } catch {
    return undefined;
  }
}

/** The root and its live descendants, each with its CPU seconds. */
export function processTree(rootPid: number): Stat[] {
  const all: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const byParent = new Map<number, Stat[]>();
  for (const s of all) {
    const list = byParent.get(s.ppid) ?? [];
    list.push(s);
    byParent.set(s.ppid, list);
  }
  const root = all.find((s) => s.pid === rootPid);
  if (!root) return [];
  const out: Stat[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    out.push(s);
    stack.push(...(byParent.get(s.pid) ?? []));
  }
  return out;
}

export function treeCpuSeconds(rootPid: number): number {
  return processTree(rootPid).reduce((sum, s) => sum + s.cpuSeconds, 0);
}

/** Busy CPU seconds of the whole machine so far (all CPUs: user, nice, system, irq, softirq, steal from /proc/stat). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Measures, between `start` and `stop`, how many CPU cores the whole machine
 * kept busy and how many of them went to the given process trees (ours): the
 * rest is other work on a shared machine, which skews the numbers.
 */
export function cpuShare(pids: () => number[]): { stop(): { seconds: number; machineCores: number; oursCores: number; othersCores: number } } {
  const t0 = performance.now();
  const m0 = machineBusySeconds();
  const ours = () => pids().reduce((s, p) => s + treeCpuSeconds(p), 0);
  const o0 = ours();
  return {
    stop: () => {
      const seconds = (performance.now() - t0) / 1000;
      const machineCores = (machineBusySeconds() - m0) / seconds;
      const oursCores = (ours() - o0) / seconds;
      return { seconds, machineCores, oursCores, othersCores: Math.max(0, machineCores - oursCores) };
    },
  };
}
