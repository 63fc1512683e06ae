import { apiError } from '../http/errors/api-error.ts';
import type { HandlerArgs } from '../http/context.ts';
import { queryValue } from '../http/request-target.ts';
import { buildXml } from '../http/xml/build.ts';
import { deleteBucket, findBucket, insertBucket, listBuckets } from '../store/buckets.ts';
import { hasUploads } from '../store/multipart.ts';
import { intParam, urlEncoding } from './cos-query.ts';

/**
 * COS bucket-level calls (spec/cos-objects.md "GET Bucket", "Bucket existence"):
 * PUT/HEAD/DELETE Bucket, GET Bucket (list objects) and GET Service.
 */

function bucketOf(args: HandlerArgs): { bucket: string; region: string } {
  const a = args.ctx.address;
  if (a.kind !== 'cos-bucket') throw apiError('InvalidRequest');
  return { bucket: a.bucket, region: a.region };
}

/** PUT Bucket. CAM `cos:PutBucket`. */
export async function putBucket(args: HandlerArgs): Promise<void> {
  const { bucket, region } = bucketOf(args);
  const created = await insertBucket(args.deps.store, { name: bucket, appid: args.ctx.principal.appid, region, createdAt: Date.now() });
  if (!created) throw apiError('BucketAlreadyExists', `The bucket ${bucket} already exists.`);
  args.reply.code(200).send();
}

/** HEAD Bucket. CAM `cos:HeadBucket`. */
export async function headBucket(args: HandlerArgs): Promise<void> {
  const { bucket } = bucketOf(args);
  const b = await findBucket(args.deps.store, bucket);
  if (!b) throw apiError('NoSuchBucket', `The bucket ${bucket} does not exist.`);
  args.reply.header('x-cos-bucket-region', b.region).code(200).send();
}

/** DELETE Bucket (only when empty). CAM `cos:DeleteBucket`. */
export async function removeBucket(args: HandlerArgs): Promise<void> {
  const { bucket } = bucketOf(args);
  if (!(await findBucket(args.deps.store, bucket))) throw apiError('NoSuchBucket', `The bucket ${bucket} does not exist.`);
  if (await args.deps.storage.hasObjects(bucket)) throw apiError('BucketNotEmpty', `The bucket ${bucket} still holds objects.`);
  // Unfinished multipart uploads hold parts, as on COS: abort them first (ListMultipartUploads lists them).
  if (await hasUploads(args.deps.store.db, bucket)) throw apiError('BucketNotEmpty', `The bucket ${bucket} has unfinished multipart uploads; abort them first.`);
  await deleteBucket(args.deps.store, bucket);
  args.reply.code(204).send();
}

/** GET Bucket (List Objects) — spec/cos-objects.md. CAM `cos:GetBucket`. */
export async function listObjects(args: HandlerArgs): Promise<void> {
  const { bucket } = bucketOf(args);
  if (!(await findBucket(args.deps.store, bucket))) throw apiError('NoSuchBucket', `The bucket ${bucket} does not exist.`);
  const q = args.ctx.target.query;
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const marker = queryValue(q, 'marker') ?? '';
  const { url, enc } = urlEncoding(q);
  const maxKeys = intParam(queryValue(q, 'max-keys'), 'max-keys', 0, 1000, 1000);
  const res = await args.deps.storage.list({ bucket, prefix, delimiter, marker, maxKeys });
  const appid = args.ctx.principal.appid;
  const xml = buildXml('ListBucketResult', {
    Name: bucket,
    EncodingType: url ? 'url' : undefined,
    Prefix: enc(prefix),
    Marker: enc(marker),
    MaxKeys: maxKeys,
    Delimiter: delimiter === '' ? undefined : enc(delimiter),
    IsTruncated: res.isTruncated,
    NextMarker: res.isTruncated && res.nextMarker !== undefined ? enc(res.nextMarker) : undefined,
    CommonPrefixes: res.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    Contents: res.contents.map((o) => ({
      Key: enc(o.key),
      LastModified: new Date(o.lastModified).toISOString(),
      ETag: `"${o.etag}"`,
      Size: o.size,
      Owner: { ID: appid, DisplayName: appid },
      StorageClass: o.storageClass,
    })),
  });
  args.reply.code(200).header('content-type', 'application/xml').send(xml);
}

/**
 * GET Service (list the caller's buckets). CAM `cos:GetService`. On
 * `cos.<region>.<suffix>` only that region's buckets, as COS does; on
 * `service.cos.<suffix>`, a custom host or an IP, every region's.
 */
export async function listAllBuckets(args: HandlerArgs): Promise<void> {
  const appid = args.ctx.principal.appid;
  const a = args.ctx.address;
  const region = a.kind === 'cos-service' ? a.region : undefined;
  const buckets = (await listBuckets(args.deps.store, appid)).filter((b) => region === undefined || b.region === region);
  const xml = buildXml('ListAllMyBucketsResult', {
    Owner: { ID: `qcs::cam::uin/${appid}:uin/${appid}`, DisplayName: appid },
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, Location: b.region, CreationDate: new Date(b.createdAt).toISOString() })) },
  });
  args.reply.code(200).header('content-type', 'application/xml').send(xml);
}
