import { ApiError } from './errors/api-error.ts';

/**
 * Host → what the request addresses (spec/README.md "Endpoints / hosts",
 * spec/clients.md §1). The Host is only read, never rewritten: it is part of
 * what clients sign.
 *
 * - `<bucket>.ci.<region>.<suffix>`  → CI, bucket-scoped
 * - `ci.<region>.<suffix>`           → CI regional (GET /asrbucket)
 * - `<bucket>.cos.<region>.<suffix>` → COS object API of the bucket
 * - `cos.<region>.<suffix>`          → COS service: list the buckets of that region
 * - `service.cos.<suffix>`           → COS service: list the buckets of every region (the
 *   official SDKs' `getService` without a Region, as on COS itself)
 * - any other Host (an IP, localhost, a custom domain): the configured default
 *   bucket if there is one (what the Node SDK's `Domain` option needs),
 *   else path-style COS: `/<bucket>/<key>`.
 */
export type Address =
  | { kind: 'ci-bucket'; bucket: string; region: string }
  | { kind: 'ci-regional'; region: string }
  | { kind: 'cos-bucket'; bucket: string; region: string; key: string }
  /** `region` undefined: every region. */
  | { kind: 'cos-service'; region: string | undefined };

export interface AddressingOptions {
  domainSuffixes: readonly string[];
  defaultBucket: string | undefined;
  defaultRegion: string;
}

export const BUCKET_RE = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?-\d{1,20}$/;
const REGION_RE = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** Host without port, lower-cased (`[::1]:80` → `[::1]`). */
export function hostname(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function resolveAddress(host: string, decodedPath: string, opts: AddressingOptions): Address {
  const name = hostname(host);
  for (const suffix of opts.domainSuffixes) {
    if (!name.endsWith('.' + suffix)) continue;
    const labels = name.slice(0, -(suffix.length + 1)).split('.');
    // [bucket, ci|cos, region] or [ci|cos, region]
    if (labels.length === 3 && (labels[1] === 'ci' || labels[1] === 'cos')) {
      const [bucket, service, region] = labels as [string, string, string];
      if (!BUCKET_RE.test(bucket)) throw new ApiError('InvalidBucketName', `Bucket name "${bucket}" is not of the form <name>-<APPID>.`);
      if (!REGION_RE.test(region)) throw new ApiError('InvalidHost', `Region "${region}" in Host is not valid.`);
      if (service === 'ci') return { kind: 'ci-bucket', bucket, region };
      return { kind: 'cos-bucket', bucket, region, key: decodedPath.slice(1) };
    }
    if (labels.length === 2 && labels[0] === 'service' && labels[1] === 'cos') return { kind: 'cos-service', region: undefined };
    if (labels.length === 2 && (labels[0] === 'ci' || labels[0] === 'cos')) {
      const region = labels[1]!;
      if (!REGION_RE.test(region)) throw new ApiError('InvalidHost', `Region "${region}" in Host is not valid.`);
      return labels[0] === 'ci' ? { kind: 'ci-regional', region } : { kind: 'cos-service', region };
    }
    throw new ApiError('InvalidHost', `Host "${name}" is not <bucket>.ci|cos.<region>.${suffix}, ci|cos.<region>.${suffix} or service.cos.${suffix}.`);
  }
  if (opts.defaultBucket) return { kind: 'cos-bucket', bucket: opts.defaultBucket, region: opts.defaultRegion, key: decodedPath.slice(1) };
  // Path-style: /<bucket>/<key>
  const rest = decodedPath.slice(1);
  // No region in a custom host or an IP: list every region's buckets.
  if (rest === '') return { kind: 'cos-service', region: undefined };
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!BUCKET_RE.test(bucket)) throw new ApiError('InvalidBucketName', `Bucket name "${bucket}" is not of the form <name>-<APPID>.`);
  return { kind: 'cos-bucket', bucket, region: opts.defaultRegion, key: slash < 0 ? '' : rest.slice(slash + 1) };
}
