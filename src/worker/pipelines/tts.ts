import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileUrl } from '../../audio/ffmpeg/args.ts';
import { parseProbeJson, probe, toMediaInfo, type ProbeResult } from '../../audio/ffmpeg/probe.ts';
import { runTool } from '../../audio/ffmpeg/run.ts';
import type { EspeakClient } from '../../audio/tts/espeak-client.ts';
import { synthesizeSpeech, type TtsOutputFormat } from '../../audio/tts/synthesize-speech.ts';
import { expandOutputKey } from '../../domain/jobs/output-keys.ts';
import { effectiveTts } from '../../domain/jobs/tts-params.ts';
import { resolveTtsSource } from '../../domain/jobs/tts-source.ts';
import { TtsTextError } from '../../domain/jobs/tts-text.ts';
import type { Job, JobResult } from '../../domain/jobs/types.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { AddressPolicy } from '../../net/address-policy.ts';
import { findBucket } from '../../store/buckets.ts';
import { JobFailure, type Pipeline, type PipelineContext } from '../pipeline.ts';
import { loadTtsText } from '../tts-input.ts';

/**
 * Tts jobs (spec/jobs.md §1.4): the text (inline, a text object, or a URL)
 * is read and checked again (spec/limits.md "TTS"), spoken by eSpeak NG with
 * the VoiceType's voice, Speed and Volume (audio/tts/), encoded as Codec
 * wav/mp3/pcm at 16 kHz mono, published under `Output.Object`
 * (`${ext}`/`${jobid}` expanded), and reported with MediaResult (MD5) and
 * MediaInfo (spec/jobs.md §2.1–2.2; the TTS callback sample shows
 * `CodecName` and `SampleRate`, we send the full shape).
 *
 * Mode: "Sync vs Asyc only affects limits … both are asynchronous jobs at the
 * API level" (spec/jobs.md §1.4), so a Sync job is queued and run like any
 * other; only its text limit (300 characters for a text object) differs.
 *
 * Failures (spec/errors.md §6 → Impl): text refused → InvalidArgument
 * (ResourceNotSupported for a binary object), object gone → ResourceNotFound,
 * object in another account's bucket → ResourceAccessDenied, URL download
 * failed → ResourceDownloadFailed, output bucket not ours →
 * WriteTargetBucketDenied.
 */
export interface TtsPipelineOptions {
  client: EspeakClient;
  /** The address policy of server-side requests (setting callbackAllow). */
  policy: AddressPolicy;
  domainSuffixes: readonly string[];
  fetchTimeoutMs: number;
  timeoutMs: number;
}

/** ffprobe cannot guess headerless PCM: it is told the layout we wrote. */
async function probeOutput(path: string, format: TtsOutputFormat, signal: AbortSignal): Promise<ProbeResult> {
  if (format.codec !== 'pcm') return probe(path, { signal });
  const { stdout } = await runTool('ffprobe', [
    '-hide_banner', '-loglevel', 'error', '-print_format', 'json', '-show_format', '-show_streams',
    '-f', 's16le', '-ar', String(format.sampleRate), '-ch_layout', 'mono', fileUrl(path),
  ], { signal });
  return parseProbeJson(JSON.parse(stdout.toString('utf8')));
}

export function ttsPipeline(opts: TtsPipelineOptions): Pipeline {
  return {
    tag: 'Tts',
    async run(job: Job, ctx: PipelineContext): Promise<JobResult> {
      const params = job.spec.params;
      const config = job.spec.ttsConfig;
      if (params.tag !== 'Tts' || !config) throw new JobFailure('InvalidArgument', 'The job parameters are not Tts parameters.');
      const tts = effectiveTts(params);
      const out = job.spec.output;
      if (!out.object) throw new JobFailure('InvalidArgument', 'Operation.Output.Object is required.');
      const outBucket = await findBucket(ctx.store, out.bucket);
      if (!outBucket || outBucket.appid !== job.appid) throw new JobFailure('WriteTargetBucketDenied', `The output bucket ${out.bucket} does not exist or belongs to another account.`);

      const t0 = Date.now();
      let text: string;
      try {
        const source = resolveTtsSource(config, { bucket: job.bucket, domainSuffixes: opts.domainSuffixes });
        text = (await loadTtsText(source, {
          storage: ctx.storage,
          store: ctx.store,
          appid: job.appid,
          mode: tts.mode,
          policy: opts.policy,
          fetchUrls: true,
          fetchTimeoutMs: opts.fetchTimeoutMs,
          signal: ctx.signal,
        }))!;
      } catch (err) {
        if (err instanceof TtsTextError) throw new JobFailure(err.code, err.message);
        if (err instanceof ValidationError) throw new JobFailure('InvalidArgument', err.message);
        throw err;
      }
      const tText = Date.now();
      ctx.progress(5);

      let speech;
      const outputPath = join(ctx.workDir, 'speech');
      try {
        speech = await synthesizeSpeech(opts.client, { text, voiceType: tts.voiceType, speed: tts.speed, volume: tts.volume, codec: tts.codec }, outputPath, {
          signal: ctx.signal,
          timeoutMs: opts.timeoutMs,
          onProgress: (f) => ctx.progress(5 + f * 85),
        });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw new JobFailure('InternalError', `Speech synthesis failed: ${(err as Error).message}`.slice(0, 1000), false, { cause: err });
      }
      const tSpoken = Date.now();

      const key = expandOutputKey(out.object, { jobId: job.id, ext: speech.format.ext });
      const meta = await ctx.storage.put({
        bucket: out.bucket,
        key,
        body: createReadStream(outputPath),
        maxSize: Number.MAX_SAFE_INTEGER,
        contentType: speech.format.contentType,
        headers: {},
        userMeta: {},
        storageClass: 'STANDARD',
      });
      const mediaInfo = toMediaInfo(await probeOutput(outputPath, speech.format, ctx.signal));
      ctx.progress(99);
      const tStored = Date.now();
      return {
        outputFile: { bucket: out.bucket, region: out.region, objects: [{ key, md5: meta.etag }] },
        mediaInfo,
        timings: {
          textMs: tText - t0,
          synthMs: speech.timings.synthMs,
          encodeMs: speech.timings.totalMs - speech.timings.synthMs,
          storeMs: tStored - tSpoken,
          totalMs: tStored - t0,
          audioSec: speech.durationSec,
        },
        engine: 'espeak-ng',
      };
    },
  };
}
