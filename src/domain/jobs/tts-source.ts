import { ValidationError } from '../errors.ts';
import { validateKey } from './submit.ts';

/**
 * Where a Tts job's text comes from (spec/jobs.md §1.4 `TtsConfig`).
 * `InputType=Url`: the docs only say "a valid COS address"; spec → Impl:
 * accept a full COS object URL (`http(s)://<bucket>.cos.<region>.<suffix>/<key>`,
 * read from this server's storage, never over the network) and, leniently, a
 * bare object key in the job's bucket. AMBIGUITY → chose to also accept any
 * other http(s) URL, fetched through the guarded fetch (net/fetch-guarded.ts:
 * the callbackAllow address policy, redirects re-checked, 10 MB limit).
 */
export type TtsTextSource =
  | { kind: 'inline'; text: string }
  | { kind: 'object'; bucket: string; key: string }
  | { kind: 'url'; url: string };

const FIELD = 'Operation.TtsConfig.Input';
const COS_HOST_RE = /^([a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?-\d{1,20})\.cos\.([a-z0-9-]{1,40})$/;

export function resolveTtsSource(ttsConfig: { inputType: 'Text' | 'Url'; input: string }, ctx: { bucket: string; domainSuffixes: readonly string[] }): TtsTextSource {
  if (ttsConfig.inputType === 'Text') return { kind: 'inline', text: ttsConfig.input };
  const raw = ttsConfig.input.trim();
  if (!/^https?:\/\//i.test(raw)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new ValidationError(FIELD, `${JSON.stringify(raw.slice(0, 80))} is not an http(s) URL or an object key`);
    return { kind: 'object', bucket: ctx.bucket, key: validateKey(FIELD, raw, true)! };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(FIELD, `${JSON.stringify(raw.slice(0, 80))} is not a valid URL`);
  }
  const host = url.hostname.toLowerCase();
  for (const suffix of ctx.domainSuffixes) {
    if (!host.endsWith('.' + suffix)) continue;
    const m = COS_HOST_RE.exec(host.slice(0, -(suffix.length + 1)));
    if (!m) continue;
    let key: string;
    try {
      key = decodeURIComponent(url.pathname);
    } catch {
      throw new ValidationError(FIELD, `the object key in ${JSON.stringify(raw.slice(0, 80))} is not valid percent-encoding`);
    }
    return { kind: 'object', bucket: m[1]!, key: validateKey(FIELD, key, true)! };
  }
  return { kind: 'url', url: raw };
}
