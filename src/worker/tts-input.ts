import type { Readable } from 'node:stream';
import { checkTtsText, decodeTextObject, TTS_OBJECT_MAX_BYTES, TtsTextError, ttsMaxChars } from '../domain/jobs/tts-text.ts';
import type { TtsTextSource } from '../domain/jobs/tts-source.ts';
import type { TtsMode } from '../domain/templates/types.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { checkFetchUrl, fetchGuarded, FetchFailure } from '../net/fetch-guarded.ts';
import type { ObjectStorage } from '../storage/storage.ts';
import { findBucket } from '../store/buckets.ts';
import type { MetadataStore } from '../store/store.ts';

/**
 * Reads and checks the text of a Tts job (spec/jobs.md §1.4, spec/limits.md
 * "TTS"). The submit handler calls it with `fetchUrls: false` (objects are
 * read and checked at once, URLs only checked for form and address, so a
 * slow or hostile server cannot hold the request); the pipeline calls it
 * again when the job runs, on what is there then. Every refusal is a
 * TtsTextError whose `code` is the wire code.
 */
export interface TtsInputContext {
  storage: ObjectStorage;
  store: MetadataStore;
  /** APPID of the job: a text object must be in a bucket of the same account. */
  appid: string;
  mode: TtsMode;
  policy: AddressPolicy;
  fetchUrls: boolean;
  fetchTimeoutMs: number;
  signal?: AbortSignal;
}

const INPUT = 'Operation.TtsConfig.Input';

async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > limit) {
      body.destroy();
      break;
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readObjectText(source: { bucket: string; key: string }, ctx: TtsInputContext): Promise<string> {
  const what = `The text object ${source.key} (bucket ${source.bucket})`;
  const bucket = await findBucket(ctx.store, source.bucket);
  if (!bucket || bucket.appid !== ctx.appid) throw new TtsTextError('ResourceAccessDenied', `${INPUT}: bucket ${source.bucket} is not a bucket of APPID ${ctx.appid} on this server.`);
  const opened = await ctx.storage.get(source.bucket, source.key);
  if (!opened) throw new TtsTextError('ResourceNotFound', `${what} does not exist.`);
  if (opened.meta.size > TTS_OBJECT_MAX_BYTES) {
    opened.body.destroy();
    throw new TtsTextError('InvalidArgument', `${what} is ${opened.meta.size} bytes; text objects are limited to ${TTS_OBJECT_MAX_BYTES} bytes (10 MB).`);
  }
  return decodeTextObject(await readAll(opened.body, TTS_OBJECT_MAX_BYTES), what);
}

/** A URL as shown in messages and logs: without its query (it may carry a signature or a token). */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`.slice(0, 200);
  } catch {
    return url.replace(/[?#].*$/, '').slice(0, 200);
  }
}

async function fetchText(url: string, ctx: TtsInputContext): Promise<string> {
  try {
    const r = await fetchGuarded(url, { policy: ctx.policy, maxBytes: TTS_OBJECT_MAX_BYTES, timeoutMs: ctx.fetchTimeoutMs, signal: ctx.signal });
    return decodeTextObject(r.body, `The text at ${shownUrl(url)}`);
  } catch (err) {
    if (!(err instanceof FetchFailure)) throw err;
    if (err.kind === 'aborted') throw err;
    const code = err.kind === 'bad-url' || err.kind === 'refused' || err.kind === 'too-large' ? 'InvalidArgument' : 'ResourceDownloadFailed';
    throw new TtsTextError(code, `${INPUT}: downloading ${shownUrl(url)} failed: ${err.message}`);
  }
}

/** The checked text; `undefined` only at submit for a URL (not fetched then). */
export async function loadTtsText(source: TtsTextSource, ctx: TtsInputContext): Promise<string | undefined> {
  if (source.kind === 'inline') return checkTtsText(source.text, ttsMaxChars('Text', ctx.mode), INPUT, 'inline text (InputType Text)');
  const limitName = `a text object with Mode ${ctx.mode}`;
  if (source.kind === 'object') return checkTtsText(await readObjectText(source, ctx), ttsMaxChars('Url', ctx.mode), `The text object ${source.key}`, limitName);
  if (!ctx.fetchUrls) {
    try {
      checkFetchUrl(source.url, ctx.policy);
    } catch (err) {
      if (err instanceof FetchFailure) throw new TtsTextError('InvalidArgument', `${INPUT}: ${err.message}`);
      throw err;
    }
    return undefined;
  }
  return checkTtsText(await fetchText(source.url, ctx), ttsMaxChars('Url', ctx.mode), `The text at ${shownUrl(source.url)}`, limitName);
}
