import { request, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { signRequest } from '../../src/http/auth/cos-signature.ts';

/**
 * Minimal COS client for benchmarks: virtual-host addressing
 * (`<bucket>.cos.<region>.myqcloud.com` in Host) sent to a loopback port, and
 * header signatures that cover `host` with a long window so one Authorization
 * value serves a whole run.
 */
export interface Account {
  secretId: string;
  secretKey: string;
  appid: string;
  region: string;
}

export function bucketHost(bucket: string, region: string): string {
  return `${bucket}.cos.${region}.myqcloud.com`;
}

/** Headers (`host` + `authorization`) for one method/path, valid for `validSeconds`. */
export function signedHeaders(account: Account, host: string, method: string, decodedPath: string, validSeconds = 3600): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const authorization = signRequest({
    secretId: account.secretId,
    secretKey: account.secretKey,
    method,
    decodedPath,
    headers: { host },
    startTime: now - 60,
    endTime: now + validSeconds,
  });
  return { host, authorization };
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Bytes of body received (also when `discardBody`). */
  bodyBytes: number;
  seconds: number;
}

export interface SendOptions {
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** A Buffer, or a stream piped as the body (give content-length in headers). */
  body?: Buffer | Readable;
  /** Count the response body but do not keep it (large GETs). */
  discardBody?: boolean;
}

/** One request over a fresh connection; times request start → last response byte. */
export function send(opts: SendOptions): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port: opts.port, method: opts.method, path: opts.path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let bodyBytes = 0;
      res.on('data', (c: Buffer) => {
        bodyBytes += c.length;
        if (!opts.discardBody) chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          bodyBytes,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        }),
      );
    });
    req.on('error', reject);
    if (opts.body === undefined) req.end();
    else if (Buffer.isBuffer(opts.body)) req.end(opts.body);
    else {
      opts.body.on('error', (err) => req.destroy(err));
      opts.body.pipe(req);
    }
  });
}

/** `send` that throws unless the status is 2xx. */
export async function sendOk(what: string, opts: SendOptions): Promise<SimpleResponse> {
  const res = await send(opts);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 500)}`);
  }
  return res;
}
