import { newQueueId } from '../domain/ids.ts';
import { EMPTY_NOTIFY_CONFIG } from '../domain/queues.ts';
import { formatCiTime } from '../domain/time.ts';
import { authorizeEach, isRootOrAllowedSomewhere } from '../http/auth/principals.ts';
import { readBodyText, sendXml } from '../http/body.ts';
import type { HandlerArgs } from '../http/context.ts';
import { apiError } from '../http/errors/api-error.ts';
import { buildXml } from '../http/xml/build.ts';
import { ciResource } from '../iam/resources.ts';
import { findBucket } from '../store/buckets.ts';
import { disableAsrBucket, enableAsrBucket, listAsrBuckets } from '../store/control-plane.ts';
import { ciBucket, forgetSmartAudio } from './control-plane-guard.ts';
import { listQuery, parsePaging } from './paging.ts';

/** Enable / list / disable Smart Audio (spec/buckets-queues.md §1–3). */

/**
 * POST /asrbucket — CAM `ci:CreateAsrBucket`. Binds the bucket and creates its
 * queue (`p` + 32 hex, Active, MaxSize/MaxConcurrent from settings).
 * The COS bucket must exist: Smart Audio works on objects already in it.
 * AMBIGUITY → chose `403 MediaBucketAlreadyBinded` when already enabled (what
 * issue #3 asks for, from the error table), not the spec's idempotent 200.
 */
export async function createAsrBucket(args: HandlerArgs): Promise<void> {
  const { bucket, region } = ciBucket(args);
  await readBodyText(args); // documented as empty; drained so keep-alive stays clean
  const cos = await findBucket(args.deps.store, bucket);
  if (!cos) throw apiError('NoSuchBucket', `The bucket ${bucket} does not exist; create it with PUT Bucket first.`);
  const now = Date.now();
  const queueId = newQueueId();
  const enabled = await enableAsrBucket(
    args.deps.store,
    { bucket, appid: args.ctx.principal.appid, region: cos.region || region, queueId, createdAt: now },
    {
      id: queueId,
      bucket,
      name: `smart-audio-${bucket}`.slice(0, 128),
      state: 'Active',
      maxSize: args.deps.config.queueMaxSize,
      maxConcurrent: args.deps.config.queueMaxConcurrent,
      notifyConfig: { ...EMPTY_NOTIFY_CONFIG },
      createdAt: now,
      updatedAt: now,
    },
  );
  if (!enabled) throw apiError('MediaBucketAlreadyBinded', `Smart Audio is already enabled on bucket ${bucket}.`);
  sendXml(
    args,
    buildXml('Response', {
      RequestId: args.ctx.requestId,
      AsrBucket: { BucketId: bucket, Name: bucket, Region: enabled.region, CreateTime: formatCiTime(now) },
    }),
  );
}

/**
 * DELETE /asrbucket — CAM `ci:DeleteAsrBucket`. Removes the queue and the
 * enablement in one transaction; queued jobs are cancelled, running jobs
 * finish, templates stay (spec/buckets-queues.md §3 → Impl). Idempotent.
 */
export async function deleteAsrBucket(args: HandlerArgs): Promise<void> {
  const { bucket } = ciBucket(args);
  await disableAsrBucket(args.deps.store, bucket, args.deps.onQueueDeleted);
  forgetSmartAudio(args.deps.store, bucket);
  sendXml(args, buildXml('Response', { RequestId: args.ctx.requestId, BucketName: bucket }));
}

/**
 * GET /asrbucket on the regional host — CAM `ci:DescribeAsrBuckets`
 * (API-level). Lists the caller's APPID only; a sub-account sees the buckets
 * its policy allows the action on.
 */
export async function describeAsrBuckets(args: HandlerArgs): Promise<void> {
  const q = args.ctx.target.query;
  const { pageNumber, pageSize, offset } = parsePaging(q);
  const regions = listQuery(q, 'regions')?.filter((r) => r.toLowerCase() !== 'all');
  const bucketNames = listQuery(q, 'bucketNames');
  const bucketPrefix = q.find((p) => p.key.toLowerCase() === 'bucketname')?.value || undefined;
  const principal = args.ctx.principal;
  if (!isRootOrAllowedSomewhere(principal, 'ci:DescribeAsrBuckets')) {
    throw apiError('AccessDenied', `The key ${principal.secretId} is not allowed ci:DescribeAsrBuckets.`);
  }
  const all = await listAsrBuckets(args.deps.store, { appid: principal.appid, regions, bucketNames, bucketPrefix });
  const visible = authorizeEach(principal, 'ci:DescribeAsrBuckets', all, (b) => [ciResource(b.region, b.appid, b.bucket, 'asrbucket')]);
  const page = visible.slice(offset, offset + pageSize);
  sendXml(
    args,
    buildXml('Response', {
      TotalCount: visible.length,
      RequestId: args.ctx.requestId,
      PageNumber: pageNumber,
      PageSize: pageSize,
      AsrBucketList: page.map((b) => ({ Name: b.bucket, CreateTime: formatCiTime(b.createdAt), Region: b.region, AliasBucketId: '', BucketId: b.bucket })),
    }),
  );
}

