import type { Readable } from 'node:stream';

/**
 * Object storage for tenant buckets: local disk (`local-fs.ts`) or an
 * S3-compatible store (`s3.ts`). Every backend MUST pass `test/integration/storage.test.ts`.
 */
export interface ObjectMeta {
  bucket: string;
  key: string;
  size: number;
  /** Hex MD5 of the body, unquoted. */
  etag: string;
  crc64: string;
  lastModified: number;
  contentType: string;
  /** Stored standard headers: cache-control, content-disposition, content-encoding, expires. */
  headers: Record<string, string>;
  /** `x-cos-meta-*` user metadata, lower-case names with the prefix. */
  userMeta: Record<string, string>;
  storageClass: string;
}

export interface PutInput {
  bucket: string;
  key: string;
  body: Readable;
  /** Exact length when known: a body of another length is refused (EntitySizeNotMatch). */
  contentLength?: number;
  /** Base64 MD5 to verify (Content-MD5). */
  contentMd5?: string;
  maxSize: number;
  contentType: string;
  headers: Record<string, string>;
  userMeta: Record<string, string>;
  storageClass: string;
  /**
   * The ETag to store instead of the body's MD5: a multipart object's is
   * COS's `<MD5 of the parts' binary MD5s>-<part count>`. Content-MD5 is
   * still checked against the body.
   */
  etag?: string;
}

export interface ListInput {
  bucket: string;
  prefix: string;
  delimiter: string;
  marker: string;
  maxKeys: number;
}

export interface ListResult {
  contents: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextMarker: string | undefined;
}

/**
 * Failures a backend reports; the API layer maps them to wire codes.
 * `ServiceUnavailable`: the object store cannot be reached or answered 5xx
 * (503 to API clients; a job retries, then fails with that Code).
 */
export class StorageError extends Error {
  readonly kind: 'BadDigest' | 'EntitySizeNotMatch' | 'EntityTooLarge' | 'BodyAborted' | 'ServiceUnavailable';
  constructor(kind: StorageError['kind'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.kind = kind;
  }
}

export interface ObjectStorage {
  /**
   * Streams the body to storage. The object becomes visible under its key only
   * when the whole body arrived and checked out (MD5, length): a failed or
   * aborted upload MUST leave any previous object of that key untouched.
   */
  put(input: PutInput): Promise<ObjectMeta>;
  head(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  /** Opens a byte range (inclusive `end`); MUST NOT return a stream when the object is missing. */
  get(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; body: Readable } | undefined>;
  /** Deletes if present; returns whether it existed. */
  delete(bucket: string, key: string): Promise<boolean>;
  list(input: ListInput): Promise<ListResult>;
  /** True when the bucket holds at least one object. */
  hasObjects(bucket: string): Promise<boolean>;
  /**
   * Startup check of the backend's own configuration (S3: the bucket exists and
   * the credentials may use it). MUST throw on a configuration error; a store
   * that is merely unreachable is reported by resolving to a warning instead.
   */
  check?(): Promise<string | undefined>;
  close(): Promise<void>;
}
