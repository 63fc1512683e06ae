import * as asrBuckets from '../api/asr-buckets.ts';
import * as asrQueues from '../api/asr-queues.ts';
import * as cosBuckets from '../api/cos-buckets.ts';
import * as jobs from '../api/jobs.ts';
import * as templates from '../api/templates.ts';
import * as objects from '../api/objects.ts';
import * as multipart from '../api/multipart.ts';
import { ciResource, cosResource } from '../iam/resources.ts';
import type { HandlerArgs, RequestContext } from './context.ts';
import { apiError } from './errors/api-error.ts';
import { hasQuery } from './request-target.ts';

/**
 * The API index: one row per operation, in the order of spec/README.md "API
 * index" (CI rows are added by the control-plane and job modules through
 * `CI_ROUTES`). A row names the host kind it answers on, the method, the path
 * (CI) or object/bucket scope (COS), the sub-resource flag if any, the CAM
 * action checked and the handler.
 */
export type Scope = 'cos-service' | 'cos-bucket' | 'cos-object' | 'ci-bucket' | 'ci-regional';

export interface Route {
  name: string;
  scope: Scope;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** CI only: the decoded path; captures become `params`. */
  path?: RegExp;
  /** A query flag that selects this operation (`?cancel`). */
  subresource?: string;
  /** CAM action, or a function of the request when it depends on the body (jobs by Tag). */
  action: string;
  /** Resources checked for the action; default: the addressed bucket/object. */
  resources?: (ctx: HandlerArgs['ctx'], params: string[]) => string[];
  handler: (args: HandlerArgs) => Promise<void>;
  /** The handler authorises per listed item (API-level actions such as GET /asrbucket). */
  authorizeInHandler?: true;
}

const COS_ROUTES: Route[] = [
  { name: 'GetService', scope: 'cos-service', method: 'GET', action: 'cos:GetService', resources: () => ['*'], handler: cosBuckets.listAllBuckets },
  { name: 'PutBucket', scope: 'cos-bucket', method: 'PUT', action: 'cos:PutBucket', handler: cosBuckets.putBucket },
  { name: 'HeadBucket', scope: 'cos-bucket', method: 'HEAD', action: 'cos:HeadBucket', handler: cosBuckets.headBucket },
  // Rows with a sub-resource come before the plain operation they share a method with.
  { name: 'ListMultipartUploads', scope: 'cos-bucket', method: 'GET', subresource: 'uploads', action: 'cos:ListMultipartUploads', handler: multipart.listMultipartUploads },
  { name: 'GetBucket', scope: 'cos-bucket', method: 'GET', action: 'cos:GetBucket', handler: cosBuckets.listObjects },
  // Authorised per key, as cos:DeleteObject (the SDKs scope it so).
  { name: 'DeleteMultipleObjects', scope: 'cos-bucket', method: 'POST', subresource: 'delete', action: 'cos:DeleteMultipleObjects', authorizeInHandler: true, handler: objects.deleteMultipleObjects },
  { name: 'DeleteBucket', scope: 'cos-bucket', method: 'DELETE', action: 'cos:DeleteBucket', handler: cosBuckets.removeBucket },
  { name: 'InitiateMultipartUpload', scope: 'cos-object', method: 'POST', subresource: 'uploads', action: 'cos:InitiateMultipartUpload', handler: multipart.initiateMultipartUpload },
  { name: 'UploadPart', scope: 'cos-object', method: 'PUT', subresource: 'uploadId', action: 'cos:UploadPart', handler: multipart.uploadPart },
  { name: 'ListParts', scope: 'cos-object', method: 'GET', subresource: 'uploadId', action: 'cos:ListParts', handler: multipart.listUploadParts },
  { name: 'CompleteMultipartUpload', scope: 'cos-object', method: 'POST', subresource: 'uploadId', action: 'cos:CompleteMultipartUpload', handler: multipart.completeMultipartUpload },
  { name: 'AbortMultipartUpload', scope: 'cos-object', method: 'DELETE', subresource: 'uploadId', action: 'cos:AbortMultipartUpload', handler: multipart.abortMultipartUpload },
  { name: 'PutObject', scope: 'cos-object', method: 'PUT', action: 'cos:PutObject', handler: objects.putObject },
  { name: 'GetObject', scope: 'cos-object', method: 'GET', action: 'cos:GetObject', handler: objects.getObject },
  { name: 'HeadObject', scope: 'cos-object', method: 'HEAD', action: 'cos:HeadObject', handler: objects.getObject },
  { name: 'DeleteObject', scope: 'cos-object', method: 'DELETE', action: 'cos:DeleteObject', handler: objects.deleteObject },
];

const ID = '([^/,]+)';
/** CI routes, rows of spec/README.md "API index". */
export const CI_ROUTES: Route[] = [
  // 1–3: spec/buckets-queues.md §1–3
  { name: 'CreateAsrBucket', scope: 'ci-bucket', method: 'POST', path: /^\/asrbucket\/?$/, action: 'ci:CreateAsrBucket', handler: asrBuckets.createAsrBucket },
  { name: 'DescribeAsrBuckets', scope: 'ci-regional', method: 'GET', path: /^\/asrbucket\/?$/, action: 'ci:DescribeAsrBuckets', authorizeInHandler: true, handler: asrBuckets.describeAsrBuckets },
  { name: 'DeleteAsrBucket', scope: 'ci-bucket', method: 'DELETE', path: /^\/asrbucket\/?$/, action: 'ci:DeleteAsrBucket', handler: asrBuckets.deleteAsrBucket },
  // 4–5: spec/buckets-queues.md §4–5
  { name: 'DescribeAsrQueues', scope: 'ci-bucket', method: 'GET', path: /^\/asrqueue\/?$/, action: 'ci:DescribeAsrQueues', handler: asrQueues.describeAsrQueues },
  { name: 'UpdateAsrQueue', scope: 'ci-bucket', method: 'PUT', path: new RegExp(`^/asrqueue/${ID}$`), action: 'ci:UpdateAsrQueue', handler: asrQueues.updateAsrQueue },
  // 6–9: spec/templates.md
  { name: 'CreateMediaTemplate', scope: 'ci-bucket', method: 'POST', path: /^\/template\/?$/, action: 'ci:CreateMediaTemplate', handler: templates.createMediaTemplate },
  { name: 'UpdateMediaTemplate', scope: 'ci-bucket', method: 'PUT', path: new RegExp(`^/template/${ID}$`), action: 'ci:UpdateMediaTemplate', handler: templates.updateMediaTemplate },
  { name: 'DescribeMediaTemplates', scope: 'ci-bucket', method: 'GET', path: /^\/template\/?$/, action: 'ci:DescribeMediaTemplates', handler: templates.describeMediaTemplates },
  { name: 'DeleteMediaTemplate', scope: 'ci-bucket', method: 'DELETE', path: new RegExp(`^/template/${ID}$`), action: 'ci:DeleteMediaTemplate', handler: templates.deleteMediaTemplate },
  // 10–14: spec/jobs.md §1–5a; /asr_jobs is an alias of /jobs (jobs are shared).
  ...(['jobs', 'asr_jobs'] as const).flatMap((root): Route[] => {
    const asr = root === 'asr_jobs';
    return [
      // The CAM action depends on the body's Tag: checked in the handler.
      { name: 'CreateMediaJobs', scope: 'ci-bucket', method: 'POST', path: new RegExp(`^/${root}/?$`), action: 'ci:CreateMediaJobs', authorizeInHandler: true, handler: jobs.createMediaJobs },
      { name: 'CancelMediaJob', scope: 'ci-bucket', method: 'PUT', path: new RegExp(`^/${root}/${ID}$`), subresource: 'cancel', action: 'ci:CancelMediaJob', handler: jobs.cancelMediaJob },
      { name: 'DescribeMediaJob', scope: 'ci-bucket', method: 'GET', path: new RegExp(`^/${root}/([^/]+)$`), action: asr ? 'ci:DescribeAsrJob' : 'ci:DescribeMediaJob', handler: jobs.describeMediaJob },
      { name: 'DescribeMediaJobs', scope: 'ci-bucket', method: 'GET', path: new RegExp(`^/${root}/?$`), action: asr ? 'ci:DescribeAsrJobs' : 'ci:DescribeMediaJobs', handler: jobs.describeMediaJobs },
    ];
  }),
];

/**
 * COS sub-resources that exist on the real service but are not implemented
 * here: answered 501 NotImplemented, kept apart from unknown paths (s3rver's
 * pattern, STYLE.md).
 */
const UNSUPPORTED_COS_SUBRESOURCES = [
  'acl', 'cors', 'tagging', 'versioning', 'versions', 'lifecycle', 'policy',
  'website', 'logging', 'referer', 'domain', 'inventory', 'select', 'restore', 'append', 'replication', 'encryption',
  'accelerate', 'intelligenttiering', 'object-lock', 'retention', 'location',
];

function scopeOf(ctx: RequestContext): Scope {
  const a = ctx.address!;
  switch (a.kind) {
    case 'cos-bucket':
      return a.key === '' ? 'cos-bucket' : 'cos-object';
    default:
      return a.kind;
  }
}

export function defaultResources(ctx: HandlerArgs['ctx']): string[] {
  const a = ctx.address;
  const appid = ctx.principal.appid;
  switch (a.kind) {
    case 'cos-bucket':
      return [cosResource(a.region, appid, a.bucket, a.key)];
    case 'ci-bucket':
      return [ciResource(a.region, appid, a.bucket, ctx.target.decodedPath)];
    default:
      return ['*'];
  }
}

/** Finds the operation for a request, or throws InvalidUrl / MethodNotAllowed / NotImplemented. */
export function matchRoute(ctx: RequestContext, method: string): { route: Route; params: string[] } {
  const scope = scopeOf(ctx);
  const path = ctx.target!.decodedPath;
  const query = ctx.target!.query;
  if (scope.startsWith('cos')) {
    const unsupported = UNSUPPORTED_COS_SUBRESOURCES.find((s) => query.some((p) => p.key.toLowerCase() === s));
    if (unsupported) throw apiError('NotImplemented', `The COS sub-resource "?${unsupported}" is not implemented by this server.`);
  }
  const candidates = (scope.startsWith('cos') ? COS_ROUTES : CI_ROUTES).filter((r) => r.scope === scope);
  let pathMatched = false;
  for (const route of candidates) {
    let params: string[] = [];
    if (route.path) {
      const m = route.path.exec(path);
      if (!m) continue;
      params = m.slice(1);
    }
    if (route.subresource && !hasQuery(query, route.subresource)) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    return { route, params };
  }
  if (pathMatched) throw apiError('MethodNotAllowed', `${method} is not allowed on ${path.slice(0, 200)}.`);
  throw apiError('InvalidUrl', `No ${scope.startsWith('ci') ? 'CI' : 'COS'} API answers ${method} ${path.slice(0, 200)}.`);
}
