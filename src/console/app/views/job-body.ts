import type { RawJobRequest } from '../../../domain/jobs/raw.ts';
import type { RawParamsByTag } from '../../../domain/templates/index.ts';
import type { XmlObject, XmlValue } from '../xml.ts';

/**
 * A `POST /jobs` body built by the form, seen as the raw input the server's
 * wire layer reads from it (api/wire/job-request.ts), so the console can run
 * the server's own submit rules (domain/jobs/submit.ts) before sending.
 */
const INLINE: Record<string, keyof RawParamsByTag> = { VoiceSeparate: 'VoiceSeparate', NoiseReduction: 'NoiseReduction', TtsTpl: 'Tts', SpeechRecognition: 'SpeechRecognition' };

/** An empty element means "not set" on the wire (spec/clients.md §7): '' leaves become undefined. */
function unsetEmpty(v: XmlValue): XmlValue {
  if (v === '') return undefined;
  if (Array.isArray(v)) return v.map(unsetEmpty);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unsetEmpty(x)]));
  return v;
}

export function jobRaw(form: XmlObject): RawJobRequest {
  const body = unsetEmpty(form) as XmlObject;
  const op = body.Operation as XmlObject | undefined;
  const inline: Partial<RawParamsByTag> = {};
  for (const [element, tag] of Object.entries(INLINE)) if (op?.[element] !== undefined) inline[tag] = op[element] as never;
  const pick = (v: unknown) => v as never;
  return {
    Tag: pick(body.Tag),
    Input: pick(body.Input),
    Operation: op && {
      TemplateId: pick(op.TemplateId),
      inline,
      TtsConfig: pick(op.TtsConfig),
      Output: pick(op.Output),
      UserData: pick(op.UserData),
      JobLevel: pick(op.JobLevel),
    },
  };
}
