import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { isLookupId, newAsrJobId, newJobId } from '../domain/ids.ts';
import { checkNoiseReductionInput } from '../domain/jobs/limits.ts';
import { buildJobSpec, readJobTag } from '../domain/jobs/submit.ts';
import type { JobState } from '../domain/jobs/types.ts';
import { TEMPLATE_TAGS, type Template } from '../domain/templates/index.ts';
import { parseCiTime } from '../domain/time.ts';
import { authorize } from '../http/auth/principals.ts';
import { readXmlBody, sendXml } from '../http/body.ts';
import type { HandlerArgs } from '../http/context.ts';
import { apiError } from '../http/errors/api-error.ts';
import { queryValue } from '../http/request-target.ts';
import { buildXml } from '../http/xml/build.ts';
import { ciResource } from '../iam/resources.ts';
import { findBucket } from '../store/buckets.ts';
import { findQueue } from '../store/control-plane.ts';
import { cancelJob, findJobs, insertJob, listJobs } from '../store/jobs.ts';
import { requireSmartAudio } from './control-plane-guard.ts';
import { intQuery, listQuery } from './paging.ts';
import { resolveTemplate } from './templates.ts';
import { checkTtsAtSubmit } from './tts-submit.ts';
import { jobToXml } from './wire/job-wire.ts';
import { readJobRequest } from './wire/job-request.ts';

/** Jobs (spec/jobs.md §1–5, incl. the legacy `/asr_jobs` paths, §5a). */

/**
 * CAM for submission depends on the Tag (spec/README.md API index row 10):
 * VoiceSeparate/Tts need `ci:CreateMediaJobs`, NoiseReduction/SpeechRecognition
 * `ci:CreateAsrJobs` (either accepted for NoiseReduction, README AMBIGUITY),
 * and sub-accounts also `cam:PassRole` on the CI service role.
 */
function authorizeSubmit(args: HandlerArgs, tag: string, bucket: string, region: string): void {
  const p = args.ctx.principal;
  if (p.kind === 'root') return;
  const resource = [ciResource(region, p.appid, bucket, args.ctx.target.decodedPath)];
  const actions = tag === 'NoiseReduction' ? ['ci:CreateAsrJobs', 'ci:CreateMediaJobs'] : tag === 'SpeechRecognition' ? ['ci:CreateAsrJobs'] : ['ci:CreateMediaJobs'];
  let lastError: unknown;
  const ok = actions.some((a) => {
    try {
      authorize(p, a, resource);
      return true;
    } catch (err) {
      lastError = err;
      return false;
    }
  });
  if (!ok) throw lastError;
  authorize(p, 'cam:PassRole', [`qcs::cam::uid/${p.appid}:roleName/CI_QCSRole`]);
}

/** POST /jobs (and POST /asr_jobs). */
export async function createMediaJobs(args: HandlerArgs): Promise<void> {
  const enabled = await requireSmartAudio(args);
  const { bucket, region } = enabled;
  const raw = readJobRequest(await readXmlBody(args));
  const tag = readJobTag(raw);
  authorizeSubmit(args, tag, bucket, region);
  if (!args.deps.jobTags.includes(tag)) {
    throw new ValidationError('Tag', tag === 'SpeechRecognition'
      ? 'SpeechRecognition jobs cannot run: no speech-recognition engine is installed on this server'
      : `${tag} jobs are not available on this server yet (available: ${args.deps.jobTags.join(', ')})`);
  }
  if (raw.QueueId !== undefined && raw.QueueId !== enabled.queueId) {
    throw new NotFoundError('QueueNotFound', `QueueId ${raw.QueueId.slice(0, 64)} is not the Smart Audio queue of bucket ${bucket} (${enabled.queueId})`);
  }
  let template: Template | undefined;
  const templateId = raw.Operation?.TemplateId;
  if (templateId) template = await resolveTemplate(args, bucket, templateId);
  const spec = buildJobSpec(raw, { bucket, region, template });
  if (tag === 'Tts') await checkTtsAtSubmit(args, spec, bucket);

  // What the store can tell now is refused now (issue #4 "Bad input").
  if (spec.input) {
    const head = await args.deps.storage.head(bucket, spec.input.object);
    if (!head) throw apiError('ResourceNotFound', `Input.Object ${spec.input.object} does not exist in bucket ${bucket}.`);
    if (head.size === 0) throw apiError('ResourceNotSupported', `Input.Object ${spec.input.object} is empty (0 bytes).`);
    // spec/jobs.md §1.3, spec/limits.md → Impl: the 10 MB NoiseReduction input limit, at submit when the size is known.
    if (tag === 'NoiseReduction') checkNoiseReductionInput(spec.input.object, head.size, args.deps.config.noiseReductionMaxInputBytes);
  }
  const outBucket = await findBucket(args.deps.store, spec.output.bucket);
  if (!outBucket || outBucket.appid !== args.ctx.principal.appid) {
    throw new ValidationError('Operation.Output.Bucket', `WriteTargetBucketDenied: ${spec.output.bucket} is not a bucket of APPID ${args.ctx.principal.appid} on this server`);
  }
  if (outBucket.region !== spec.output.region) {
    throw new ValidationError('Operation.Output.Region', `${spec.output.region} is not the region of bucket ${spec.output.bucket} (${outBucket.region})`);
  }
  if (spec.callback.url && spec.callback.url !== 'no') args.deps.checkCallbackUrl(spec.callback.url);

  const queue = await findQueue(args.deps.store.db, enabled.queueId);
  if (!queue) throw apiError('MediaBucketUnBinded');
  if (queue.state === 'Paused') throw apiError('QueuePaused', `The Smart Audio queue ${queue.id} is paused; resume it with PUT /asrqueue/${queue.id}.`);
  let job;
  try {
    job = await insertJob(
      args.deps.store,
      { id: tag === 'SpeechRecognition' ? newAsrJobId() : newJobId(), bucket, appid: args.ctx.principal.appid, region, queueId: queue.id, spec, maxAttempts: args.deps.config.jobMaxAttempts, createdAt: args.deps.store.now() },
      queue.maxSize,
    );
  } catch (err) {
    if (err instanceof ConflictError && err.what === 'QueueSaturated') throw apiError('QueueSaturated', err.message);
    throw err;
  }
  args.deps.onJobSubmitted?.(job.id);
  sendXml(args, buildXml('Response', { JobsDetail: jobToXml(job) }));
}

/** GET /jobs/<id>[,<id>…] — unknown ids are listed in NonExistJobIds (spec/jobs.md §3 → Impl). */
export async function describeMediaJob(args: HandlerArgs): Promise<void> {
  const { bucket } = await requireSmartAudio(args, 'read');
  const ids = args.params[0]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new ValidationError('jobId', 'is empty');
  if (ids.length > 100) throw new ValidationError('jobId', `lists ${ids.length} ids; at most 100 are allowed`);
  const found = await findJobs(args.deps.store, bucket, ids.filter(isLookupId));
  const byId = new Map(found.map((j) => [j.id, j]));
  const missing = ids.filter((id) => !byId.has(id));
  sendXml(
    args,
    buildXml('Response', {
      RequestId: args.ctx.requestId,
      JobsDetail: ids.filter((id) => byId.has(id)).map((id) => jobToXml(byId.get(id)!)),
      NonExistJobIds: missing.length > 0 ? missing.join(',') : undefined,
    }),
  );
}

const STATES: readonly JobState[] = ['Submitted', 'Running', 'Success', 'Failed', 'Pause', 'Cancel'];

/** Opaque `nextToken`: base64url of the last job's `seq` (spec/jobs.md §4 → Impl). */
const encodeToken = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');
function decodeToken(token: string): number {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new ValidationError('nextToken', `${JSON.stringify(token.slice(0, 64))} is not a token returned by this API`);
  return Number(m[1]);
}

function timeQuery(args: HandlerArgs, name: string): number | undefined {
  const v = queryValue(args.ctx.target.query, name);
  if (v === undefined || v === '') return undefined;
  const t = parseCiTime(v);
  if (t === undefined) throw new ValidationError(name, `${JSON.stringify(v.slice(0, 40))} is not a time like 2001-01-01T00:00:00+0800`);
  return t;
}

/** GET /jobs — keyset-paged list (spec/jobs.md §4). `tag` missing → all Smart Audio tags (lenient). */
export async function describeMediaJobs(args: HandlerArgs): Promise<void> {
  const enabled = await requireSmartAudio(args, 'read');
  const q = args.ctx.target.query;
  const queueId = queryValue(q, 'queueId') || undefined;
  if (queueId !== undefined && queueId !== enabled.queueId) throw new NotFoundError('QueueNotFound', `queue ${queueId.slice(0, 64)} is not the Smart Audio queue of bucket ${enabled.bucket}`);
  const tags = listQuery(q, 'tag');
  for (const t of tags ?? []) if (!(TEMPLATE_TAGS as readonly string[]).includes(t)) throw new ValidationError('tag', `${JSON.stringify(t.slice(0, 32))} is not one of ${TEMPLATE_TAGS.join(', ')}`);
  const order = queryValue(q, 'orderByTime') || 'Desc';
  if (order !== 'Asc' && order !== 'Desc') throw new ValidationError('orderByTime', `${JSON.stringify(order.slice(0, 16))} is not Asc or Desc`);
  const stateList = listQuery(q, 'states');
  for (const s of stateList ?? []) if (s !== 'All' && !(STATES as readonly string[]).includes(s)) throw new ValidationError('states', `${JSON.stringify(s.slice(0, 16))} is not one of All, ${STATES.join(', ')}`);
  const states = !stateList || stateList.includes('All') ? undefined : (stateList as JobState[]);
  const size = intQuery(q, 'size', 1, 100, 10);
  const token = queryValue(q, 'nextToken');
  const jobs = await listJobs(args.deps.store, {
    bucket: enabled.bucket,
    queueId,
    tags,
    states,
    inputObject: queryValue(q, 'inputObject') || undefined,
    createdAfter: timeQuery(args, 'startCreationTime'),
    createdBefore: timeQuery(args, 'endCreationTime'),
    order,
    afterSeq: token ? decodeToken(token) : undefined,
    limit: size + 1,
  });
  const page = jobs.slice(0, size);
  const more = jobs.length > size;
  sendXml(
    args,
    buildXml('Response', {
      RequestId: args.ctx.requestId,
      JobsDetail: page.map(jobToXml),
      NextToken: more ? encodeToken(page[page.length - 1]!.seq) : '',
    }),
  );
}

/**
 * PUT /jobs/<id>?cancel — only Submitted jobs (spec/jobs.md §5). Answers 200
 * with a `<Response>` body: the doc shows an empty body, but Python's SDK
 * fails to parse an empty 2xx CI body (spec/clients.md §3).
 */
export async function cancelMediaJob(args: HandlerArgs): Promise<void> {
  const { bucket } = await requireSmartAudio(args);
  const id = args.params[0]!;
  const cancelled = isLookupId(id) ? await cancelJob(args.deps.store, bucket, id, args.deps.store.now()) : undefined;
  if (!cancelled) {
    const [existing] = isLookupId(id) ? await findJobs(args.deps.store, bucket, [id]) : [];
    if (!existing) throw new NotFoundError('ResourceNotFound', `job ${id.slice(0, 64)} does not exist in bucket ${bucket}`);
    throw new ValidationError('jobId', `job ${id} is ${existing.state}; only Submitted jobs can be cancelled`);
  }
  sendXml(args, buildXml('Response', { RequestId: args.ctx.requestId, JobsDetail: jobToXml(cancelled) }));
}
