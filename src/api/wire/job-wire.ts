import type { Job } from '../../domain/jobs/types.ts';
import { formatCiTime } from '../../domain/time.ts';
import type { XmlNode, XmlValue } from '../../http/xml/build.ts';
import { TEMPLATE_PARAMS_ELEMENT, templateParamsToXml } from './template-wire.ts';

/**
 * `JobsDetail` (spec/jobs.md §2) for submit, query, list and callbacks, in
 * the element order of the spec's samples. Unset times are `-` (spec/README.md
 * "Wire conventions" → Impl). Output is echoed unexpanded; the produced keys
 * are in MediaResult (spec/jobs.md §1.8).
 */
export function jobToXml(job: Job): XmlNode {
  const s = job.spec;
  const o = s.output;
  const result = job.result;
  const operation: XmlNode = {
    TemplateId: s.templateId,
    TemplateName: s.templateName,
    ...(s.inline ? { [TEMPLATE_PARAMS_ELEMENT[s.tag]]: inlineParamsToXml(s) } : {}),
    TtsConfig: s.ttsConfig ? { InputType: s.ttsConfig.inputType, Input: s.ttsConfig.input } : undefined,
    Output: { Region: o.region, Bucket: o.bucket, Object: o.object, AuObject: o.auObject, BassObject: o.bassObject, DrumObject: o.drumObject },
    UserData: s.userData,
    JobLevel: s.jobLevel,
    MediaInfo: result?.mediaInfo as XmlValue | undefined,
    MediaResult: result?.outputFile
      ? {
          OutputFile: {
            Bucket: result.outputFile.bucket,
            Region: result.outputFile.region,
            ObjectPrefix: '',
            ObjectName: result.outputFile.objects.map((x) => x.key),
            Md5Info: result.outputFile.objects.map((x) => ({ Md5: x.md5, ObjectName: x.key })),
          },
        }
      : undefined,
  };
  return {
    Code: job.code,
    Message: job.message,
    JobId: job.id,
    State: job.state,
    Progress: job.state === 'Running' && job.progress !== undefined ? job.progress : undefined,
    CreationTime: formatCiTime(job.createdAt),
    StartTime: job.startedAt === undefined ? '-' : formatCiTime(job.startedAt),
    EndTime: job.endedAt === undefined ? '-' : formatCiTime(job.endedAt),
    QueueId: job.queueId,
    Tag: job.tag,
    Input: s.input ? { BucketId: s.input.bucket, Object: s.input.object, Region: s.input.region } : undefined,
    Operation: operation,
  };
}

/** Inline parameters as sent; NoiseReduction keeps the job's `SampleRate` spelling (spec/templates.md §2 → Impl). */
function inlineParamsToXml(s: Job['spec']): XmlNode {
  const xml = templateParamsToXml(s.params);
  if (s.nrSampleRateElement !== 'SampleRate' || !('Samplerate' in xml)) return xml;
  const { Samplerate, ...rest } = xml as Record<string, XmlValue>;
  return { ...rest, SampleRate: Samplerate };
}

/**
 * XML → JSON for notifications (spec/callbacks.md §3): every leaf a string,
 * repeated elements as arrays, empty elements omitted; the listed names are
 * always arrays, `Audio` is object-or-array by count.
 */
const ALWAYS_ARRAY = new Set(['Md5Info', 'ObjectName', 'CosHeaders', 'JobsDetail', 'ResultDetail', 'Words', 'FlashResult']);

export function xmlNodeToJson(value: XmlValue, name = ''): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => xmlNodeToJson(v, name)).filter((v) => v !== undefined);
    if (items.length === 0) return undefined;
    return items.length === 1 && !ALWAYS_ARRAY.has(name) ? items[0] : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = xmlNodeToJson(v, k);
      if (c === undefined) continue;
      out[k] = ALWAYS_ARRAY.has(k) && !Array.isArray(c) ? [c] : c;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return String(value);
}
