import { apiError } from '../http/errors/api-error.ts';
import { queryValue, type QueryParam } from '../http/request-target.ts';

/**
 * Query parameters of the COS list APIs (GET Bucket, List Parts, List
 * Multipart Uploads): integer limits and markers, and `encoding-type=url`.
 */

/** An integer query parameter in min..max; absent or empty → `dflt`. */
export function intParam(value: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (value === undefined || value === '') return dflt;
  if (!/^\d{1,10}$/.test(value)) throw apiError('InvalidArgument', `${name} must be an integer in ${min}..${max}, got "${value.slice(0, 32)}".`);
  const n = Number(value);
  if (n < min || n > max) throw apiError('InvalidArgument', `${name} must be an integer in ${min}..${max}, got ${n}.`);
  return n;
}

/**
 * `encoding-type`: only `url` is known (keys and prefixes in the answer are
 * then percent-encoded, `/` kept). Returns whether it was asked for and the
 * encoder to apply to keys and prefixes.
 */
export function urlEncoding(query: QueryParam[]): { url: boolean; enc: (s: string) => string } {
  const encodingType = queryValue(query, 'encoding-type');
  if (encodingType !== undefined && encodingType !== '' && encodingType !== 'url') {
    throw apiError('InvalidArgument', `encoding-type must be "url", got "${encodingType.slice(0, 32)}".`);
  }
  const url = encodingType === 'url';
  return { url, enc: (s) => (url ? encodeURIComponent(s).replace(/%2F/g, '/') : s) };
}
