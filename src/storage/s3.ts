import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Crc64 } from './crc64.ts';
import { fromS3Meta, toS3Meta } from './s3-metadata.ts';
import { listCosStyle, type ListPage } from './s3-listing.ts';
import type { StorageLocation } from './storage-url.ts';
import { StorageError, type ListInput, type ListResult, type ObjectMeta, type ObjectStorage, type PutInput } from './storage.ts';

/**
 * Objects in an S3-compatible store (AWS S3, MinIO, Ceph RGW, COS's S3 API)
 * through `@aws-sdk/client-s3` (issue 8 §2). Every tenant bucket lives in the
 * one S3 bucket under `<prefix><tenant-bucket>/<key>`; metadata is S3 user
 * metadata (s3-metadata.ts). Bodies stream both ways: an upload holds at most
 * about (1 + UPLOAD_QUEUE) parts of PART_SIZE in memory.
 *
 * A PUT must not become visible before its body checked out (length, MD5), and
 * S3 needs the metadata (our MD5, CRC-64) when the upload starts. So a body
 * that fits one part is read, checked, then sent with one PutObject carrying
 * the metadata and Content-MD5; a larger body is streamed to a staging key
 * (`<prefix>.uploads/<uuid>`: tenant bucket names never start with ".") and,
 * once checked, copied server-side to its key with the metadata (CopyObject,
 * MetadataDirective REPLACE). A failed upload leaves the previous object intact.
 *
 * Unreachable store, timeouts and 5xx → StorageError('ServiceUnavailable').
 */
/** Where the objects live (`--storage s3://…`, storage-url.ts) and how long one request may take. */
export type S3StorageOptions = Omit<Extract<StorageLocation, { kind: 's3' }>, 'kind'> & {
  /** Connect timeout and socket inactivity timeout of one S3 request. */
  timeoutMs: number;
  /** SDK attempts per call (first try + retries). */
  maxAttempts?: number;
};

/** Bodies up to this size go in one PutObject; larger ones in parts of this size (S3 minimum: 5 MiB). */
export const PART_SIZE = 8 * 1024 * 1024;
const UPLOAD_QUEUE = 3;
/** CopyObject's limit (AWS: 5 GB in one copy). */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

type SdkError = Error & { $metadata?: { httpStatusCode?: number }; Code?: string; code?: string };

const statusOf = (err: unknown) => (err as SdkError)?.$metadata?.httpStatusCode;
const isNotFound = (err: unknown) => statusOf(err) === 404 || ['NotFound', 'NoSuchKey'].includes((err as SdkError)?.name);

export class S3Storage implements ObjectStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(o: S3StorageOptions) {
    this.bucket = o.bucket;
    this.prefix = o.prefix;
    this.client = new S3Client({
      region: o.region,
      endpoint: o.endpoint,
      forcePathStyle: o.forcePathStyle,
      credentials: o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined,
      maxAttempts: o.maxAttempts ?? 2,
      // socketTimeout is an inactivity timeout that also ends a stalled response body.
      requestHandler: { connectionTimeout: o.timeoutMs, socketTimeout: o.timeoutMs },
      // Checksums only where S3 requires them: the default CRC32 trailers (aws-chunked) are not understood by every store.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** The S3 key of a tenant object. */
  private s3Key(bucket: string, key: string): string {
    return `${this.prefix}${bucket}/${key}`;
  }

  /**
   * Turns an SDK failure into what callers understand: unreachable, timed out
   * or 5xx → ServiceUnavailable (retry later); anything else (bad credentials,
   * missing S3 bucket: configuration) stays an Error, an InternalError on the wire.
   */
  private failure(op: string, err: unknown): Error {
    if (err instanceof StorageError) return err;
    const status = statusOf(err);
    const e = err as SdkError;
    const what = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'error');
    if (status === undefined || status >= 500) {
      return new StorageError('ServiceUnavailable', `The object store is unavailable (${op}: ${what}); retry later.`, { cause: err });
    }
    return new Error(`Object store ${op} failed: HTTP ${status} ${what}`, { cause: err });
  }

  async put(input: PutInput): Promise<ObjectMeta> {
    if (input.contentLength !== undefined && input.contentLength > input.maxSize) {
      input.body.resume();
      throw new StorageError('EntityTooLarge', `Content-Length ${input.contentLength} exceeds the maximum object size ${input.maxSize}.`);
    }
    const checked = meterBody(input);
    // A client that goes away mid-body: remember it (BodyAborted) and stop the upload.
    let sourceError: unknown;
    const abort = (err: unknown) => {
      sourceError ??= err;
      checked.stream.destroy(err as Error);
    };
    input.body.once('error', abort);
    input.body.once('close', () => {
      if (!input.body.readableEnded) abort(new Error('aborted'));
    });
    input.body.pipe(checked.stream);
    // The body's own verdict (BadDigest, EntitySizeNotMatch…) wins over whatever the upload reports after it.
    let bodyError: unknown;
    checked.stream.once('error', (err) => (bodyError ??= err));
    const chunks = checked.stream[Symbol.asyncIterator]();
    try {
      // Read up to one part: a small body is checked whole before anything is sent.
      const head: Buffer[] = [];
      let headBytes = 0;
      let done = false;
      while (headBytes <= PART_SIZE) {
        const r = await chunks.next();
        if (r.done) {
          done = true;
          break;
        }
        head.push(r.value as Buffer);
        headBytes += (r.value as Buffer).length;
      }
      const key = this.s3Key(input.bucket, input.key);
      if (done) {
        const { etag, crc64, size } = checked.result();
        const stored = input.etag ?? etag;
        const s3 = toS3Meta({ ...input, etag: stored, crc64 });
        const body = Buffer.concat(head, size);
        await this.call('PutObject', () => this.client.send(new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: size,
          ContentMD5: Buffer.from(etag, 'hex').toString('base64'),
          ContentType: s3.contentType,
          Metadata: s3.metadata,
        })));
        return { bucket: input.bucket, key: input.key, size, etag: stored, crc64, lastModified: Date.now(), contentType: input.contentType, headers: input.headers, userMeta: input.userMeta, storageClass: input.storageClass };
      }
      return await this.putLarge(input, key, head, chunks, checked);
    } catch (err) {
      checked.stream.destroy();
      // Drain what is left, so an HTTP client still gets the error reply and a file stream reaches its end and closes.
      if (!input.body.readableEnded && !input.body.destroyed) input.body.resume();
      if (bodyError instanceof StorageError) throw bodyError;
      if (err instanceof StorageError) throw err;
      if (sourceError !== undefined) {
        throw new StorageError('BodyAborted', 'The client closed the connection before the body was complete.', { cause: sourceError });
      }
      throw this.failure('PutObject', err);
    }
  }

  /** Streams a body larger than one part to a staging key, then copies it to `key` with its metadata. */
  private async putLarge(input: PutInput, key: string, head: Buffer[], rest: AsyncIterator<unknown>, checked: MeteredBody): Promise<ObjectMeta> {
    const staging = `${this.prefix}.uploads/${randomUUID()}`;
    const body = Readable.from((async function* () {
      yield* head;
      for (;;) {
        const r = await rest.next();
        if (r.done) return;
        yield r.value as Buffer;
      }
    })());
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: staging, Body: body, ContentType: 'application/octet-stream' },
      partSize: PART_SIZE,
      queueSize: UPLOAD_QUEUE,
      leavePartsOnError: false,
    });
    let staged = false;
    try {
      await upload.done();
      staged = true;
      const { etag, crc64, size } = checked.result();
      if (size > MAX_COPY_BYTES) throw new StorageError('EntityTooLarge', `Objects above ${MAX_COPY_BYTES} bytes cannot be stored in an S3 store (CopyObject limit); this one is ${size}.`);
      const stored = input.etag ?? etag;
      const s3 = toS3Meta({ ...input, etag: stored, crc64 });
      await this.call('CopyObject', () => this.client.send(new CopyObjectCommand({
        Bucket: this.bucket,
        Key: key,
        CopySource: `${this.bucket}/${encodeURIComponent(staging).replace(/%2F/g, '/')}`,
        MetadataDirective: 'REPLACE',
        ContentType: s3.contentType,
        Metadata: s3.metadata,
      })));
      return { bucket: input.bucket, key: input.key, size, etag: stored, crc64, lastModified: Date.now(), contentType: input.contentType, headers: input.headers, userMeta: input.userMeta, storageClass: input.storageClass };
    } finally {
      // Upload aborts its own multipart upload on failure; the staging object exists only once done() resolved.
      if (staged) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: staging })).catch(() => undefined);
    }
  }

  /** Runs one SDK call, turning its failure into a StorageError or a plain Error (see `failure`). */
  private async call<T>(op: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.failure(op, err);
    }
  }

  async head(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.s3Key(bucket, key) }));
      return fromS3Meta(bucket, key, r);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.failure('HeadObject', err);
    }
  }

  async get(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; body: Readable } | undefined> {
    let r;
    try {
      r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.s3Key(bucket, key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.failure('GetObject', err);
    }
    // With a Range, Content-Length is the part's: the object's size is after "/" in Content-Range.
    const total = r.ContentRange ? Number(/\/(\d+)$/.exec(r.ContentRange)?.[1]) : r.ContentLength;
    const meta = fromS3Meta(bucket, key, { ...r, ContentLength: Number.isFinite(total) ? total : r.ContentLength });
    const src = r.Body as Readable;
    const body = new PassThrough();
    // A stalled or broken store surfaces as ServiceUnavailable to the reader (a job retries on it).
    src.once('error', (err) => body.destroy(this.failure('GetObject', err)));
    body.once('close', () => {
      if (!src.readableEnded) src.destroy();
    });
    src.pipe(body);
    return { meta, body };
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const existed = (await this.head(bucket, key)) !== undefined;
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.s3Key(bucket, key) }));
    } catch (err) {
      if (!isNotFound(err)) throw this.failure('DeleteObject', err);
    }
    return existed;
  }

  async hasObjects(bucket: string): Promise<boolean> {
    const prefix = `${this.prefix}${bucket}/`;
    // V1, as in `list`: a truncated V2 page makes s3rver fail on its continuation token.
    const page = await this.call('ListObjects', () => this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 })));
    return (page.Contents?.length ?? 0) > 0;
  }

  async list(input: ListInput): Promise<ListResult> {
    const base = `${this.prefix}${input.bucket}/`;
    const fetchPage = async (marker: string | undefined, maxKeys: number): Promise<ListPage> => {
      const p = await this.call('ListObjects', () =>
        this.client.send(
          new ListObjectsCommand({
            Bucket: this.bucket,
            Prefix: base + input.prefix,
            Delimiter: input.delimiter === '' ? undefined : input.delimiter,
            Marker: marker === undefined ? undefined : base + marker,
            MaxKeys: maxKeys,
          }),
        ),
      );
      const contents = (p.Contents ?? []).map((c) => ({ key: c.Key!.slice(base.length), size: c.Size ?? 0, etag: (c.ETag ?? '').replace(/"/g, ''), lastModified: c.LastModified?.getTime() ?? 0 }));
      const commonPrefixes = (p.CommonPrefixes ?? []).map((c) => c.Prefix!.slice(base.length));
      const next = p.NextMarker !== undefined ? p.NextMarker.slice(base.length) : (contents.at(-1)?.key ?? commonPrefixes.at(-1));
      return { contents, commonPrefixes, nextMarker: p.IsTruncated ? next : undefined };
    };
    const res = await listCosStyle(input, fetchPage);
    // S3's ETag is the MD5 only for single-part uploads; otherwise ask for ours (rare: bodies above PART_SIZE
    // are copied, and most stores give a copy an MD5 ETag).
    const contents = await mapLimit(res.contents, 8, async (c): Promise<ObjectMeta> => {
      if (/^[0-9a-f]{32}$/.test(c.etag)) {
        return { bucket: input.bucket, key: c.key, size: c.size, etag: c.etag, crc64: '', lastModified: c.lastModified, contentType: '', headers: {}, userMeta: {}, storageClass: 'STANDARD' };
      }
      const meta = await this.head(input.bucket, c.key);
      return meta ?? { bucket: input.bucket, key: c.key, size: c.size, etag: c.etag, crc64: '', lastModified: c.lastModified, contentType: '', headers: {}, userMeta: {}, storageClass: 'STANDARD' };
    });
    return { contents, commonPrefixes: res.commonPrefixes, isTruncated: res.isTruncated, nextMarker: res.nextMarker };
  }

  async check(): Promise<string | undefined> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return undefined;
    } catch (err) {
      const failure = this.failure('HeadBucket', err);
      if (failure instanceof StorageError) return `${failure.message} Objects are unavailable (503) until it answers.`;
      const status = statusOf(err);
      throw new Error(
        status === 404 ? `The S3 bucket "${this.bucket}" does not exist: create it first.` : `The S3 bucket "${this.bucket}" cannot be used (HTTP ${status}): check the credentials and their permissions.`,
        { cause: err },
      );
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

interface MeteredBody {
  stream: Transform;
  /** Valid once the stream ended (flush checked length and MD5). */
  result(): { etag: string; crc64: string; size: number };
}

/**
 * Counts, hashes and checks a body as it passes: too large → EntityTooLarge at
 * once; at the end, a length other than Content-Length → EntitySizeNotMatch and
 * a Content-MD5 mismatch → BadDigest, raised before the stream ends so nothing
 * downstream ever completes an upload of a bad body.
 */
function meterBody(input: PutInput): MeteredBody {
  const md5 = createHash('md5');
  const crc = new Crc64();
  let size = 0;
  let out: { etag: string; crc64: string; size: number } | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > input.maxSize) return cb(new StorageError('EntityTooLarge', `The body exceeds the maximum object size ${input.maxSize}.`));
      md5.update(chunk);
      crc.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      if (input.contentLength !== undefined && size !== input.contentLength) {
        return cb(new StorageError('EntitySizeNotMatch', `Received ${size} bytes but Content-Length is ${input.contentLength}.`));
      }
      const digest = md5.digest();
      if (input.contentMd5 !== undefined && digest.toString('base64') !== input.contentMd5) {
        return cb(new StorageError('BadDigest', `Content-MD5 ${input.contentMd5} does not match the body (${digest.toString('base64')}).`));
      }
      out = { etag: digest.toString('hex'), crc64: crc.digestDecimal(), size };
      cb();
    },
  });
  return {
    stream,
    result: () => {
      if (!out) throw new Error('the body has not been read to its end');
      return out;
    },
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
