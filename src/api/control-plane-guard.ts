import { findAsrBucket, type AsrBucket } from '../store/control-plane.ts';
import { apiError } from '../http/errors/api-error.ts';
import type { HandlerArgs } from '../http/context.ts';

/** The bucket of a CI bucket-scoped request. */
export function ciBucket(args: HandlerArgs): { bucket: string; region: string } {
  const a = args.ctx.address;
  if (a.kind !== 'ci-bucket') throw apiError('InvalidUrl');
  return { bucket: a.bucket, region: a.region };
}

/**
 * Template, queue and job APIs need Smart Audio enabled on the bucket
 * (spec/README.md "Service-level preconditions" 2; spec/errors.md §7:
 * `400 InvalidArgument`, message MediaBucketUnBinded).
 */
export async function requireSmartAudio(args: HandlerArgs): Promise<AsrBucket> {
  const { bucket } = ciBucket(args);
  const enabled = await findAsrBucket(args.deps.store.db, bucket);
  if (!enabled) throw apiError('MediaBucketUnBinded', `MediaBucketUnBinded: Smart Audio is not enabled on bucket ${bucket}; enable it with POST /asrbucket.`);
  return enabled;
}
