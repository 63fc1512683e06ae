import type { ObjectMeta } from './storage.ts';

/**
 * How a COS object's metadata (spec/cos-objects.md "PUT Object") is kept in S3
 * user metadata (`x-amz-meta-*`), so any S3-compatible store can hold it:
 *
 *   x-cos-meta-<name>      → <name>            (as a user writing to S3 directly would see it)
 *   our own fields         → sa-<field>        (md5, crc64, class, h-cache-control, …)
 *   a user name "sa-…"     → sa-u-sa-…         (escaped, so it can never overwrite ours)
 *
 * Values that are not printable ASCII (header values arrive as latin1 strings
 * holding raw bytes) are stored as `b64:<base64 of the bytes>`: SigV4 signs the
 * UTF-8 of a header value, so raw bytes above 0x7f would break the signature.
 * Content-Type is S3's own Content-Type when it is printable ASCII.
 */
const PRINTABLE = /^[\x20-\x7e]*$/;
const OURS = 'sa-';
const USER_ESCAPE = 'sa-u-';
const COS_META = 'x-cos-meta-';

function encodeValue(v: string): string {
  return PRINTABLE.test(v) && !v.startsWith('b64:') ? v : 'b64:' + Buffer.from(v, 'latin1').toString('base64');
}

function decodeValue(v: string): string {
  return v.startsWith('b64:') ? Buffer.from(v.slice(4), 'base64').toString('latin1') : v;
}

export interface S3PutMeta {
  contentType: string;
  metadata: Record<string, string>;
}

export function toS3Meta(m: { etag: string; crc64: string; contentType: string; headers: Record<string, string>; userMeta: Record<string, string>; storageClass: string }): S3PutMeta {
  const metadata: Record<string, string> = { 'sa-md5': m.etag, 'sa-crc64': m.crc64 };
  // spec/cos-objects.md: x-cos-storage-class → Impl "store, ignore": never S3's own class (ARCHIVE would make it unreadable).
  if (m.storageClass !== 'STANDARD') metadata['sa-class'] = m.storageClass;
  for (const [name, value] of Object.entries(m.headers)) metadata[`sa-h-${name}`] = encodeValue(value);
  for (const [name, value] of Object.entries(m.userMeta)) {
    const short = name.toLowerCase().slice(COS_META.length);
    metadata[short.startsWith(OURS) ? USER_ESCAPE + short : short] = encodeValue(value);
  }
  let contentType = m.contentType;
  if (!PRINTABLE.test(contentType)) {
    metadata['sa-content-type'] = encodeValue(contentType);
    contentType = 'application/octet-stream';
  }
  return { contentType, metadata };
}

export interface S3ObjectHead {
  ContentLength?: number;
  ContentType?: string;
  ETag?: string;
  LastModified?: Date;
  Metadata?: Record<string, string>;
}

/** The inverse of `toS3Meta`. Objects written by other tools (no `sa-md5`) fall back to S3's ETag. */
export function fromS3Meta(bucket: string, key: string, h: S3ObjectHead): ObjectMeta {
  const headers: Record<string, string> = {};
  const userMeta: Record<string, string> = {};
  let etag = (h.ETag ?? '').replace(/"/g, '');
  let crc64 = '';
  let storageClass = 'STANDARD';
  let contentType = h.ContentType ?? 'application/octet-stream';
  // Stores differ in the case of metadata names (s3rver keeps it, AWS lowers it): compare lower-case.
  for (const [rawName, raw] of Object.entries(h.Metadata ?? {})) {
    const name = rawName.toLowerCase();
    const value = decodeValue(raw);
    if (name.startsWith(USER_ESCAPE)) userMeta[COS_META + name.slice(USER_ESCAPE.length)] = value;
    else if (name === 'sa-md5') etag = value;
    else if (name === 'sa-crc64') crc64 = value;
    else if (name === 'sa-class') storageClass = value;
    else if (name === 'sa-content-type') contentType = value;
    else if (name.startsWith('sa-h-')) headers[name.slice(5)] = value;
    else if (!name.startsWith(OURS)) userMeta[COS_META + name] = value;
  }
  return {
    bucket,
    key,
    size: h.ContentLength ?? 0,
    etag,
    crc64,
    lastModified: h.LastModified?.getTime() ?? 0,
    contentType,
    headers,
    userMeta,
    storageClass,
  };
}
