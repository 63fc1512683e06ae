import type { ChildProcess } from 'node:child_process';

/**
 * Watches a spawned `smart-audio serve|worker` process (tests and benches that
 * run real processes): everything it printed so far, and `ready`, which
 * resolves with the API port once it listens (0 for a worker) or rejects if it
 * exits first. `echoStderr` copies its stderr to ours (TEST_VERBOSE).
 */
export function watchStartup(child: ChildProcess, opts: { echoStderr?: boolean } = {}): { ready: Promise<number>; output: () => string } {
  let out = '';
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
      if (/worker .* running/.test(out)) resolve(0);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready: ${out.slice(-2000)}`)));
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    if (opts.echoStderr) process.stderr.write(d);
  });
  return { ready, output: () => out };
}
