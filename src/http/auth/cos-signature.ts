import { createHash, createHmac } from 'node:crypto';
import { authorizationValue, canonicalPairs, httpString, stringToSign } from './string-to-sign.ts';

/**
 * The COS request signature, `q-sign-algorithm=sha1` (spec/signature.md §2–3),
 * in small pure steps: fields → HttpString → StringToSign → SignKey → signature.
 * Used by the server to verify requests and by tests and the CLI to sign them.
 */

export { canonicalPairs, cosUrlEncode, httpString } from './string-to-sign.ts';

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export function hmacSha1Hex(key: string, text: string): string {
  return createHmac('sha1', key).update(text, 'utf8').digest('hex');
}

/** The seven `q-*` fields (spec/signature.md §1). */
export interface SignatureFields {
  algorithm: string;
  secretId: string;
  signTime: string;
  keyTime: string;
  headerList: string[];
  urlParamList: string[];
  signature: string;
}

export interface SignedPair {
  key: string;
  value: string;
}

/**
 * Step 2 is the same for every request a client signs with one key window
 * (SDKs reuse a window for many requests), so SignKeys are memoised.
 */
const signKeys = new Map<string, string>();
function signKeyFor(secretKey: string, keyTime: string): string {
  const k = secretKey + '\u0000' + keyTime;
  let v = signKeys.get(k);
  if (v === undefined) {
    v = hmacSha1Hex(secretKey, keyTime);
    if (signKeys.size >= 4096) signKeys.clear();
    signKeys.set(k, v);
  }
  return v;
}

/** Steps 2, 6, 7: the signature over an HttpString. */
export function signHttpString(secretKey: string, keyTime: string, signTime: string, http: string): string {
  const signKey = signKeyFor(secretKey, keyTime);
  return hmacSha1Hex(signKey, stringToSign(signTime, sha1Hex(http)));
}

export interface SignRequestInput {
  secretId: string;
  secretKey: string;
  method: string;
  /** URL-decoded path, e.g. `/exampleobject(腾讯云)`. */
  decodedPath: string;
  /** Decoded query parameters to sign (value `''` for value-less keys such as `?cancel`). */
  query?: Record<string, string>;
  /** Headers to sign, values as sent. */
  headers?: Record<string, string>;
  startTime: number;
  endTime: number;
}

/** Builds a full `Authorization` value (spec/signature.md §3, step 8). */
export function signRequest(input: SignRequestInput): string {
  const keyTime = `${input.startTime};${input.endTime}`;
  const params = canonicalPairs(Object.entries(input.query ?? {}).map(([key, value]) => ({ key, value })));
  const headers = canonicalPairs(Object.entries(input.headers ?? {}).map(([key, value]) => ({ key, value })));
  const signature = signHttpString(
    input.secretKey,
    keyTime,
    keyTime,
    httpString(input.method, input.decodedPath, params.joined, headers.joined),
  );
  return authorizationValue({ secretId: input.secretId, keyTime, headerList: headers.list, urlParamList: params.list, signature });
}

/**
 * Parses an `Authorization` value (`&`-separated `k=v` pairs in any order,
 * spec/signature.md §1). Returns undefined when a required field is missing
 * or the value is not of the documented shape.
 */
export function parseAuthorization(value: string): SignatureFields | undefined {
  const fields = new Map<string, string>();
  for (const part of value.trim().split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const k = part.slice(0, eq).trim().toLowerCase();
    if (fields.has(k)) return undefined;
    fields.set(k, part.slice(eq + 1).trim());
  }
  return fieldsFromMap(fields);
}

/** The same fields taken from presigned-URL query parameters (already URL-decoded). */
export function parseQuerySignature(query: Map<string, string>): SignatureFields | undefined {
  return fieldsFromMap(query);
}

function fieldsFromMap(fields: Map<string, string>): SignatureFields | undefined {
  const algorithm = fields.get('q-sign-algorithm');
  const secretId = fields.get('q-ak');
  const signTime = fields.get('q-sign-time');
  const keyTime = fields.get('q-key-time');
  const signature = fields.get('q-signature');
  if (!algorithm || !secretId || !signTime || !keyTime || !signature) return undefined;
  const list = (v: string | undefined) => (v ? v.split(';').map((s) => s.trim().toLowerCase()).filter((s) => s !== '') : []);
  return {
    algorithm,
    secretId,
    signTime,
    keyTime,
    headerList: list(fields.get('q-header-list')),
    urlParamList: list(fields.get('q-url-param-list')),
    signature: signature.toLowerCase(),
  };
}

/** `start;end` in Unix seconds, or undefined when malformed. */
export function parseTimeWindow(value: string): { start: number; end: number } | undefined {
  const m = /^(\d{1,12});(\d{1,12})$/.exec(value);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return undefined;
  return { start, end };
}
