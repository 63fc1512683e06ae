import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { apiError } from '../http/errors/api-error.ts';
import type { HandlerArgs } from '../http/context.ts';
import { queryValue } from '../http/request-target.ts';
import { buildXml } from '../http/xml/build.ts';
import { listOf, parseXmlRequest, textOf, type XmlTree } from '../http/xml/parse.ts';
import { readBodyText, sendXml } from '../http/body.ts';
import { StorageError, type ObjectStorage } from '../storage/storage.ts';
import type { MetadataStore } from '../store/store.ts';
import { findBucket } from '../store/buckets.ts';
import { endUpload, existingUploadIds, expiredUploads, findUpload, insertUpload, listParts, listUploads, putPart, type MultipartUpload } from '../store/multipart.ts';
import { intParam, urlEncoding } from './cos-query.ts';
import { bodyFraming, checkObjectKey, objectSettings, openCopySource, requireBucket, storageApiError } from './objects.ts';

/**
 * COS multipart upload: Initiate, Upload Part, List Parts, Complete, Abort,
 * List Multipart Uploads. Not in spec/cos-objects.md (it calls multipart out
 * of scope), but the official SDKs' `uploadFile`/`sliceUploadFile` use it for
 * every file above their slice size (1 MB in the Node SDK), so an SDK user's
 * ordinary upload of an audio file depends on it. Shapes, limits and error
 * codes follow the COS API reference (Initiate/Upload Part/Complete Multipart
 * Upload, List Parts, List Multipart Uploads, Abort Multipart Upload).
 *
 * Upload state (settings, parts) lives in the metadata store
 * (src/store/multipart.ts); part bodies are objects of the object storage in
 * an internal bucket no tenant can name (bucket names cannot start with "."),
 * so they work on every storage backend and across API servers.
 */

/** Internal storage bucket of part bodies. */
export const PARTS_BUCKET = '.smart-audio-multipart';
/** COS: part numbers 1–10000; every part but the last at least 1 MB; a part at most 5 GB. */
const MAX_PART_NUMBER = 10_000;
const MIN_PART_BYTES = 1024 * 1024;
const MAX_LIST = 1000;

function objectAddress(args: HandlerArgs): { bucket: string; key: string } {
  const a = args.ctx.address;
  if (a.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  checkObjectKey(a.key);
  return { bucket: a.bucket, key: a.key };
}

const owner = (appid: string) => ({ ID: `qcs::cam::uin/${appid}:uin/${appid}`, DisplayName: appid });

function uploadIdOf(args: HandlerArgs): string {
  const id = queryValue(args.ctx.target.query, 'uploadId') ?? '';
  if (id === '') throw apiError('InvalidArgument', 'uploadId is empty.');
  return id;
}

async function requireUpload(args: HandlerArgs): Promise<MultipartUpload> {
  const { bucket, key } = objectAddress(args);
  await requireBucket(args);
  const id = uploadIdOf(args);
  const upload = await findUpload(args.deps.store.db, bucket, key, id);
  if (!upload) throw apiError('NoSuchUpload', `The upload ${id.slice(0, 100)} does not exist for this key: it was completed, aborted or never started.`);
  return upload;
}

/** POST /<key>?uploads — Initiate Multipart Upload. CAM `cos:InitiateMultipartUpload`. */
export async function initiateMultipartUpload(args: HandlerArgs): Promise<void> {
  const { bucket, key } = objectAddress(args);
  await requireBucket(args);
  const settings = objectSettings(args.req.headers);
  args.req.raw.resume();
  // COS upload ids: a time prefix and random hex.
  const uploadId = `${Math.floor(Date.now() / 1000)}${randomBytes(28).toString('hex')}`;
  const principal = args.ctx.principal;
  await insertUpload(args.deps.store, {
    uploadId,
    bucket,
    key,
    appid: principal.appid,
    initiator: principal.kind === 'root' ? principal.appid : principal.secretId,
    ...settings,
    initiatedAt: Date.now(),
  });
  sendXml(args, buildXml('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: uploadId }));
}

/** PUT /<key>?partNumber=N&uploadId=ID — Upload Part. CAM `cos:UploadPart`. */
export async function uploadPart(args: HandlerArgs): Promise<void> {
  const { deps, req, reply } = args;
  const partNumber = intParam(queryValue(args.ctx.target.query, 'partNumber'), 'partNumber', 1, MAX_PART_NUMBER, 0);
  if (partNumber === 0) throw apiError('InvalidArgument', 'partNumber is missing.');
  const upload = await requireUpload(args);
  // Upload Part - Copy (the SDKs' sliceCopyFile): the part's bytes come from an object (or a range of it).
  const copy = req.headers['x-cos-copy-source'] !== undefined ? await openCopySource(args, 'header') : undefined;
  const { contentLength, contentMd5 } = copy ? { contentLength: copy.range ? copy.range.end - copy.range.start + 1 : copy.meta.size, contentMd5: undefined } : bodyFraming(req.headers, 'Upload Part');
  if (copy) req.raw.resume();
  const blobKey = `${upload.uploadId}/${partNumber}/${randomBytes(8).toString('hex')}`;
  let meta;
  try {
    meta = await deps.storage.put({
      bucket: PARTS_BUCKET,
      key: blobKey,
      body: copy ? copy.body : req.raw,
      contentLength,
      contentMd5,
      maxSize: deps.config.maxObjectBytes,
      contentType: 'application/octet-stream',
      headers: {},
      userMeta: {},
      storageClass: 'STANDARD',
    });
  } catch (err) {
    copy?.body.destroy();
    throw storageApiError(err);
  }
  const recorded = await putPart(deps.store, upload.uploadId, { partNumber, etag: meta.etag, size: meta.size, blobKey, lastModified: meta.lastModified }).catch(async (err: unknown) => {
    await deps.storage.delete(PARTS_BUCKET, blobKey).catch(() => undefined);
    throw err;
  });
  if (!recorded) {
    // Completed or aborted while this part was arriving.
    await deps.storage.delete(PARTS_BUCKET, blobKey).catch(() => undefined);
    throw apiError('NoSuchUpload', `The upload ${upload.uploadId} ended while this part was being uploaded.`);
  }
  if (recorded.replaced) await deps.storage.delete(PARTS_BUCKET, recorded.replaced).catch(() => undefined);
  if (copy) {
    return sendXml(args, buildXml('CopyPartResult', { ETag: `"${meta.etag}"`, LastModified: new Date(meta.lastModified).toISOString() }));
  }
  reply.header('etag', `"${meta.etag}"`).header('x-cos-hash-crc64ecma', meta.crc64).code(200).send();
}

/** GET /<key>?uploadId=ID — List Parts. CAM `cos:ListParts`. */
export async function listUploadParts(args: HandlerArgs): Promise<void> {
  const upload = await requireUpload(args);
  const q = args.ctx.target.query;
  const { url, enc } = urlEncoding(q);
  const maxParts = intParam(queryValue(q, 'max-parts'), 'max-parts', 0, MAX_LIST, MAX_LIST);
  const marker = intParam(queryValue(q, 'part-number-marker'), 'part-number-marker', 0, MAX_PART_NUMBER, 0);
  const rows = await listParts(args.deps.store.db, upload.uploadId, marker, maxParts + 1);
  const parts = rows.slice(0, maxParts);
  const truncated = rows.length > maxParts;
  sendXml(args, buildXml('ListPartsResult', {
    Bucket: upload.bucket,
    'Encoding-type': url ? 'url' : undefined,
    Key: enc(upload.key),
    UploadId: upload.uploadId,
    Initiator: { ID: `qcs::cam::uin/${upload.appid}:uin/${upload.initiator}`, DisplayName: upload.initiator },
    Owner: owner(upload.appid),
    PartNumberMarker: marker,
    Part: parts.map((p) => ({ PartNumber: p.partNumber, LastModified: new Date(p.lastModified).toISOString(), ETag: `"${p.etag}"`, Size: p.size })),
    StorageClass: upload.storageClass,
    NextPartNumberMarker: parts.at(-1)?.partNumber ?? marker,
    MaxParts: maxParts,
    IsTruncated: truncated,
  }));
}

/** POST /<key>?uploadId=ID — Complete Multipart Upload. CAM `cos:CompleteMultipartUpload`. */
export async function completeMultipartUpload(args: HandlerArgs): Promise<void> {
  const { deps } = args;
  const upload = await requireUpload(args);
  const tree = parseXmlRequest(await readBodyText(args), 'CompleteMultipartUpload');
  const listed = completeList(tree);
  const stored = new Map((await listParts(deps.store.db, upload.uploadId)).map((p) => [p.partNumber, p]));
  const parts = listed.map(({ partNumber, etag }) => {
    const p = stored.get(partNumber);
    if (!p) throw apiError('InvalidPart', `Part ${partNumber} was not uploaded.`);
    if (etag !== undefined && etag !== p.etag) throw apiError('InvalidPart', `The ETag given for part ${partNumber} is not the ETag of the uploaded part.`);
    return p;
  });
  parts.forEach((p, i) => {
    if (i < parts.length - 1 && p.size < MIN_PART_BYTES) throw apiError('EntityTooSmall', `Part ${p.partNumber} is ${p.size} bytes; every part but the last must be at least ${MIN_PART_BYTES} bytes.`);
  });
  const total = parts.reduce((n, p) => n + p.size, 0);
  if (total > deps.config.maxObjectBytes) throw apiError('EntityTooLarge', `The parts add up to ${total} bytes; the largest object this server stores is ${deps.config.maxObjectBytes} bytes.`);
  // COS's multipart ETag: the MD5 of the parts' binary MD5s, then "-<part count>".
  const etag = `${createHash('md5').update(Buffer.concat(parts.map((p) => Buffer.from(p.etag, 'hex')))).digest('hex')}-${parts.length}`;
  const source = concatParts(deps.storage, parts.map((p) => p.blobKey));
  let meta;
  try {
    meta = await deps.storage.put({
      bucket: upload.bucket,
      key: upload.key,
      body: source.body,
      contentLength: total,
      maxSize: deps.config.maxObjectBytes,
      contentType: upload.contentType,
      headers: upload.headers,
      userMeta: upload.userMeta,
      storageClass: upload.storageClass,
      etag,
    });
  } catch (err) {
    // The object is not replaced. A part that could not be read: the upload ended meanwhile (a
    // concurrent abort or complete), the store is unreachable, or the part was uploaded again
    // (its old body deleted under us: as if its ETag changed).
    const failed = source.failure();
    const unavailable = (e: unknown) => e instanceof StorageError && e.kind === 'ServiceUnavailable';
    if (failed && !(await findUpload(deps.store.db, upload.bucket, upload.key, upload.uploadId))) {
      throw apiError('NoSuchUpload', `The upload ${upload.uploadId} was aborted or completed while it was being completed.`);
    }
    if (unavailable(failed)) throw storageApiError(failed);
    if (failed && !unavailable(err)) throw apiError('InvalidPart', 'A part was uploaded again while the upload was being completed; list the parts and complete again.');
    throw storageApiError(err);
  }
  const blobs = await endUpload(deps.store, upload.uploadId);
  if (blobs) await Promise.all(blobs.map((b) => deps.storage.delete(PARTS_BUCKET, b).catch(() => undefined)));
  const a = args.ctx.address;
  const region = a.kind === 'cos-bucket' ? a.region : '';
  sendXml(args, buildXml('CompleteMultipartUploadResult', {
    Location: `${upload.bucket}.cos.${region}.myqcloud.com/${encodeURIComponent(upload.key).replace(/%2F/g, '/')}`,
    Bucket: upload.bucket,
    Key: upload.key,
    ETag: `"${meta.etag}"`,
  }));
  args.reply.header('x-cos-hash-crc64ecma', meta.crc64);
}

/** The `<Part>` list of a Complete request: part numbers strictly ascending, ETags optional-quoted. */
function completeList(tree: XmlTree): Array<{ partNumber: number; etag: string | undefined }> {
  const parts = listOf(tree, 'Part');
  if (parts.length === 0) throw apiError('InvalidContent', 'CompleteMultipartUpload lists no <Part>.');
  if (parts.length > MAX_PART_NUMBER) throw apiError('InvalidContent', `CompleteMultipartUpload lists ${parts.length} parts; at most ${MAX_PART_NUMBER}.`);
  let last = 0;
  return parts.map((p, i) => {
    if (typeof p === 'string') throw apiError('InvalidContent', `Part ${i + 1}: expected <PartNumber> and <ETag>.`);
    const n = textOf(p, 'PartNumber', `Part[${i + 1}].PartNumber`);
    if (n === undefined || !/^\d{1,5}$/.test(n.trim()) || Number(n) < 1 || Number(n) > MAX_PART_NUMBER) throw apiError('InvalidContent', `Part[${i + 1}].PartNumber must be 1..${MAX_PART_NUMBER}.`);
    const partNumber = Number(n);
    if (partNumber <= last) throw apiError('InvalidPartOrder', `Parts must be listed in ascending order of PartNumber (${partNumber} follows ${last}).`);
    last = partNumber;
    const raw = textOf(p, 'ETag', `Part[${i + 1}].ETag`);
    const etag = raw === undefined ? undefined : raw.trim().replace(/^"|"$/g, '').replace(/^&quot;|&quot;$/g, '').toLowerCase();
    return { partNumber, etag };
  });
}

/**
 * One stream of the parts' bytes, read one after another (nothing buffered
 * beyond the streams' own). `failure()` tells a part that could not be read
 * (a concurrent abort deleted it) from a failure of the destination.
 */
function concatParts(storage: ObjectStorage, blobs: string[]): { body: Readable; failure: () => Error | undefined } {
  const out = new PassThrough();
  let failure: Error | undefined;
  let current: Readable | undefined;
  out.once('close', () => current?.destroy());
  void (async () => {
    for (const blob of blobs) {
      const opened = await storage.get(PARTS_BUCKET, blob);
      if (!opened) throw new Error(`a part's body (${blob}) is missing`);
      current = opened.body;
      await new Promise<void>((resolve, reject) => {
        opened.body.once('error', reject);
        opened.body.once('end', resolve);
        opened.body.once('close', () => (opened.body.readableEnded ? resolve() : reject(new Error('a part stopped'))));
        opened.body.pipe(out, { end: false });
      });
      if (out.destroyed) return;
    }
    out.end();
  })().catch((err: unknown) => {
    failure = err instanceof Error ? err : new Error(String(err));
    out.destroy(failure);
  });
  return { body: out, failure: () => failure };
}

/** DELETE /<key>?uploadId=ID — Abort Multipart Upload: 204. CAM `cos:AbortMultipartUpload`. */
export async function abortMultipartUpload(args: HandlerArgs): Promise<void> {
  const upload = await requireUpload(args);
  const blobs = await endUpload(args.deps.store, upload.uploadId);
  if (!blobs) throw apiError('NoSuchUpload', `The upload ${upload.uploadId} ended meanwhile.`);
  await Promise.all(blobs.map((b) => args.deps.storage.delete(PARTS_BUCKET, b).catch(() => undefined)));
  args.reply.code(204).send();
}

/** GET /?uploads — List Multipart Uploads. CAM `cos:ListMultipartUploads`. */
export async function listMultipartUploads(args: HandlerArgs): Promise<void> {
  const a = args.ctx.address;
  if (a.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  const bucket = a.bucket;
  if (!(await findBucket(args.deps.store, bucket))) throw apiError('NoSuchBucket', `The bucket ${bucket} does not exist.`);
  const q = args.ctx.target.query;
  const { url, enc } = urlEncoding(q);
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const keyMarker = queryValue(q, 'key-marker') ?? '';
  const uploadIdMarker = keyMarker === '' ? '' : (queryValue(q, 'upload-id-marker') ?? '');
  const maxUploads = intParam(queryValue(q, 'max-uploads'), 'max-uploads', 1, MAX_LIST, MAX_LIST);
  // Uploads and common prefixes count together against max-uploads, as keys and prefixes do in GET Bucket.
  const uploads: MultipartUpload[] = [];
  const prefixes: string[] = [];
  let cursor = { key: keyMarker, id: uploadIdMarker };
  let truncated = false;
  outer: for (;;) {
    const page = await listUploads(args.deps.store.db, bucket, { prefix, keyMarker: cursor.key, uploadIdMarker: cursor.id, limit: MAX_LIST });
    if (page.length === 0) break;
    for (const u of page) {
      const rest = u.key.slice(prefix.length);
      const cut = delimiter === '' ? -1 : rest.indexOf(delimiter);
      const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
      if (common !== undefined && prefixes.at(-1) === common) {
        cursor = { key: u.key, id: u.uploadId };
        continue;
      }
      if (uploads.length + prefixes.length === maxUploads) {
        truncated = true;
        break outer;
      }
      if (common !== undefined) prefixes.push(common);
      else uploads.push(u);
      cursor = { key: u.key, id: u.uploadId };
    }
    if (page.length < MAX_LIST) break;
  }
  sendXml(args, buildXml('ListMultipartUploadsResult', {
    Bucket: bucket,
    'Encoding-Type': url ? 'url' : undefined,
    KeyMarker: enc(keyMarker),
    UploadIdMarker: uploadIdMarker,
    // The last upload looked at (for a common prefix: its last key), so the next page starts after it.
    NextKeyMarker: truncated ? enc(cursor.key) : undefined,
    NextUploadIdMarker: truncated ? cursor.id : undefined,
    MaxUploads: maxUploads,
    IsTruncated: truncated,
    Prefix: prefix === '' ? undefined : enc(prefix),
    Delimiter: delimiter === '' ? undefined : enc(delimiter),
    Upload: uploads.map((u) => ({
      Key: enc(u.key),
      UploadId: u.uploadId,
      StorageClass: u.storageClass,
      Initiator: { ID: `qcs::cam::uin/${u.appid}:uin/${u.initiator}`, DisplayName: u.initiator },
      Owner: owner(u.appid),
      Initiated: new Date(u.initiatedAt).toISOString(),
    })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
  }));
}

/**
 * Aborts uploads older than `maxAgeMs` (COS leaves that to a lifecycle rule;
 * a self-hosted disk should not fill with abandoned parts, so the server does
 * it, `--multipart-expire-hours`). Safe to run in every process at once: each
 * upload ends in one transaction, by whoever gets there first.
 */
export async function sweepExpiredUploads(store: MetadataStore, storage: ObjectStorage, maxAgeMs: number, now = Date.now()): Promise<number> {
  let ended = 0;
  for (;;) {
    const ids = await expiredUploads(store.db, now - maxAgeMs, 100);
    for (const id of ids) {
      const blobs = await endUpload(store, id);
      if (!blobs) continue;
      ended++;
      await Promise.all(blobs.map((b) => storage.delete(PARTS_BUCKET, b).catch(() => undefined)));
    }
    if (ids.length < 100) break;
  }
  await sweepOrphanParts(store, storage);
  return ended;
}

/**
 * Part bodies whose upload has no row: a process stopped between writing a
 * part and recording it, or between ending an upload and deleting its parts.
 * Parts are stored under `<uploadId>/`, and an upload's row exists before any
 * of its parts can be written, so a prefix without a row is garbage.
 */
export async function sweepOrphanParts(store: MetadataStore, storage: ObjectStorage): Promise<number> {
  let deleted = 0;
  let marker = '';
  for (;;) {
    const page = await storage.list({ bucket: PARTS_BUCKET, prefix: '', delimiter: '/', marker, maxKeys: 1000 });
    const ids = page.commonPrefixes.map((p) => p.slice(0, -1));
    const live = await existingUploadIds(store.db, ids);
    for (const id of ids.filter((x) => !live.has(x))) {
      for (;;) {
        const blobs = await storage.list({ bucket: PARTS_BUCKET, prefix: `${id}/`, delimiter: '', marker: '', maxKeys: 1000 });
        let gone = 0;
        for (const b of blobs.contents) if (await storage.delete(PARTS_BUCKET, b.key).catch(() => false)) gone++;
        deleted += gone;
        // Listed again from the start: stop when a page could not be deleted (the store is failing).
        if (!blobs.isTruncated || gone === 0) break;
      }
    }
    if (!page.isTruncated || page.nextMarker === undefined) return deleted;
    marker = page.nextMarker;
  }
}
