import { authorization } from './signer.ts';
import { loadSession, type Session } from './session.ts';
import { kid, parseXml, requestXml, text, type XmlObject } from './xml.ts';

/**
 * Signed calls to this server, addressed like the SDKs address the real
 * service. Browsers cannot set `Host`, so the virtual host goes in the signed
 * `x-smart-audio-host` header (src/console/console-host.ts).
 */
const CONSOLE_HOST_HEADER = 'x-smart-audio-host';
const meta = (name: string, fallback: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || fallback;
export const domainSuffix = () => meta('smart-audio-domain', 'myqcloud.com');

export const ciHost = (bucket: string, region: string) => `${bucket}.ci.${region}.${domainSuffix()}`;
export const ciRegionalHost = (region: string) => `ci.${region}.${domainSuffix()}`;
export const cosHost = (bucket: string, region: string) => `${bucket}.cos.${region}.${domainSuffix()}`;
export const cosServiceHost = (region: string) => `cos.${region}.${domainSuffix()}`;

/** A refused request: the `<Error>` Code and Message as the server sent them. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, readonly detail: string, readonly requestId: string) {
    super(`${code}: ${detail}`);
    this.name = 'ApiFailure';
  }
  get isPermission(): boolean {
    return this.code === 'AccessDenied' && !/signature|signed/i.test(this.detail);
  }
  get isBadKey(): boolean {
    return ['SecretidNotExist', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'].includes(this.code) || (this.code === 'AccessDenied' && /signature/i.test(this.detail));
  }
}

export interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  host: string;
  /** Decoded path, `/jobs` or `/<object key>`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: string | Blob;
  contentType?: string;
  session?: Session;
}

/** Percent-encodes each path segment (keeps `/`); the server decodes it back for the signature. */
export const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * Browser clock minus server clock, learnt from the server's `Date` when it
 * refuses a signature window (spec/signature.md §5.4): a laptop whose clock is
 * off by more than the allowed skew still works after one retry.
 */
let clockOffsetMs = 0;
/** Offsets under a minute are left alone (the signature window starts 60 s early anyway). */
const SKEW_TOLERANCE_MS = 60_000;

async function prepare(c: Call): Promise<{ url: string; headers: Record<string, string> }> {
  const s = c.session ?? loadSession();
  if (!s) throw new ApiFailure(0, 'NotSignedIn', 'Sign in first.', '');
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) query[k] = v;
  const headers: Record<string, string> = { [CONSOLE_HOST_HEADER]: c.host };
  if (c.contentType) headers['content-type'] = c.contentType;
  const now = Math.floor((Date.now() + clockOffsetMs) / 1000);
  headers.authorization = await authorization(s, { method: c.method, decodedPath: c.path, query, headers: { ...headers } }, now);
  const qs = Object.entries(query).map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
  return { url: encodePath(c.path) + (qs ? `?${qs}` : ''), headers };
}

function failure(status: number, body: string, requestId: string): ApiFailure {
  const e = parseXml(body);
  if (e && e.tagName === 'Error') return new ApiFailure(status, text(e, 'Code'), text(e, 'Message'), text(e, 'RequestId') || requestId);
  return new ApiFailure(status, `HTTP${status}`, body.slice(0, 300) || 'The server gave no error body.', requestId);
}

/** Sends a signed request; resolves to the response, or throws ApiFailure. */
export async function send(c: Call, retried = false): Promise<Response> {
  const { url, headers } = await prepare(c);
  let res: Response;
  try {
    res = await fetch(url, { method: c.method, headers, body: c.body, cache: 'no-store' });
  } catch (err) {
    throw new ApiFailure(0, 'NetworkError', `The server could not be reached (${(err as Error).message}).`, '');
  }
  if (!res.ok) {
    const err = failure(res.status, c.method === 'HEAD' ? '' : await res.text(), res.headers.get('x-ci-request-id') ?? res.headers.get('x-cos-request-id') ?? '');
    // COS endpoints answer an expired window with a plain AccessDenied, so the clocks are compared instead of the code.
    const serverNow = Date.parse(res.headers.get('date') ?? '');
    const offset = serverNow - Date.now();
    if (!retried && (res.status === 401 || res.status === 403) && Number.isFinite(offset) && Math.abs(offset - clockOffsetMs) > SKEW_TOLERANCE_MS) {
      clockOffsetMs = offset;
      return send(c, true);
    }
    throw err;
  }
  return res;
}

/** Sends and parses the XML answer (undefined for an empty body). */
export async function sendXml(c: Call): Promise<Element | undefined> {
  return parseXml(await (await send(c)).text());
}

/** A CI call on a bucket: body is `<Request>…</Request>` when given. */
export function ci(method: Call['method'], bucket: string, region: string, path: string, opts: { query?: Call['query']; body?: XmlObject } = {}): Promise<Element | undefined> {
  return sendXml({
    method,
    host: ciHost(bucket, region),
    path,
    query: opts.query,
    body: opts.body ? requestXml(opts.body) : undefined,
    contentType: opts.body ? 'application/xml' : undefined,
  });
}

/** Uploads with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export async function upload(bucket: string, region: string, key: string, file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  const contentType = file.type || 'application/octet-stream';
  const { url, headers } = await prepare({ method: 'PUT', host: cosHost(bucket, region), path: `/${key}`, contentType });
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(failure(xhr.status, xhr.responseText, xhr.getResponseHeader('x-cos-request-id') ?? '')));
    xhr.onerror = () => reject(new ApiFailure(0, 'NetworkError', 'The upload was interrupted.', ''));
    xhr.send(file);
  });
  onProgress(1);
}

/** Downloads an object as a Blob (signed GET; used for playback, drawing and saving). */
export async function getObjectBlob(bucket: string, region: string, key: string): Promise<Blob> {
  return (await send({ method: 'GET', host: cosHost(bucket, region), path: `/${key}` })).blob();
}

export { kid, text };
