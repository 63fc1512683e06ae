import type { Kysely } from 'kysely';
import { prefixSuccessor } from '../domain/strings.ts';
import type { Database, MultipartPartsTable, MultipartUploadsTable } from './schema.ts';
import type { MetadataStore } from './store.ts';

/**
 * COS multipart uploads in progress (src/api/multipart.ts): one row per
 * upload, one per uploaded part. The parts' bytes are objects of the object
 * storage (internal bucket, `blob_key`); these rows say which blob is the
 * current one for each part number.
 */
export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  appid: string;
  initiator: string;
  contentType: string;
  headers: Record<string, string>;
  userMeta: Record<string, string>;
  storageClass: string;
  initiatedAt: number;
}

export interface MultipartPart {
  partNumber: number;
  /** Hex MD5 of the part, unquoted. */
  etag: string;
  size: number;
  blobKey: string;
  lastModified: number;
}

const toUpload = (r: MultipartUploadsTable): MultipartUpload => ({
  uploadId: r.upload_id,
  bucket: r.bucket,
  key: r.key,
  appid: r.appid,
  initiator: r.initiator,
  contentType: r.content_type,
  headers: JSON.parse(r.headers) as Record<string, string>,
  userMeta: JSON.parse(r.user_meta) as Record<string, string>,
  storageClass: r.storage_class,
  initiatedAt: Number(r.initiated_at),
});

const toPart = (r: MultipartPartsTable): MultipartPart => ({
  partNumber: Number(r.part_number),
  etag: r.etag,
  size: Number(r.size),
  blobKey: r.blob_key,
  lastModified: Number(r.last_modified),
});

export async function insertUpload(store: MetadataStore, u: MultipartUpload): Promise<void> {
  await store.db
    .insertInto('multipart_uploads')
    .values({
      upload_id: u.uploadId,
      bucket: u.bucket,
      key: u.key,
      appid: u.appid,
      initiator: u.initiator,
      content_type: u.contentType,
      headers: JSON.stringify(u.headers),
      user_meta: JSON.stringify(u.userMeta),
      storage_class: u.storageClass,
      initiated_at: u.initiatedAt,
    })
    .execute();
}

/** The upload `uploadId` of `bucket`/`key`, if it is still in progress. */
export async function findUpload(db: Kysely<Database>, bucket: string, key: string, uploadId: string): Promise<MultipartUpload | undefined> {
  const row = await db.selectFrom('multipart_uploads').selectAll().where('upload_id', '=', uploadId).where('bucket', '=', bucket).where('key', '=', key).executeTakeFirst();
  return row ? toUpload(row) : undefined;
}

/**
 * Records a part (a new one, or a new body for a part number already
 * uploaded: the last one wins, as on COS). Returns the blob it replaced, for
 * the caller to delete; undefined when the upload ended meanwhile (the caller
 * then deletes the new blob: it belongs to nothing).
 */
export async function putPart(store: MetadataStore, uploadId: string, part: MultipartPart): Promise<{ replaced: string | undefined } | undefined> {
  return store.writeTx(async (tx) => {
    const upload = await tx.selectFrom('multipart_uploads').select('upload_id').where('upload_id', '=', uploadId).executeTakeFirst();
    if (!upload) return undefined;
    const previous = await tx.selectFrom('multipart_parts').select('blob_key').where('upload_id', '=', uploadId).where('part_number', '=', part.partNumber).executeTakeFirst();
    const values = { etag: part.etag, size: part.size, blob_key: part.blobKey, last_modified: part.lastModified };
    await tx
      .insertInto('multipart_parts')
      .values({ upload_id: uploadId, part_number: part.partNumber, ...values })
      .onConflict((oc) => oc.columns(['upload_id', 'part_number']).doUpdateSet(values))
      .execute();
    return { replaced: previous?.blob_key };
  });
}

/** Parts in part-number order after `marker`, at most `limit` (+1 to tell whether more follow). */
export async function listParts(db: Kysely<Database>, uploadId: string, marker = 0, limit?: number): Promise<MultipartPart[]> {
  let q = db.selectFrom('multipart_parts').selectAll().where('upload_id', '=', uploadId).where('part_number', '>', marker).orderBy('part_number');
  if (limit !== undefined) q = q.limit(limit);
  return (await q.execute()).map(toPart);
}

/**
 * Ends an upload (completed or aborted): its rows go in one transaction.
 * Returns the blobs of its parts, for the caller to delete, or undefined when
 * it had already ended (a concurrent complete or abort won).
 */
export async function endUpload(store: MetadataStore, uploadId: string): Promise<string[] | undefined> {
  return store.writeTx(async (tx) => {
    const gone = await tx.deleteFrom('multipart_uploads').where('upload_id', '=', uploadId).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) return undefined;
    const parts = await tx.selectFrom('multipart_parts').select('blob_key').where('upload_id', '=', uploadId).execute();
    await tx.deleteFrom('multipart_parts').where('upload_id', '=', uploadId).execute();
    return parts.map((p) => p.blob_key);
  });
}

/**
 * Uploads of a bucket in (key, upload id) order, after the markers (COS
 * ListMultipartUploads: `key-marker` alone skips that key's uploads; with
 * `upload-id-marker`, that key's uploads after the id), whose keys start
 * with `prefix`. At most `limit` rows.
 */
export async function listUploads(db: Kysely<Database>, bucket: string, o: { prefix: string; keyMarker: string; uploadIdMarker: string; limit: number }): Promise<MultipartUpload[]> {
  let q = db.selectFrom('multipart_uploads').selectAll().where('bucket', '=', bucket);
  if (o.prefix !== '') {
    // An index range (text compares byte-wise: UTF-8 = code point order), as for template name prefixes.
    q = q.where('key', '>=', o.prefix);
    const upper = prefixSuccessor(o.prefix);
    if (upper !== undefined) q = q.where('key', '<', upper);
  }
  if (o.keyMarker !== '') {
    q = o.uploadIdMarker !== ''
      ? q.where((eb) => eb.or([eb('key', '>', o.keyMarker), eb.and([eb('key', '=', o.keyMarker), eb('upload_id', '>', o.uploadIdMarker)])]))
      : q.where('key', '>', o.keyMarker);
  }
  const rows = await q.orderBy('key').orderBy('upload_id').limit(o.limit).execute();
  return rows.map(toUpload);
}

export async function hasUploads(db: Kysely<Database>, bucket: string): Promise<boolean> {
  return (await db.selectFrom('multipart_uploads').select('upload_id').where('bucket', '=', bucket).limit(1).executeTakeFirst()) !== undefined;
}

/** Upload ids started before `before` (any bucket), oldest first, at most `limit`. */
export async function expiredUploads(db: Kysely<Database>, before: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('multipart_uploads').select('upload_id').where('initiated_at', '<', before).orderBy('initiated_at').limit(limit).execute();
  return rows.map((r) => r.upload_id);
}

/** Which of `ids` are uploads in progress. */
export async function existingUploadIds(db: Kysely<Database>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('multipart_uploads').select('upload_id').where('upload_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.upload_id));
}
