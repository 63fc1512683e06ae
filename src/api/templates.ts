import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { isLookupId } from '../domain/ids.ts';
import {
  findOfficialTemplate,
  isOfficialTemplateId,
  newTemplateRecord,
  officialTemplates,
  TEMPLATE_TAGS,
  updateTemplateRecord,
  validateTemplateRequest,
  type Template,
} from '../domain/templates/index.ts';
import { readXmlBody, sendXml } from '../http/body.ts';
import type { HandlerArgs } from '../http/context.ts';
import { queryValue } from '../http/request-target.ts';
import { buildXml } from '../http/xml/build.ts';
import { deleteTemplate, findTemplate, insertTemplate, listTemplates, replaceTemplate } from '../store/templates.ts';
import { requireSmartAudio } from './control-plane-guard.ts';
import { listQuery, parsePaging } from './paging.ts';
import { readTemplateRequest, templateResponseBody, templateToXmlNode } from './wire/template-wire.ts';

/** Templates of every Smart Audio tag (spec/templates.md §0–7). */

const notFound = (id: string, bucket: string) => new NotFoundError('TemplateNotFound', `template ${id.slice(0, 64)} does not exist in bucket ${bucket}`);

/** Finds a template of this bucket (custom or official) or throws TemplateNotFound. */
export async function resolveTemplate(args: HandlerArgs, bucket: string, id: string): Promise<Template> {
  if (!isLookupId(id)) throw notFound(id, bucket);
  const t = findOfficialTemplate(bucket, id) ?? (await findTemplate(args.deps.store, bucket, id));
  if (!t) throw notFound(id, bucket);
  return t;
}

/** POST /template — CAM `ci:CreateMediaTemplate`. */
export async function createMediaTemplate(args: HandlerArgs): Promise<void> {
  const { bucket } = await requireSmartAudio(args);
  const request = validateTemplateRequest(readTemplateRequest(await readXmlBody(args)));
  const t = newTemplateRecord({ bucket, request, now: Date.now() });
  await insertTemplate(args.deps.store, t, args.deps.config.maxTemplatesPerBucket);
  sendXml(args, buildXml('Response', templateResponseBody(args.ctx.requestId, t)));
}

/** PUT /template/<id> — CAM `ci:UpdateMediaTemplate`. Same body as create, full replacement (§5). */
export async function updateMediaTemplate(args: HandlerArgs): Promise<void> {
  const { bucket } = await requireSmartAudio(args);
  const id = args.params[0]!;
  const request = validateTemplateRequest(readTemplateRequest(await readXmlBody(args)));
  const existing = await resolveTemplate(args, bucket, id);
  const updated = updateTemplateRecord(existing, request, Date.now());
  if (!(await replaceTemplate(args.deps.store, updated))) throw notFound(id, bucket);
  sendXml(args, buildXml('Response', templateResponseBody(args.ctx.requestId, updated)));
}

/** DELETE /template/<id> — CAM `ci:DeleteMediaTemplate`. Answers with an XML body (spec/clients.md §3). */
export async function deleteMediaTemplate(args: HandlerArgs): Promise<void> {
  const { bucket } = await requireSmartAudio(args);
  const id = args.params[0]!;
  if (isOfficialTemplateId(id) && findOfficialTemplate(bucket, id)) {
    throw new ValidationError('TemplateId', `${id} is an official template and cannot be deleted`);
  }
  if (!isLookupId(id) || !(await deleteTemplate(args.deps.store, bucket, id))) throw notFound(id, bucket);
  sendXml(args, buildXml('Response', { RequestId: args.ctx.requestId, TemplateId: id }));
}

/** Media tags the real service knows; listing them here yields nothing rather than an error (§6). */
const MEDIA_TAGS = new Set(['Transcode', 'Animation', 'Snapshot', 'Concat', 'VideoMontage', 'VideoProcess', 'SuperResolution', 'Watermark', 'TranscodePro', 'HighSpeedHd', 'PicProcess', 'VoiceSeparate', 'Segment', 'DigitalWatermark', 'ExtractDigitalWatermark', 'SDRtoHDR', 'VideoEnhance', 'NoiseReduction', 'Tts', 'SpeechRecognition']);

/**
 * GET /template — CAM `ci:DescribeMediaTemplates`. Filters: tag (default All),
 * category (default Custom), ids (adds NonExistTIDs), name prefix, paging.
 * Newest first (§6 → Impl).
 */
export async function describeMediaTemplates(args: HandlerArgs): Promise<void> {
  const { bucket } = await requireSmartAudio(args, 'read');
  const q = args.ctx.target.query;
  const { pageNumber, pageSize, offset } = parsePaging(q);
  const tagValue = queryValue(q, 'tag') ?? '';
  const tags = tagValue === '' || tagValue === 'All' ? undefined : tagValue.split(',').map((t) => t.trim());
  for (const t of tags ?? []) if (!MEDIA_TAGS.has(t)) throw new ValidationError('tag', `${JSON.stringify(t.slice(0, 32))} is not a template tag`);
  const smartTags = tags?.filter((t) => (TEMPLATE_TAGS as readonly string[]).includes(t));
  const category = queryValue(q, 'category') || 'Custom';
  if (category !== 'Custom' && category !== 'Official') throw new ValidationError('category', `${JSON.stringify(category.slice(0, 32))} is not Custom or Official`);
  const ids = listQuery(q, 'ids');
  const namePrefix = queryValue(q, 'name') || undefined;
  if (namePrefix !== undefined && [...namePrefix].length > 64) throw new ValidationError('name', 'is longer than 64 characters');

  let total: number;
  let items: Template[];
  if (category === 'Official') {
    const all = officialTemplates(bucket).filter(
      (t) => (!smartTags || smartTags.includes(t.tag)) && (!ids || ids.includes(t.id)) && (!namePrefix || t.name.startsWith(namePrefix)),
    );
    total = all.length;
    items = all.slice(offset, offset + pageSize);
  } else {
    ({ total, items } = await listTemplates(args.deps.store, { bucket, tags: smartTags, ids: ids?.filter(isLookupId), namePrefix, offset, limit: pageSize }));
  }
  let missing: string[] = [];
  if (ids) {
    // NonExistTIDs: ids that match no template of this bucket in the requested category.
    const found = category === 'Official' ? officialTemplates(bucket).map((t) => t.id) : (await listTemplates(args.deps.store, { bucket, ids: ids.filter(isLookupId), offset: 0, limit: ids.length })).items.map((t) => t.id);
    missing = ids.filter((id) => !found.includes(id));
  }
  sendXml(
    args,
    buildXml('Response', {
      RequestId: args.ctx.requestId,
      TotalCount: total,
      PageNumber: pageNumber,
      PageSize: pageSize,
      TemplateList: items.map(templateToXmlNode),
      NonExistTIDs: missing.length > 0 ? { TemplateId: missing } : undefined,
    }),
  );
}
