/** Job submission limits (spec/jobs.md §1.1, spec/limits.md). */

/** `UserData`: printable ASCII, ≤ 1024 (spec/jobs.md §1.1). */
export const USER_DATA_MAX_CHARS = 1024;
export const USER_DATA_RE = /^[\x20-\x7e]*$/;

/** `JobLevel`: 0 (default), 1, 2 (spec/jobs.md §1.1). */
export const JOB_LEVELS = [0, 1, 2] as const;

/** Output keys follow COS key rules (spec/cos-objects.md); wildcards may lengthen them a little. */
export const OUTPUT_KEY_MAX_BYTES = 850;

/** Callback URL length we accept. */
export const CALLBACK_URL_MAX_CHARS = 1024;

/** TDMQ regions (spec/jobs.md §1.6). */
export const MQ_REGIONS = ['sh', 'bj', 'gz', 'cd', 'hk'] as const;
