/**
 * The `--storage` setting (issue 8 §2): where objects live.
 *
 *   (empty) or `file:`        local disk under `<data-dir>/objects` (the embedded default)
 *   `s3://[key:secret@]<bucket>[/<prefix>]?endpoint=…&region=…&forcePathStyle=true|false`
 *
 * Every tenant bucket lives in the one S3 bucket, under `<prefix><tenant-bucket>/`.
 * Credentials may be in the URL, but are better given as
 * SMART_AUDIO_S3_ACCESS_KEY_ID / SMART_AUDIO_S3_SECRET_ACCESS_KEY or left to
 * the AWS SDK's own chain (AWS_ACCESS_KEY_ID, profiles, instance roles).
 */
export type StorageLocation =
  | { kind: 'local' }
  | {
      kind: 's3';
      bucket: string;
      /** Empty, or ends with `/`. */
      prefix: string;
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
    };

/** S3 bucket names (AWS rules, loosened for other stores: 3–63 of a-z 0-9 . - _). */
const S3_BUCKET = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const PARAMS = new Set(['endpoint', 'region', 'forcePathStyle']);

/** Parses the setting; throws an Error whose message names what is wrong (never the secret). */
export function parseStorageUrl(raw: string): StorageLocation {
  const value = raw.trim();
  if (value === '' || value === 'file:' || value === 'local') return { kind: 'local' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`expected s3://<bucket>[/<prefix>]?endpoint=…&region=…, got "${redactStorageUrl(value)}"`);
  }
  if (url.protocol !== 's3:') throw new Error(`unsupported storage scheme "${url.protocol}" (expected s3:// or empty for local files)`);
  const bucket = url.hostname;
  if (!S3_BUCKET.test(bucket)) throw new Error(`"${bucket}" is not an S3 bucket name`);
  for (const name of url.searchParams.keys()) {
    if (!PARAMS.has(name)) throw new Error(`unknown storage URL parameter "${name}" (known: ${[...PARAMS].join(', ')})`);
  }
  let prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+\/?$/.test(endpoint)) throw new Error(`endpoint must be http(s)://host[:port], got "${endpoint}"`);
  const fps = url.searchParams.get('forcePathStyle');
  if (fps !== null && !['true', 'false', '1', '0'].includes(fps)) throw new Error(`forcePathStyle must be true or false, got "${fps}"`);
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint,
    region: url.searchParams.get('region') ?? 'us-east-1',
    // A custom endpoint (MinIO, Ceph RGW, s3rver) usually has no wildcard DNS: path style unless told otherwise.
    forcePathStyle: fps === null ? endpoint !== undefined : fps === 'true' || fps === '1',
    accessKeyId: url.username === '' ? undefined : decodeURIComponent(url.username),
    secretAccessKey: url.password === '' ? undefined : decodeURIComponent(url.password),
  };
}

/** The URL with any `user:password@` replaced, for logs and error messages. */
export function redactStorageUrl(raw: string): string {
  return raw.replace(/^([a-z0-9+.-]+:\/\/)[^@/?#]*@/i, '$1[redacted]@');
}
