import { effectiveTts } from '../domain/jobs/tts-params.ts';
import { resolveTtsSource } from '../domain/jobs/tts-source.ts';
import { TtsTextError } from '../domain/jobs/tts-text.ts';
import type { JobSpec } from '../domain/jobs/types.ts';
import type { HandlerArgs } from '../http/context.ts';
import { apiError } from '../http/errors/api-error.ts';
import { authorize } from '../http/auth/principals.ts';
import { cosResource } from '../iam/resources.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { findBucket } from '../store/buckets.ts';
import { loadTtsText } from '../worker/tts-input.ts';

/**
 * What can be refused about a Tts job's text at submit (spec/limits.md
 * "→ Impl: enforce … the TTS text limits at submit time where the size is
 * known"): inline text and text objects are read and checked now (empty,
 * over the limit, refused characters, binary, missing, another account's
 * bucket); a URL is checked for form and address only, and fetched when the
 * job runs. Each refusal carries its documented code (spec/errors.md §4).
 */
export async function checkTtsAtSubmit(args: HandlerArgs, spec: JobSpec, bucket: string): Promise<void> {
  if (spec.params.tag !== 'Tts' || !spec.ttsConfig) return;
  try {
    const source = resolveTtsSource(spec.ttsConfig, { bucket, domainSuffixes: args.deps.config.domainSuffixes });
    // A text object in another bucket is read with the submitter's rights: a sub-account needs
    // cos:GetObject on it (the job's own bucket is read as VoiceSeparate/NoiseReduction inputs are).
    if (source.kind === 'object' && source.bucket !== bucket && args.ctx.principal.kind !== 'root') {
      const other = await findBucket(args.deps.store, source.bucket);
      if (other && other.appid === args.ctx.principal.appid) authorize(args.ctx.principal, 'cos:GetObject', [cosResource(other.region, other.appid, source.bucket, source.key)]);
    }
    await loadTtsText(source, {
      storage: args.deps.storage,
      store: args.deps.store,
      appid: args.ctx.principal.appid,
      mode: effectiveTts(spec.params).mode,
      policy: new AddressPolicy(args.deps.config.callbackAllow),
      fetchUrls: false,
      fetchTimeoutMs: args.deps.config.ttsFetchTimeoutMs,
    });
  } catch (err) {
    if (err instanceof TtsTextError) throw apiError(err.code, err.message);
    throw err;
  }
}
