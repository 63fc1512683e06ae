import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.ts';

/**
 * GET of an untrusted URL from the server side (Tts `TtsConfig.Input` with
 * `InputType=Url`, spec/jobs.md §1.4). The URL is user input, so:
 *
 * - only `http:`/`https:`, no credentials in the URL;
 * - every address the host name resolves to is checked against the address
 *   policy (the `callbackAllow` setting: loopback, private, link-local… are
 *   refused unless allowed) and the socket connects to the checked address,
 *   so DNS rebinding cannot slip a refused address in after the check;
 * - redirects are followed by hand, at most `maxRedirects`, each hop checked
 *   the same way;
 * - the body is limited to `maxBytes` (by Content-Length up front, and by
 *   counting while reading) and the whole fetch to `timeoutMs`.
 */
export type FetchFailureKind = 'bad-url' | 'refused' | 'too-large' | 'http-status' | 'too-many-redirects' | 'network' | 'timeout' | 'aborted';

export class FetchFailure extends Error {
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FetchFailure';
  }
}

export interface GuardedFetchOptions {
  policy: AddressPolicy;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  signal?: AbortSignal;
}

export interface GuardedFetchResult {
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  contentType: string | undefined;
}

const PURPOSE = 'downloads';

/** Parses and checks the URL itself (scheme, credentials, a literal address); throws FetchFailure `bad-url` or `refused`. */
export function checkFetchUrl(raw: string, policy: AddressPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchFailure('bad-url', `${JSON.stringify(raw.slice(0, 100))} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchFailure('bad-url', `${url.protocol} URLs are not fetched (only http: and https:)`);
  if (url.username || url.password) throw new FetchFailure('bad-url', 'URLs with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : host;
  if (isIP(literal) !== 0) {
    const why = policy.check(literal, PURPOSE);
    if (why) throw new FetchFailure('refused', why);
  }
  return url;
}

/**
 * A `lookup` for http(s).request that resolves every address of the host, refuses the
 * connection when any of them is not allowed by `policy`, and hands the checked addresses
 * to the socket (so a second resolution cannot swap in another address: no DNS rebinding).
 * Shared by the guarded fetch and job callback delivery (src/worker/callback-delivery.ts).
 */
export function guardedLookup(policy: AddressPolicy, purpose: string, refuse: (message: string) => Error): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as Array<{ address: string; family: number }>;
      for (const a of list) {
        const why = policy.check(a.address, purpose);
        if (why) return callback(Object.assign(refuse(`${hostname} resolves to ${why}`), { code: 'EACCES' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** One request; resolves with the response (body unread) or rejects with a FetchFailure. */
function getOnce(url: URL, policy: AddressPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const hostIsIp = isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', lookup: hostIsIp ? undefined : guardedLookup(policy, PURPOSE, (m) => new FetchFailure('refused', m)), signal, headers: { 'user-agent': 'smart-audio', accept: 'text/plain, */*' } }, resolve);
    req.on('error', (err) => {
      if (err instanceof FetchFailure) reject(err);
      else if (signal.aborted) reject(new FetchFailure(signal.reason instanceof FetchFailure ? signal.reason.kind : 'aborted', signal.reason instanceof Error ? signal.reason.message : 'fetch aborted', { cause: err }));
      else reject(new FetchFailure('network', `${url.host}: ${err.message}`, { cause: err }));
    });
    req.end();
  });
}

function readLimited(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => res.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (b: Buffer) => {
      size += b.length;
      if (size > maxBytes) {
        res.destroy();
        signal.removeEventListener('abort', onAbort);
        reject(new FetchFailure('too-large', `the response is larger than ${maxBytes} bytes`));
      } else chunks.push(b);
    });
    res.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    res.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err instanceof FetchFailure ? err : new FetchFailure(signal.aborted ? 'timeout' : 'network', `reading the response failed: ${err.message}`, { cause: err }));
    });
  });
}

export async function fetchGuarded(raw: string, opts: GuardedFetchOptions): Promise<GuardedFetchResult> {
  const maxRedirects = opts.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let url = checkFetchUrl(raw, opts.policy);
  try {
    for (let hop = 0; ; hop++) {
      const res = await getOnce(url, opts.policy, signal);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (hop >= maxRedirects) throw new FetchFailure('too-many-redirects', `more than ${maxRedirects} redirects`);
        url = checkFetchUrl(new URL(res.headers.location, url).toString(), opts.policy);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        throw new FetchFailure('http-status', `${url.host} answered HTTP ${status}`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.destroy();
        throw new FetchFailure('too-large', `the response is ${declared} bytes; the limit is ${opts.maxBytes}`);
      }
      const body = await readLimited(res, opts.maxBytes, signal);
      return { body, url: url.toString(), contentType: res.headers['content-type'] };
    }
  } catch (err) {
    if (timeout.aborted && !(err instanceof FetchFailure && err.kind !== 'aborted' && err.kind !== 'network')) {
      throw new FetchFailure('timeout', `the download took longer than ${opts.timeoutMs} ms`, { cause: err });
    }
    throw err;
  }
}
