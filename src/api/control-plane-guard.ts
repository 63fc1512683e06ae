import { findAsrBucket, type AsrBucket } from '../store/control-plane.ts';
import { apiError } from '../http/errors/api-error.ts';
import type { HandlerArgs } from '../http/context.ts';
import { HitCache } from '../store/hit-cache.ts';
import type { MetadataStore } from '../store/store.ts';

/** The bucket of a CI bucket-scoped request. */
export function ciBucket(args: HandlerArgs): { bucket: string; region: string } {
  const a = args.ctx.address;
  if (a.kind !== 'ci-bucket') throw apiError('InvalidUrl');
  return { bucket: a.bucket, region: a.region };
}

/**
 * Enablements seen by read-only APIs, per store, for READ_CACHE_MS: a GET of a
 * job or a list costs one database round trip instead of two (the PostgreSQL
 * API path, bench scale-out). Only hits are cached, and only reads use them:
 * submitting a job or changing a template always checks the database, so
 * nothing is ever written to a queue that another process just removed. A
 * disable is seen at once by this process, by others within READ_CACHE_MS.
 */
const READ_CACHE_MS = 1000;
const readCache = new HitCache<AsrBucket>(READ_CACHE_MS);

/** Forget a bucket's cached enablement (this process disabled Smart Audio on it). */
export function forgetSmartAudio(store: MetadataStore, bucket: string): void {
  readCache.delete(store, bucket);
}

/**
 * Template, queue and job APIs need Smart Audio enabled on the bucket
 * (spec/README.md "Service-level preconditions" 2; spec/errors.md §7:
 * `400 InvalidArgument`, message MediaBucketUnBinded). `use: 'read'` may
 * answer from the short cache above.
 */
export async function requireSmartAudio(args: HandlerArgs, use: 'read' | 'write' = 'write'): Promise<AsrBucket> {
  const { bucket } = ciBucket(args);
  const store = args.deps.store;
  const now = Date.now();
  const hit = use === 'read' ? readCache.get(store, bucket, now) : undefined;
  if (hit) return hit;
  const enabled = await findAsrBucket(store.db, bucket);
  if (!enabled) {
    readCache.delete(store, bucket);
    throw apiError('MediaBucketUnBinded', `MediaBucketUnBinded: Smart Audio is not enabled on bucket ${bucket}; enable it with POST /asrbucket.`);
  }
  readCache.set(store, bucket, enabled, now);
  return enabled;
}
