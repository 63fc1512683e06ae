import { request } from 'node:http';
import { signRequest } from '../../src/http/auth/cos-signature.ts';
import { ROOT_ID, ROOT_KEY } from './server.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  port: number;
  method: string;
  host: string;
  /** Raw (percent-encoded) path, e.g. `/a%20b`. */
  path: string;
  /** Query string without `?`, sent as is. */
  rawQuery?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Omit the Authorization header entirely. */
  unsigned?: boolean;
  secretId?: string;
  secretKey?: string;
  /** Decoded query parameters to sign (default: none). */
  signQuery?: Record<string, string>;
  /** Header names (lower-case) to sign; default host only. */
  signHeaders?: string[];
  /** Signature window; default now-60 … now+900. */
  window?: [number, number];
  /** Override the Authorization value. */
  authorization?: string;
  /** Send these bytes of the body and then cut the connection. */
  truncateAt?: number;
}

/** One HTTP request on loopback, signed with the COS signature unless told otherwise. */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
  const headers: Record<string, string> = { host: r.host, ...(r.headers ?? {}) };
  const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
  if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  if (!r.unsigned) {
    const now = Math.floor(Date.now() / 1000);
    const [start, end] = r.window ?? [now - 60, now + 900];
    const signed: Record<string, string> = {};
    for (const name of r.signHeaders ?? ['host']) if (headers[name] !== undefined) signed[name] = headers[name]!;
    headers.authorization =
      r.authorization ??
      signRequest({
        secretId: r.secretId ?? ROOT_ID,
        secretKey: r.secretKey ?? ROOT_KEY,
        method: r.method,
        decodedPath: decodeURIComponent(r.path),
        query: r.signQuery ?? {},
        headers: signed,
        startTime: start,
        endTime: end,
      });
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: r.port, method: r.method, path: r.path + (r.rawQuery ? `?${r.rawQuery}` : ''), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body && r.truncateAt !== undefined) {
      req.write(body.subarray(0, r.truncateAt));
      setTimeout(() => req.destroy(), 50);
      return;
    }
    req.end(body);
  });
}

/** `<Code>` of an `<Error>` body. */
export const errorCode = (body: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
