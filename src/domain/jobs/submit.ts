import { ValidationError } from '../errors.ts';
import {
  parseTag,
  validateTemplateParams,
  type Template,
  type TemplateParams,
  type TemplateTag,
} from '../templates/index.ts';
import { CALLBACK_URL_MAX_CHARS, JOB_LEVELS, MQ_REGIONS, OUTPUT_KEY_MAX_BYTES, USER_DATA_MAX_CHARS, USER_DATA_RE } from './limits.ts';
import type { JobCallbackSpec, JobOutputSpec, JobSpec } from './types.ts';
import type { RawJobRequest } from './raw.ts';

/**
 * Submission rules (spec/jobs.md §1), pure: the handler resolves the template
 * and checks objects/buckets/queues against the store.
 */
const show = (v: string) => JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v);

const INLINE_ELEMENT: Record<TemplateTag, string> = {
  VoiceSeparate: 'Operation.VoiceSeparate',
  NoiseReduction: 'Operation.NoiseReduction',
  Tts: 'Operation.TtsTpl',
  SpeechRecognition: 'Operation.SpeechRecognition',
};

export function readJobTag(raw: RawJobRequest): TemplateTag {
  return parseTag(raw.Tag);
}

/** Object keys in jobs follow the COS key rules the object API enforces (spec/cos-objects.md). */
export function validateKey(field: string, key: string | undefined, required: boolean): string | undefined {
  if (key === undefined || key === '') {
    if (required) throw new ValidationError(field, 'is required');
    return undefined;
  }
  const k = key.replace(/^\/+/, '');
  if (k === '') throw new ValidationError(field, `${show(key)} is not an object key`);
  // TextEncoder, not Buffer: this module also runs in the web console (src/console).
  const bytes = new TextEncoder().encode(k).length;
  if (bytes > OUTPUT_KEY_MAX_BYTES) throw new ValidationError(field, `is ${bytes} bytes; the limit is ${OUTPUT_KEY_MAX_BYTES}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(k)) throw new ValidationError(field, 'contains control characters');
  if (k.split('/').some((seg) => seg === '.' || seg === '..')) throw new ValidationError(field, `${show(key)} contains a "." or ".." segment`);
  return k;
}

function validateOutput(tag: TemplateTag, params: TemplateParams, raw: RawJobRequest): JobOutputSpec {
  const o = raw.Operation?.Output;
  if (!o) throw new ValidationError('Operation.Output', 'is required');
  if (!o.Region) throw new ValidationError('Operation.Output.Region', 'is required');
  if (!/^[a-z0-9-]{1,40}$/.test(o.Region)) throw new ValidationError('Operation.Output.Region', `${show(o.Region)} is not a region`);
  if (!o.Bucket) throw new ValidationError('Operation.Output.Bucket', 'is required');
  if (!/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?-\d{1,20}$/.test(o.Bucket)) throw new ValidationError('Operation.Output.Bucket', `${show(o.Bucket)} is not <name>-<APPID>`);
  const out: JobOutputSpec = {
    region: o.Region,
    bucket: o.Bucket,
    object: validateKey('Operation.Output.Object', o.Object, false),
    auObject: validateKey('Operation.Output.AuObject', o.AuObject, false),
    bassObject: validateKey('Operation.Output.BassObject', o.BassObject, false),
    drumObject: validateKey('Operation.Output.DrumObject', o.DrumObject, false),
  };
  if (tag === 'VoiceSeparate' && params.tag === 'VoiceSeparate') {
    const mode = params.audioMode;
    if ((mode === 'AudioAndBackground' || mode === 'MusicMode') && (!out.object || !out.auObject)) {
      throw new ValidationError('Operation.Output', `AudioMode ${mode} writes voice and background: both AuObject and Object are required`);
    }
    if (!out.object && !out.auObject) throw new ValidationError('Operation.Output', 'at least one of Object and AuObject is required');
    if (mode !== 'MusicMode' && (out.bassObject || out.drumObject)) {
      throw new ValidationError('Operation.Output', `BassObject/DrumObject are only produced with AudioMode MusicMode (got ${mode})`);
    }
  } else if (!out.object) {
    throw new ValidationError('Operation.Output.Object', 'is required');
  }
  return out;
}

function validateCallback(raw: RawJobRequest): JobCallbackSpec {
  const cb: JobCallbackSpec = {};
  if (raw.CallBack !== undefined) {
    const url = raw.CallBack.trim();
    if (url !== 'no') {
      if (url.length > CALLBACK_URL_MAX_CHARS) throw new ValidationError('CallBack', `is ${url.length} characters; the limit is ${CALLBACK_URL_MAX_CHARS}`);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ValidationError('CallBack', `${show(url)} is not an absolute URL (or "no")`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ValidationError('CallBack', `${show(url)} must be http:// or https://`);
      if (parsed.username || parsed.password) throw new ValidationError('CallBack', 'must not carry credentials');
    }
    cb.url = url;
  }
  if (raw.CallBackFormat !== undefined) {
    if (raw.CallBackFormat !== 'XML' && raw.CallBackFormat !== 'JSON') throw new ValidationError('CallBackFormat', `${show(raw.CallBackFormat)} is not XML or JSON`);
    cb.format = raw.CallBackFormat;
  }
  if (raw.CallBackType !== undefined) {
    if (raw.CallBackType !== 'Url' && raw.CallBackType !== 'TDMQ') throw new ValidationError('CallBackType', `${show(raw.CallBackType)} is not Url or TDMQ`);
    cb.type = raw.CallBackType;
  }
  if (cb.type === 'TDMQ') {
    const mq = raw.CallBackMqConfig;
    if (!mq) throw new ValidationError('CallBackMqConfig', 'is required when CallBackType is TDMQ');
    if (!mq.MqRegion || !(MQ_REGIONS as readonly string[]).includes(mq.MqRegion)) throw new ValidationError('CallBackMqConfig.MqRegion', `${show(mq.MqRegion ?? '')} is not one of ${MQ_REGIONS.join(', ')}`);
    const mode = mq.MqMode ?? 'Queue';
    if (mode !== 'Queue' && mode !== 'Topic') throw new ValidationError('CallBackMqConfig.MqMode', `${show(mode)} is not Queue or Topic`);
    if (!mq.MqName) throw new ValidationError('CallBackMqConfig.MqName', 'is required');
    cb.mq = { mqRegion: mq.MqRegion, mqMode: mode, mqName: mq.MqName };
  }
  return cb;
}

/**
 * Builds the job spec. `template` is the resolved `Operation.TemplateId`
 * (TemplateId wins over inline parameters, spec/jobs.md §1.1).
 */
export function buildJobSpec(raw: RawJobRequest, ctx: { bucket: string; region: string; template: Template | undefined }): JobSpec {
  const tag = readJobTag(raw);
  const op = raw.Operation;
  if (!op) throw new ValidationError('Operation', 'is required');
  let params: TemplateParams;
  let inline = false;
  if (ctx.template) {
    if (ctx.template.tag !== tag) throw new ValidationError('Operation.TemplateId', `${ctx.template.id} is a ${ctx.template.tag} template, not ${tag}`);
    params = ctx.template.params;
  } else {
    const rawParams = op.inline[tag];
    if (rawParams === undefined && tag === 'VoiceSeparate') {
      throw new ValidationError('Operation', 'needs TemplateId or Operation.VoiceSeparate with AudioMode');
    }
    // spec/jobs.md §1.1/§1.3 → Impl: a NoiseReduction job with neither TemplateId nor
    // inline parameters (the ≤ 2024 form) runs with the defaults (noise-reduction.ts).
    params = rawParams === undefined && tag === 'NoiseReduction'
      ? { tag: 'NoiseReduction' }
      : validateTemplateParams(tag, rawParams as never, { path: INLINE_ELEMENT[tag] });
    inline = rawParams !== undefined;
  }
  // Echo the job's own sample-rate spelling (spec/templates.md §2 → Impl).
  const nrRaw = !ctx.template && tag === 'NoiseReduction' ? op.inline.NoiseReduction : undefined;
  const nrSampleRateElement = nrRaw?.SampleRate !== undefined && nrRaw.Samplerate === undefined ? 'SampleRate' as const : undefined;
  let input: JobSpec['input'];
  if (tag !== 'Tts') {
    const object = validateKey('Input.Object', raw.Input?.Object, tag !== 'SpeechRecognition' || !raw.Input?.Url);
    if (object) input = { bucket: ctx.bucket, region: ctx.region, object };
  }
  let ttsConfig: JobSpec['ttsConfig'];
  if (tag === 'Tts') {
    const tc = op.TtsConfig;
    if (!tc) throw new ValidationError('Operation.TtsConfig', 'is required for Tts jobs');
    if (tc.InputType !== 'Text' && tc.InputType !== 'Url') throw new ValidationError('Operation.TtsConfig.InputType', `${show(tc.InputType ?? '')} is not Text or Url`);
    if (!tc.Input) throw new ValidationError('Operation.TtsConfig.Input', 'is required');
    ttsConfig = { inputType: tc.InputType, input: tc.Input };
  }
  const userData = op.UserData;
  if (userData !== undefined) {
    if (userData.length > USER_DATA_MAX_CHARS) throw new ValidationError('Operation.UserData', `is ${userData.length} characters; the limit is ${USER_DATA_MAX_CHARS}`);
    if (!USER_DATA_RE.test(userData)) throw new ValidationError('Operation.UserData', 'must be printable ASCII');
  }
  let jobLevel = 0;
  if (op.JobLevel !== undefined) {
    if (!/^\d$/.test(op.JobLevel) || !(JOB_LEVELS as readonly number[]).includes(Number(op.JobLevel))) {
      throw new ValidationError('Operation.JobLevel', `${show(op.JobLevel)} is not 0, 1 or 2`);
    }
    jobLevel = Number(op.JobLevel);
  }
  return {
    tag,
    input,
    templateId: ctx.template?.id,
    templateName: ctx.template?.name,
    params,
    inline,
    ...(nrSampleRateElement ? { nrSampleRateElement } : {}),
    ttsConfig,
    output: validateOutput(tag, params, raw),
    userData: userData === '' ? undefined : userData,
    jobLevel,
    callback: validateCallback(raw),
  };
}
