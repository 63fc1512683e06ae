import { readFileSync } from 'node:fs';

/** VmRSS / VmHWM of a process in KiB, from /proc/<pid>/status (Linux only). */
export function readMemory(pid: number): { vmRssKiB: number; vmHwmKiB: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) : NaN;
  };
  return { vmRssKiB: field('VmRSS'), vmHwmKiB: field('VmHWM') };
}

export interface RssReport {
  samples: number;
  intervalMs: number;
  /** VmRSS when sampling started. */
  startVmRssKiB: number;
  /** Highest VmRSS seen by the sampler. */
  peakVmRssKiB: number;
  /** VmHWM (kernel's peak RSS since the process started) when sampling stopped. */
  endVmHwmKiB: number;
}

/** Polls a process's RSS every `intervalMs` until `stop()`; resets nothing. */
export function sampleRss(pid: number, intervalMs = 50): { stop(): RssReport } {
  const first = readMemory(pid);
  let peak = first?.vmRssKiB ?? NaN;
  let samples = first ? 1 : 0;
  const timer = setInterval(() => {
    const m = readMemory(pid);
    if (!m) return;
    samples++;
    if (!(m.vmRssKiB <= peak)) peak = m.vmRssKiB;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const last = readMemory(pid);
      if (last) {
        samples++;
        if (!(last.vmRssKiB <= peak)) peak = last.vmRssKiB;
      }
      return {
        samples,
        intervalMs,
        startVmRssKiB: first?.vmRssKiB ?? NaN,
        peakVmRssKiB: peak,
        endVmHwmKiB: last?.vmHwmKiB ?? NaN,
      };
    },
  };
}

/** CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** USER_HZ; 100 on every Linux configuration node supports. */
const CLOCK_TICKS = 100;
