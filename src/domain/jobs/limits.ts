import { ValidationError } from '../errors.ts';

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

/**
 * NoiseReduction input rules (spec/jobs.md §1.3, spec/limits.md): at most
 * `maxBytes` (the `noiseReductionMaxInputBytes` setting, default 10 MB =
 * 10 MiB) and no M3U8 playlist. Throws ValidationError (400 InvalidArgument)
 * at submit; the worker checks the same again on the bytes it reads.
 */
export function checkNoiseReductionInput(key: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new ValidationError('Input.Object', `is ${size} bytes; NoiseReduction inputs are limited to ${maxBytes} bytes (${(maxBytes / 1024 / 1024).toFixed(maxBytes % (1024 * 1024) === 0 ? 0 : 2)} MB)`);
  }
  if (/\.m3u8$/i.test(key)) throw new ValidationError('Input.Object', 'is an M3U8 playlist; NoiseReduction does not support M3U8 input');
}
