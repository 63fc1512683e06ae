/**
 * A benchmark suite: `bench/run.ts` runs the selected suites in order, writes
 * each one's JSON to `bench/results/<name>.json` and prints its Markdown.
 */
export interface SuiteContext {
  /** Scratch space for this suite (under bench/tmp/, git-ignored); removed afterwards unless --keep-tmp. */
  tmpDir: string;
  /** `--quick`: short durations, for checking that the suite works, not for numbers. */
  quick: boolean;
  /** `--cpu-prof`: write V8 CPU profiles of the measured server processes to `<tmpDir>/../prof/`. */
  cpuProfDir: string | undefined;
  /** Progress line on stderr. */
  log(message: string): void;
}

export interface SuiteResult {
  /** Written to bench/results/<suite>.json. */
  json: Record<string, unknown>;
  /** Printed to stdout. */
  markdown: string;
}

export interface Suite {
  name: string;
  description: string;
  /** Rough wall time at full length, for `--list`. */
  approxSeconds: number;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}
