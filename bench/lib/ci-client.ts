import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { bucketHost, signedHeaders, type Account } from './cos-client.ts';

/**
 * Keep-alive client for the CI (Smart Audio) API and bulk set-up work in the
 * benchmarks: many small signed requests over a few reused connections, so
 * loading 10,000 templates or submitting 100 jobs is not dominated by TCP
 * set-up. Signatures cover `host` only (as in cos-client.ts), so one
 * Authorization value per method and path serves a whole run; query
 * parameters are not signed (an empty `q-url-param-list` is valid).
 */
export const BENCH_ACCOUNT: Account = {
  secretId: 'AKIDbenchROOT000000000000000000001',
  secretKey: 'benchSecretKey0000000000000000001',
  appid: '1250000000',
  region: 'ap-guangzhou',
};

export function benchServerEnv(account: Account = BENCH_ACCOUNT): NodeJS.ProcessEnv {
  return { SMART_AUDIO_SECRET_ID: account.secretId, SMART_AUDIO_SECRET_KEY: account.secretKey, SMART_AUDIO_APPID: account.appid };
}

export function ciHost(bucket: string, region: string): string {
  return `${bucket}.ci.${region}.myqcloud.com`;
}

export interface KaResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class KeepAliveClient {
  private readonly agent: Agent;
  /** Authorization values per method + host + path (valid for an hour). */
  private readonly auth = new Map<string, Record<string, string>>();

  constructor(
    readonly port: number,
    readonly account: Account = BENCH_ACCOUNT,
    maxSockets = 32,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** `host` + `authorization` for method/host/decodedPath, cached. */
  headers(method: string, host: string, decodedPath: string): Record<string, string> {
    const k = `${method} ${host} ${decodedPath}`;
    let h = this.auth.get(k);
    if (!h) {
      h = signedHeaders(this.account, host, method, decodedPath);
      this.auth.set(k, h);
    }
    return h;
  }

  send(method: string, host: string, path: string, body?: string | Buffer, extraHeaders: Record<string, string> = {}): Promise<KaResponse> {
    const decodedPath = decodeURIComponent(path.split('?')[0]!);
    const headers: Record<string, string> = { ...this.headers(method, host, decodedPath), ...extraHeaders };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    else if (method === 'PUT' || method === 'POST') headers['content-length'] = '0';
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async ok(what: string, method: string, host: string, path: string, body?: string | Buffer, extraHeaders?: Record<string, string>): Promise<KaResponse> {
    const res = await this.send(method, host, path, body, extraHeaders);
    if (res.status < 200 || res.status > 299) throw new Error(`${what}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
    return res;
  }

  /** A CI call with an XML body (Content-Type application/xml, as the SDKs send it). */
  ci(what: string, method: string, bucket: string, path: string, xml?: string): Promise<KaResponse> {
    return this.ok(what, method, ciHost(bucket, this.account.region), path, xml, xml === undefined ? {} : { 'content-type': 'application/xml' });
  }

  /** PUT Bucket, then POST /asrbucket (enable Smart Audio). */
  async createSmartAudioBucket(bucket: string): Promise<void> {
    await this.ok('PUT Bucket', 'PUT', bucketHost(bucket, this.account.region), '/');
    await this.ci('POST /asrbucket', 'POST', bucket, '/asrbucket');
  }

  async putObject(bucket: string, key: string, body: Buffer, contentType = 'application/octet-stream'): Promise<KaResponse> {
    return this.ok(`PUT Object ${key}`, 'PUT', bucketHost(bucket, this.account.region), key, body, { 'content-type': contentType });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs fn(0..n-1) with at most `concurrency` in flight; rejects on the first failure. */
export async function forEachConcurrent(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  });
  await Promise.all(lanes);
}

/** The text of the first `<name>…</name>` element, or undefined. */
export function xmlElement(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m ? m[1] : undefined;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
