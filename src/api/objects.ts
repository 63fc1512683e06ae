import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { httpDate } from '../domain/time.ts';
import { apiError, ApiError, toApiError } from '../http/errors/api-error.ts';
import type { HandlerArgs } from '../http/context.ts';
import { authorize, checkBucketAccount } from '../http/auth/principals.ts';
import { readBodyText, sendXml } from '../http/body.ts';
import { queryValue } from '../http/request-target.ts';
import { buildXml } from '../http/xml/build.ts';
import { listOf, parseXmlRequest, textOf } from '../http/xml/parse.ts';
import { cosResource } from '../iam/resources.ts';
import { StorageError, type ObjectMeta } from '../storage/storage.ts';
import { findBucket } from '../store/buckets.ts';

/**
 * COS object API (spec/cos-objects.md): PUT/GET/HEAD/DELETE Object. Bodies
 * stream between the socket and storage; nothing holds a whole object in memory.
 */

/** spec/cos-objects.md "Object keys"; COS limits keys to 850 bytes. */
const MAX_KEY_BYTES = 850;
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'expires'] as const;
const STORAGE_CLASSES = new Set(['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'ARCHIVE', 'DEEP_ARCHIVE', 'MAZ_STANDARD', 'MAZ_STANDARD_IA', 'MAZ_INTELLIGENT_TIERING']);
const MAX_USER_META_BYTES = 2048;

/**
 * Keys are any UTF-8, but a key that HTTP clients would rewrite (`.`/`..`
 * segments) or that holds control characters could never be addressed
 * reliably: refuse it up front (InvalidURI) instead of storing it.
 */
export function checkObjectKey(key: string): void {
  if (key === '') throw apiError('InvalidURI', 'The object key is empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw apiError('KeyTooLong', `The object key is ${Buffer.byteLength(key, 'utf8')} bytes; the limit is ${MAX_KEY_BYTES}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw apiError('InvalidURI', 'The object key contains control characters (such as NUL).');
  if (key.split('/').some((seg) => seg === '.' || seg === '..')) throw apiError('InvalidURI', `The object key "${key.slice(0, 200)}" contains a "." or ".." segment.`);
  if (/[\ud800-\udfff]/.test(key.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) throw apiError('InvalidURI', 'The object key is not valid UTF-8.');
}

export async function requireBucket(args: HandlerArgs): Promise<void> {
  const bucket = args.ctx.address.kind === 'cos-bucket' ? args.ctx.address.bucket : '';
  if (!(await findBucket(args.deps.store, bucket))) throw apiError('NoSuchBucket', `The bucket ${bucket} does not exist.`);
}

export function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** What a PUT Object (or an Initiate Multipart Upload) stores besides the body: type, standard headers, x-cos-meta-*, storage class. */
export function objectSettings(h: IncomingHttpHeaders): { contentType: string; headers: Record<string, string>; userMeta: Record<string, string>; storageClass: string } {
  const storageClass = (single(h, 'x-cos-storage-class') ?? 'STANDARD').toUpperCase();
  if (!STORAGE_CLASSES.has(storageClass)) throw apiError('InvalidArgument', `x-cos-storage-class "${storageClass}" is not a storage class.`);
  const userMeta: Record<string, string> = {};
  let metaBytes = 0;
  for (const [name, value] of Object.entries(h)) {
    if (!name.startsWith('x-cos-meta-') || value === undefined) continue;
    const v = Array.isArray(value) ? value.join(',') : value;
    userMeta[name] = v;
    metaBytes += Buffer.byteLength(name) + Buffer.byteLength(v);
  }
  if (metaBytes > MAX_USER_META_BYTES) throw apiError('InvalidArgument', `x-cos-meta-* headers total ${metaBytes} bytes; the limit is ${MAX_USER_META_BYTES}.`);
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = single(h, name);
    if (v !== undefined && v !== '') headers[name] = v;
  }
  const contentType = single(h, 'content-type')?.trim();
  return { contentType: contentType ? contentType : 'application/octet-stream', headers, userMeta, storageClass };
}

/** The body's declared length (Content-Length, or chunked) and Content-MD5, as PUT Object and Upload Part take them. */
export function bodyFraming(h: IncomingHttpHeaders, api: string): { contentLength: number | undefined; contentMd5: string | undefined } {
  const lengthHeader = single(h, 'content-length');
  const chunked = /chunked/i.test(single(h, 'transfer-encoding') ?? '');
  if (lengthHeader === undefined && !chunked) throw apiError('MissingContentLength', `${api} needs Content-Length or chunked transfer encoding.`);
  const md5 = single(h, 'content-md5');
  if (md5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) throw apiError('InvalidDigest', `Content-MD5 "${md5.slice(0, 64)}" is not the base64 of a 16-byte MD5.`);
  return { contentLength: lengthHeader === undefined ? undefined : Number(lengthHeader), contentMd5: md5?.trim() };
}

/** Storage failures on the wire (a client that hung up mid-body: EntitySizeNotMatch). */
export function storageApiError(err: unknown): unknown {
  if (err instanceof StorageError) {
    if (err.kind === 'BodyAborted') return new ApiError('EntitySizeNotMatch', err.message, { cause: err });
    return new ApiError(err.kind, err.message, { cause: err });
  }
  return err;
}

/** PUT Object — spec/cos-objects.md "PUT Object". CAM `cos:PutObject`. */
export async function putObject(args: HandlerArgs): Promise<void> {
  const { req, reply, deps, ctx } = args;
  if (ctx.address.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  const key = ctx.address.key;
  checkObjectKey(key);
  await requireBucket(args);
  if (single(req.headers, 'x-cos-copy-source') !== undefined) return copyObject(args);
  const { contentLength, contentMd5 } = bodyFraming(req.headers, 'PUT Object');
  const settings = objectSettings(req.headers);
  let meta: ObjectMeta;
  try {
    meta = await deps.storage.put({ bucket: ctx.address.bucket, key, body: req.raw, contentLength, contentMd5, maxSize: deps.config.maxObjectBytes, ...settings });
  } catch (err) {
    throw storageApiError(err);
  }
  reply.header('etag', `"${meta.etag}"`).header('x-cos-hash-crc64ecma', meta.crc64).code(200).send();
}

function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const out: Record<string, string> = {
    'content-type': meta.contentType,
    etag: `"${meta.etag}"`,
    'last-modified': httpDate(meta.lastModified),
    'accept-ranges': 'bytes',
    'x-cos-hash-crc64ecma': meta.crc64,
    ...meta.headers,
    ...meta.userMeta,
  };
  if (meta.storageClass !== 'STANDARD') out['x-cos-storage-class'] = meta.storageClass;
  return out;
}

/** RFC 7232 conditionals, in the RFC's order of evaluation (§6). */
function checkConditions(headers: IncomingHttpHeaders, meta: ObjectMeta): void {
  const tag = `"${meta.etag}"`;
  const matches = (list: string) => list.split(',').map((s) => s.trim()).some((t) => t === '*' || t === tag || t === meta.etag || t === `W/${tag}`);
  const seconds = Math.floor(meta.lastModified / 1000);
  const ifMatch = single(headers, 'if-match');
  const ifUnmod = single(headers, 'if-unmodified-since');
  if (ifMatch !== undefined) {
    if (!matches(ifMatch)) throw apiError('PreconditionFailed', 'If-Match does not match the object ETag.');
  } else if (ifUnmod !== undefined) {
    const t = Date.parse(ifUnmod);
    if (!Number.isNaN(t) && seconds > Math.floor(t / 1000)) throw apiError('PreconditionFailed', 'The object was modified after If-Unmodified-Since.');
  }
  const ifNone = single(headers, 'if-none-match');
  const ifMod = single(headers, 'if-modified-since');
  if (ifNone !== undefined) {
    if (matches(ifNone)) throw apiError('NotModified');
  } else if (ifMod !== undefined) {
    const t = Date.parse(ifMod);
    if (!Number.isNaN(t) && seconds <= Math.floor(t / 1000)) throw apiError('NotModified');
  }
}

/** Parses a single `bytes=` range (RFC 7233 §2.1); multiple ranges are served whole, as the spec allows one range only. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | 'unsatisfiable' {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return undefined; // syntactically invalid: ignore the header
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

const RESPONSE_OVERRIDES: Array<[string, string]> = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** GET/HEAD Object — spec/cos-objects.md. CAM `cos:GetObject` / `cos:HeadObject`. */
export async function getObject(args: HandlerArgs): Promise<void> {
  const { req, reply, deps, ctx } = args;
  if (ctx.address.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  const key = ctx.address.key;
  checkObjectKey(key);
  await requireBucket(args);
  const head = req.method === 'HEAD';
  const rangeHeader = single(req.headers, 'range');
  // A whole-object GET opens metadata and body in one storage call (one round trip to an S3
  // store, and no replacement can slip in between); HEAD and Range GETs look the object up first.
  let opened = !head && rangeHeader === undefined ? await deps.storage.get(ctx.address.bucket, key) : undefined;
  const meta = opened ? opened.meta : await deps.storage.head(ctx.address.bucket, key);
  if (!meta) throw apiError('NoSuchKey', `The key ${key.slice(0, 200)} does not exist.`);
  try {
    checkConditions(req.headers, meta);
    const range = parseRange(rangeHeader, meta.size);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${meta.size}`);
      throw apiError('InvalidRange', `The range "${rangeHeader}" is outside the object of ${meta.size} bytes.`);
    }
    const headers = objectHeaders(meta);
    for (const [param, header] of RESPONSE_OVERRIDES) {
      const v = queryValue(ctx.target.query, param);
      if (v !== undefined) headers[header] = v;
    }
    reply.headers(headers);
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${meta.size}`).header('content-length', String(range.end - range.start + 1));
    } else {
      reply.code(200).header('content-length', String(meta.size));
    }
    if (head) return void reply.send();
    if (!opened) {
      opened = await deps.storage.get(ctx.address.bucket, key, range ?? (meta.size === 0 ? undefined : { start: 0, end: meta.size - 1 }));
      if (!opened) throw apiError('NoSuchKey', `The key ${key.slice(0, 200)} does not exist.`);
      if (opened.meta.etag !== meta.etag) {
        // Replaced between HEAD and open: headers already describe the old one; make the client retry.
        throw apiError('ServiceUnavailable', 'The object changed while it was being read; retry.');
      }
    }
    return void reply.send(opened.body);
  } catch (err) {
    opened?.body.destroy();
    throw err;
  }
}

/** DELETE Object — spec/cos-objects.md: 204 whether or not the key existed. CAM `cos:DeleteObject`. */
export async function deleteObject(args: HandlerArgs): Promise<void> {
  const { reply, deps, ctx } = args;
  if (ctx.address.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  checkObjectKey(ctx.address.key);
  await requireBucket(args);
  await deps.storage.delete(ctx.address.bucket, ctx.address.key);
  reply.code(204).send();
}

/** COS: at most 1000 keys per Delete Multiple Objects request. */
const MAX_DELETE_KEYS = 1000;

/**
 * POST /?delete — Delete Multiple Objects (COS API reference; used by the
 * SDKs' `deleteMultipleObject`). Each key is authorised as its own
 * `cos:DeleteObject` (the action the SDKs scope it by): a denied or invalid
 * key is reported in `<Error>`, the others are deleted. `<Quiet>true` lists
 * only the errors. The body's Content-MD5 is checked when sent.
 */
export async function deleteMultipleObjects(args: HandlerArgs): Promise<void> {
  const { ctx, deps } = args;
  const a = ctx.address;
  if (a.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  await requireBucket(args);
  const tree = parseXmlRequest(await readBodyText(args), 'Delete');
  const quiet = (textOf(tree, 'Quiet') ?? 'false').trim().toLowerCase() === 'true';
  const objects = listOf(tree, 'Object');
  if (objects.length === 0) throw apiError('InvalidContent', 'Delete lists no <Object>.');
  if (objects.length > MAX_DELETE_KEYS) throw apiError('InvalidContent', `Delete lists ${objects.length} objects; at most ${MAX_DELETE_KEYS}.`);
  const keys = objects.map((o, i) => {
    const key = typeof o === 'string' ? undefined : textOf(o, 'Key', `Object[${i + 1}].Key`);
    if (key === undefined) throw apiError('InvalidContent', `Object[${i + 1}] has no <Key>.`);
    return key;
  });
  const deleted: Array<{ Key: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  for (const key of keys) {
    try {
      checkObjectKey(key);
      authorize(ctx.principal, 'cos:DeleteObject', [cosResource(a.region, ctx.principal.appid, a.bucket, key)]);
      await deps.storage.delete(a.bucket, key);
      deleted.push({ Key: key });
    } catch (err) {
      const e = toApiError(err);
      if (e.errorName === 'ServiceUnavailable' || e.errorName === 'InternalError') throw e;
      errors.push({ Key: key, Code: e.wire('cos').code, Message: e.message });
    }
  }
  sendXml(args, buildXml('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors }));
}

/**
 * The object an `x-cos-copy-source` header names: `<bucket>.cos.<region>.<domain>/<key>`
 * (what the SDKs send; any domain suffix, as this server may be behind its own name) or
 * path-style `<bucket>/<key>`; the key percent-encoded, an optional `?versionId=` ignored
 * (no versioning). The caller must own the bucket and may read the key (`cos:GetObject`).
 */
export async function openCopySource(args: HandlerArgs, range?: { start: number; end: number } | 'header'): Promise<{ meta: ObjectMeta; body: Readable; range: { start: number; end: number } | undefined }> {
  const { ctx, deps, req } = args;
  const raw = single(req.headers, 'x-cos-copy-source')!.trim().replace(/^https?:\/\//i, '');
  const m = /^\/?([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.[^/]+\/(.+)$/i.exec(raw) ?? /^\/?([a-z0-9-]+-\d+)\/(.+)$/i.exec(raw);
  if (!m) throw apiError('InvalidArgument', `x-cos-copy-source "${raw.slice(0, 200)}" is not <bucket>.cos.<region>.myqcloud.com/<key>.`);
  const [bucket, region, encodedKey] = m.length === 4 ? [m[1]!, m[2]!, m[3]!] : [m[1]!, ctx.address.kind === 'cos-bucket' ? ctx.address.region : '', m[2]!];
  let key: string;
  try {
    key = decodeURIComponent(encodedKey.replace(/\?versionId=[^&]*$/, ''));
  } catch {
    throw apiError('InvalidArgument', 'x-cos-copy-source: the key is not valid percent-encoded UTF-8.');
  }
  checkObjectKey(key);
  checkBucketAccount(ctx.principal, bucket);
  authorize(ctx.principal, 'cos:GetObject', [cosResource(region, ctx.principal.appid, bucket, key)]);
  if (!(await findBucket(deps.store, bucket))) throw apiError('NoSuchBucket', `The copy source bucket ${bucket} does not exist.`);
  const meta = await deps.storage.head(bucket, key);
  if (!meta) throw apiError('NoSuchKey', `The copy source ${bucket}/${key.slice(0, 200)} does not exist.`);
  // x-cos-copy-source-If-* are the source's conditions; a failed one is 412 (NotModified too, as COS does).
  const conditions: IncomingHttpHeaders = {};
  for (const name of ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']) {
    const v = single(req.headers, `x-cos-copy-source-${name}`);
    if (v !== undefined) conditions[name] = v;
  }
  try {
    checkConditions(conditions, meta);
  } catch (err) {
    if (err instanceof ApiError && err.errorName === 'NotModified') throw apiError('PreconditionFailed', 'x-cos-copy-source-If-None-Match / If-Modified-Since did not hold.');
    throw err;
  }
  let span: { start: number; end: number } | undefined;
  if (range === 'header') {
    const header = single(req.headers, 'x-cos-copy-source-range');
    if (header !== undefined) {
      const r = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
      if (!r || Number(r[1]) > Number(r[2]) || Number(r[2]) >= meta.size) throw apiError('InvalidArgument', `x-cos-copy-source-range "${header.slice(0, 64)}" is not bytes=first-last within the source's ${meta.size} bytes.`);
      span = { start: Number(r[1]), end: Number(r[2]) };
    }
  } else span = range;
  const opened = await deps.storage.get(bucket, key, span ?? (meta.size === 0 ? undefined : { start: 0, end: meta.size - 1 }));
  if (!opened || opened.meta.etag !== meta.etag) {
    opened?.body.destroy();
    throw apiError('ServiceUnavailable', 'The copy source changed while it was being read; retry.');
  }
  return { meta, body: opened.body, range: span };
}

/**
 * PUT Object - Copy (`x-cos-copy-source`; the SDKs' putObjectCopy). Metadata
 * comes from the source (`x-cos-metadata-directive: Copy`, the default) or
 * from this request (`Replaced`). Answers `<CopyObjectResult>`.
 */
async function copyObject(args: HandlerArgs): Promise<void> {
  const { req, reply, deps, ctx } = args;
  if (ctx.address.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  const directive = (single(req.headers, 'x-cos-metadata-directive') ?? 'Copy').trim();
  if (directive !== 'Copy' && directive !== 'Replaced') throw apiError('InvalidArgument', `x-cos-metadata-directive must be Copy or Replaced, got "${directive.slice(0, 32)}".`);
  req.raw.resume();
  const source = await openCopySource(args);
  if (directive === 'Copy' && source.meta.bucket === ctx.address.bucket && source.meta.key === ctx.address.key) {
    source.body.destroy();
    throw apiError('InvalidRequest', 'Copying an object onto itself needs x-cos-metadata-directive: Replaced (nothing would change otherwise).');
  }
  const settings = directive === 'Replaced' ? objectSettings(req.headers) : { contentType: source.meta.contentType, headers: source.meta.headers, userMeta: source.meta.userMeta, storageClass: (single(req.headers, 'x-cos-storage-class') ?? source.meta.storageClass).toUpperCase() };
  if (!STORAGE_CLASSES.has(settings.storageClass)) throw apiError('InvalidArgument', `x-cos-storage-class "${settings.storageClass}" is not a storage class.`);
  let meta: ObjectMeta;
  try {
    meta = await deps.storage.put({ bucket: ctx.address.bucket, key: ctx.address.key, body: source.body, contentLength: source.meta.size, maxSize: deps.config.maxObjectBytes, ...settings });
  } catch (err) {
    source.body.destroy();
    throw storageApiError(err);
  }
  reply.header('x-cos-hash-crc64ecma', meta.crc64);
  sendXml(args, buildXml('CopyObjectResult', { ETag: `"${meta.etag}"`, CRC64: meta.crc64, LastModified: new Date(meta.lastModified).toISOString() }));
}
