import { ValidationError } from '../errors.ts';
import { newTemplateId } from '../ids.ts';
import { isSet, show } from './field-rules.ts';
import { validateTemplateName } from './name.ts';
import { validateNoiseReduction } from './noise-reduction.ts';
import { validateSpeechRecognition } from './speech-recognition.ts';
import { validateTts } from './tts.ts';
import {
  TEMPLATE_TAGS,
  type ParamsOf,
  type RawParamsByTag,
  type Template,
  type TemplateParams,
  type TemplateRequest,
  type TemplateTag,
  type ValidatedTemplateRequest,
  type ValidateOptions,
} from './types.ts';
import { validateVoiceSeparate } from './voice-separate.ts';

/**
 * Template rules in one place for the HTTP layer (spec/templates.md). Pure:
 * no store, no clock unless passed in. Uniqueness of names and "template
 * exists" checks need the store and live in the handler.
 */

export * from './types.ts';
export { validateTemplateName, TEMPLATE_NAME_MAX_CHARS } from './name.ts';
export { validateVoiceSeparate } from './voice-separate.ts';
export { validateNoiseReduction } from './noise-reduction.ts';
export { validateTts } from './tts.ts';
export { validateSpeechRecognition } from './speech-recognition.ts';
export { officialTemplates, findOfficialTemplate, isOfficialTemplateId } from './official.ts';

/**
 * Reads `<Tag>`. Only the four Smart Audio tags are accepted; media tags such
 * as `Transcode` are valid on Tencent's service but not implemented here
 * (spec/templates.md §6), so they are rejected like any unknown value
 * (spec/errors.md §7 "wrong Tag value → 400 InvalidArgument").
 */
export function parseTag(value: string | undefined, field = 'Tag'): TemplateTag {
  if (!isSet(value)) throw new ValidationError(field, `is required but missing (one of ${TEMPLATE_TAGS.join(', ')})`);
  if ((TEMPLATE_TAGS as readonly string[]).includes(value)) return value as TemplateTag;
  throw new ValidationError(field, `${show(value)} is not one of ${TEMPLATE_TAGS.join(', ')}`);
}

/** Validates the raw parameters of `tag`; throws ValidationError naming the field and the value. */
export function validateTemplateParams<T extends TemplateTag>(tag: T, raw: RawParamsByTag[T], opts?: ValidateOptions): ParamsOf<T>;
export function validateTemplateParams(tag: TemplateTag, raw: RawParamsByTag[TemplateTag], opts: ValidateOptions = {}): TemplateParams {
  switch (tag) {
    case 'VoiceSeparate':
      return validateVoiceSeparate(raw as RawParamsByTag['VoiceSeparate'], opts);
    case 'NoiseReduction':
      return validateNoiseReduction(raw as RawParamsByTag['NoiseReduction'], opts);
    case 'Tts':
      return validateTts(raw as RawParamsByTag['Tts'], opts);
    case 'SpeechRecognition':
      return validateSpeechRecognition(raw as RawParamsByTag['SpeechRecognition'], opts);
  }
}

/** Validates a whole create/update body: `Name` first, then the tag's parameters. */
export function validateTemplateRequest(req: TemplateRequest, opts: ValidateOptions = {}): ValidatedTemplateRequest {
  const name = validateTemplateName(req.name);
  const params = validateTemplateParams(req.tag, req.raw, { path: req.path, ...opts });
  return { tag: req.tag, name, params } as ValidatedTemplateRequest;
}

/** Builds the record for `POST /template` (spec/templates.md §0): Custom, Normal, `t1` id. */
export function newTemplateRecord(input: {
  bucket: string;
  request: ValidatedTemplateRequest;
  now: number;
  id?: string;
}): Template {
  const { bucket, request, now } = input;
  return {
    id: input.id ?? newTemplateId(),
    bucket,
    tag: request.tag,
    name: request.name,
    category: 'Custom',
    state: 'Normal',
    params: request.params,
    createdAt: now,
    updatedAt: now,
  } as Template;
}

/**
 * Applies `PUT /template/<id>` (spec/templates.md §5): a full replacement of
 * Name and parameters; id, bucket, category and CreateTime are kept.
 * - Official templates cannot be changed ("inferred") → ValidationError on `TemplateId`.
 * - A body `Tag` different from the stored tag → ValidationError on `Tag`
 *   ("→ Impl: 400 InvalidArgument").
 */
export function updateTemplateRecord(existing: Template, request: ValidatedTemplateRequest, now: number): Template {
  if (existing.category === 'Official') {
    throw new ValidationError('TemplateId', `${show(existing.id)} is an Official template and cannot be updated`);
  }
  if (request.tag !== existing.tag) {
    throw new ValidationError('Tag', `${show(request.tag)} does not match the stored template's tag ${existing.tag}`);
  }
  return { ...existing, name: request.name, params: request.params, updatedAt: Math.max(now, existing.createdAt) } as Template;
}
