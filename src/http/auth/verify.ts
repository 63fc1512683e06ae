import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../errors/api-error.ts';
import type { QueryParam } from '../request-target.ts';
import { canonicalPairs, httpString, parseAuthorization, parseQuerySignature, parseTimeWindow, signHttpString, type SignatureFields } from './cos-signature.ts';

/**
 * Server-side signature verification (spec/signature.md §5, spec/clients.md §2),
 * run in `onRequest`, before any body is read (the signature never covers it).
 */

/**
 * The `q-*` parameters of a presigned URL: never part of HttpParameters (§6).
 * The token parameters (`x-cos-security-token`, …) are left out too unless the
 * client listed them in q-url-param-list (cos-go-sdk-v5 signs them; the
 * unlisted case is already excluded by the list filter below).
 */
const SIGNATURE_PARAMS = new Set([
  'q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature',
]);

export interface VerifyInput {
  method: string;
  decodedPath: string;
  query: QueryParam[];
  headers: IncomingHttpHeaders;
  /** Host values to try for a signed `host` header, in order (as received, without port, forwarded host). */
  hostCandidates: string[];
  nowSeconds: number;
  clockSkewSeconds: number;
  requireSignedHost: boolean;
}

export interface LocatedSignature {
  fields: SignatureFields;
  fromQuery: boolean;
}

/** §5.1–5.2: finds and parses the signature, from the header first, else the query. */
export function locateSignature(headers: IncomingHttpHeaders, query: QueryParam[]): LocatedSignature {
  const header = headers.authorization;
  if (typeof header === 'string' && header.trim() !== '') {
    const fields = parseAuthorization(header);
    if (!fields) throw new ApiError('InvalidAuthorization', 'The Authorization header is not q-sign-algorithm=sha1&q-ak=…&q-sign-time=…&q-key-time=…&q-header-list=…&q-url-param-list=…&q-signature=….');
    return { fields: checkShape(fields), fromQuery: false };
  }
  const qmap = new Map<string, string>();
  for (const p of query) {
    const k = p.key.toLowerCase();
    if (k.startsWith('q-')) qmap.set(k, p.value);
  }
  if (qmap.size === 0) throw new ApiError('MissingAuthorization', 'The request has no Authorization header and no q-* signature parameters.');
  const fields = parseQuerySignature(qmap);
  if (!fields) throw new ApiError('InvalidAuthorization', 'The q-* signature parameters are incomplete.');
  return { fields: checkShape(fields), fromQuery: true };
}

function checkShape(f: SignatureFields): SignatureFields {
  if (f.algorithm.toLowerCase() !== 'sha1') throw new ApiError('InvalidAuthorization', `q-sign-algorithm "${f.algorithm}" is not supported; only sha1.`);
  if (!parseTimeWindow(f.signTime) || !parseTimeWindow(f.keyTime)) {
    throw new ApiError('InvalidAuthorization', `q-sign-time/q-key-time must be "<start>;<end>" in Unix seconds, got "${f.signTime}".`);
  }
  if (!/^[0-9a-f]{40}$/.test(f.signature)) throw new ApiError('InvalidAuthorization', 'q-signature must be 40 hex digits.');
  return f;
}

/** §5.4: the time window. */
export function checkTimeWindow(f: SignatureFields, nowSeconds: number, skewSeconds: number): void {
  const w = parseTimeWindow(f.signTime)!;
  if (nowSeconds > w.end) throw new ApiError('SignatureExpired', `The signature expired at ${w.end} (now ${nowSeconds}).`);
  if (nowSeconds < w.start - skewSeconds) {
    throw new ApiError('RequestTimeTooSkewed', `The signature window starts at ${w.start}, more than ${skewSeconds} s after the server time ${nowSeconds}.`);
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * §5.5–5.6: rebuilds HttpParameters and HttpHeaders from the names the client
 * listed, and compares in constant time. A listed header or parameter that is
 * absent cannot match. For `host`, each candidate is tried (spec/clients.md §2).
 */
export function verifySignature(input: VerifyInput, located: LocatedSignature, secretKey: string): void {
  const f = located.fields;
  if (input.requireSignedHost && !f.headerList.includes('host')) {
    throw new ApiError('AccessDenied', 'This server requires the host header to be signed (q-header-list must include host).');
  }
  const wanted = new Set(f.urlParamList);
  const params = input.query.filter((p) => !(located.fromQuery && SIGNATURE_PARAMS.has(p.key.toLowerCase())));
  const signedParams = params.filter((p) => wanted.has(canonicalPairs([{ key: p.key, value: '' }]).list));
  const present = new Set(signedParams.map((p) => canonicalPairs([{ key: p.key, value: '' }]).list));
  for (const name of wanted) if (!present.has(name)) throw mismatch();
  const paramString = canonicalPairs(signedParams).joined;

  const hostVariants = f.headerList.includes('host') ? input.hostCandidates : [''];
  const expected = Buffer.from(f.signature, 'utf8');
  for (const host of hostVariants) {
    const pairs: Array<{ key: string; value: string }> = [];
    for (const name of f.headerList) {
      const value = name === 'host' ? host : headerValue(input.headers, name);
      if (value === undefined) throw mismatch();
      pairs.push({ key: name, value });
    }
    const http = httpString(input.method, input.decodedPath, paramString, canonicalPairs(pairs).joined);
    const actual = Buffer.from(signHttpString(secretKey, f.keyTime, f.signTime, http), 'utf8');
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return;
  }
  throw mismatch();
}

const mismatch = () => new ApiError('SignatureDoesNotMatch');
