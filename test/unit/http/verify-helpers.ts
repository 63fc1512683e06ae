import type { IncomingHttpHeaders } from 'node:http';
import { checkTimeWindow, locateSignature, verifySignature, type VerifyInput } from '../../../src/http/auth/verify.ts';
import { ApiError } from '../../../src/http/errors/api-error.ts';
import { parseRequestTarget } from '../../../src/http/request-target.ts';

/**
 * Runs the signature part of the `onRequest` pipeline of src/http/app.ts on a
 * request described as it arrives: method, request target (origin- or
 * absolute-form, still percent-encoded) and headers (lower-case names, as
 * Node delivers them). Returns 'ok' or the ApiError's errorName.
 */
export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  secretKey: string;
  nowSeconds: number;
  clockSkewSeconds?: number;
  requireSignedHost?: boolean;
  /** X-Forwarded-Host when trusted (app.ts: config.trustForwardedHost). */
  forwardedHost?: string;
}

export function buildVerifyInput(r: WireRequest): VerifyInput {
  const target = parseRequestTarget(r.url);
  const receivedHost = r.headers.host ?? '';
  let host = r.forwardedHost ?? receivedHost;
  if (target.absoluteHost && !r.forwardedHost) host = target.absoluteHost;
  const hostCandidates = [...new Set([host, host.replace(/:\d+$/, ''), receivedHost, receivedHost.replace(/:\d+$/, '')])];
  return {
    method: r.method,
    decodedPath: target.decodedPath,
    query: target.query,
    headers: r.headers as IncomingHttpHeaders,
    hostCandidates,
    nowSeconds: r.nowSeconds,
    clockSkewSeconds: r.clockSkewSeconds ?? 900,
    requireSignedHost: r.requireSignedHost ?? false,
  };
}

export function runVerify(r: WireRequest): string {
  try {
    const input = buildVerifyInput(r);
    const located = locateSignature(input.headers, input.query);
    checkTimeWindow(located.fields, input.nowSeconds, input.clockSkewSeconds);
    verifySignature(input, located, r.secretKey);
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return err.errorName;
    throw err;
  }
}

/** Percent-encodes a key per path segment, as the Node SDK does (camSafeUrlEncode, `/` kept). */
export function encodeKeyPath(key: string): string {
  return '/' + key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
}

/** Builds a query string from decoded pairs (`''` value with `bare` → `?cancel`). */
export function encodeQuery(pairs: Array<[string, string] | [string]>): string {
  return pairs.map((p) => (p.length === 1 ? encodeURIComponent(p[0]) : `${encodeURIComponent(p[0])}=${encodeURIComponent(p[1])}`)).join('&');
}
