import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline as pump } from 'node:stream/promises';
import { resolveOutputFormat, type ResolvedOutputFormat } from '../../audio/codecs.ts';
import { ffmpegPath, ffprobePath } from '../../audio/ffmpeg/binaries.ts';
import { probe, toMediaInfo } from '../../audio/ffmpeg/probe.ts';
import { expandOutputKey, voiceSeparateTargets } from '../../domain/jobs/output-keys.ts';
import type { Job, JobResult } from '../../domain/jobs/types.ts';
import { findBucket } from '../../store/buckets.ts';
import { chooseEngine, type EngineChoiceConfig, type EngineChoiceMode } from '../../audio/engines/auto.ts';
import { detectFile } from '../../audio/detect/speech-music.ts';
import { JobFailure, stageTimings, type Pipeline, type PipelineContext } from '../pipeline.ts';

/**
 * VoiceSeparate jobs (spec/jobs.md §1.2): input object → local file →
 * separation in the slot's engine process (decode, separate, encode each stem
 * as AudioConfig says) → each stem published under its output key (the
 * storage makes an object visible only once complete) → MediaResult with MD5s
 * and MediaInfo with one Audio stream per file (spec/jobs.md §2.1–2.2).
 */
const CONTENT_TYPES: Record<string, string> = {
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  amr: 'audio/amr',
  wav: 'audio/wav',
};

/** AudioError / engine failures → job Code and Message (spec/errors.md §6 → Impl). */
export function failureFromEngine(err: unknown, inputKey: string): JobFailure {
  const kind = (err as { kind?: string }).kind;
  const msg = (err as Error).message;
  switch (kind) {
    case 'empty':
      return new JobFailure('ResourceNotSupported', `The input ${inputKey} is empty.`, false, { cause: err });
    case 'unreadable':
      return new JobFailure('ResourceNotSupported', `The input ${inputKey} could not be decoded: ${msg}`, false, { cause: err });
    case 'no-audio':
      return new JobFailure('ResourceNotSupported', `The input ${inputKey} has no audio stream.`, false, { cause: err });
    case 'too-long':
      return new JobFailure('InvalidArgument', msg, false, { cause: err });
    case 'timeout':
      return new JobFailure('InternalError', `Processing timed out: ${msg}`, false, { cause: err });
    case 'crashed':
      return new JobFailure('InternalError', msg, true, { cause: err });
    default:
      return new JobFailure('InternalError', `Separation failed: ${msg}`.slice(0, 1000), false, { cause: err });
  }
}

async function fetchInput(job: Job, ctx: PipelineContext): Promise<string> {
  const input = job.spec.input!;
  const opened = await ctx.storage.get(input.bucket, input.object);
  if (!opened) throw new JobFailure('ResourceNotFound', `The input object ${input.object} no longer exists in bucket ${input.bucket}.`);
  if (opened.meta.size === 0) {
    opened.body.destroy();
    throw new JobFailure('ResourceNotSupported', `The input ${input.object} is empty.`);
  }
  const path = join(ctx.workDir, 'input');
  await pump(opened.body, createWriteStream(path), { signal: ctx.signal });
  return path;
}

export interface VoiceSeparateOptions {
  /** Server setting: auto (detector), speech or music (audio/engines/auto.ts). */
  choice: EngineChoiceMode;
  engines: EngineChoiceConfig;
  maxDurationSec: number;
  timeoutMs: number;
}

export function voiceSeparatePipeline(opts: VoiceSeparateOptions): Pipeline {
  return {
    tag: 'VoiceSeparate',
    async run(job: Job, ctx: PipelineContext): Promise<JobResult> {
      const params = job.spec.params;
      if (params.tag !== 'VoiceSeparate') throw new JobFailure('InvalidArgument', 'The job parameters are not VoiceSeparate parameters.');
      const out = job.spec.output;
      const outBucket = await findBucket(ctx.store, out.bucket);
      if (!outBucket || outBucket.appid !== job.appid) throw new JobFailure('WriteTargetBucketDenied', `The output bucket ${out.bucket} does not exist or belongs to another account.`);

      const t0 = Date.now();
      const inputPath = await fetchInput(job, ctx);
      const tFetched = Date.now();
      let source;
      try {
        source = await probe(inputPath, { signal: ctx.signal });
      } catch (err) {
        throw failureFromEngine(err, job.spec.input!.object);
      }
      if (!source.audio) throw new JobFailure('ResourceNotSupported', `The input ${job.spec.input!.object} has no audio stream.`);
      let format: ResolvedOutputFormat;
      try {
        format = resolveOutputFormat(params.audioConfig, params.audioMode, source.audio.channels);
      } catch (err) {
        throw new JobFailure('InvalidArgument', `AudioConfig cannot be encoded: ${(err as Error).message}`);
      }
      const targets = voiceSeparateTargets(params.audioMode, out);
      const stems = params.audioMode === 'MusicMode' ? 'four' : 'two';
      const outputs: Record<string, { path: string; format: ResolvedOutputFormat }> = {};
      for (const t of targets) outputs[t.stem] = { path: join(ctx.workDir, `${t.stem}.${format.ext}`), format };

      let engineId: string;
      try {
        engineId = await chooseEngine({ mode: opts.choice, separation: stems, detect: async () => (await detectFile(inputPath, ctx.signal)).kind }, opts.engines);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw failureFromEngine(err, job.spec.input!.object);
      }
      let separated;
      try {
        separated = await ctx.engine.run(
          {
            inputPath,
            engineId,
            mode: stems,
            outputs,
            timeoutMs: opts.timeoutMs,
            maxDurationSec: opts.maxDurationSec,
            ffmpegPaths: { ffmpeg: ffmpegPath(), ffprobe: ffprobePath() },
          },
          ctx.signal,
          (f) => ctx.progress(5 + f * 85),
        );
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw failureFromEngine(err, job.spec.input!.object);
      }
      const tSeparated = Date.now();

      // Publish: each stem becomes visible under its key only when fully stored.
      const objects: Array<{ key: string; md5: string }> = [];
      const audioStreams: unknown[] = [];
      let firstInfo: ReturnType<typeof toMediaInfo> | undefined;
      for (const t of targets) {
        const file = outputs[t.stem]!.path;
        const key = expandOutputKey(t.key, { jobId: job.id, ext: format.ext });
        const meta = await ctx.storage.put({
          bucket: out.bucket,
          key,
          body: createReadStream(file),
          maxSize: Number.MAX_SAFE_INTEGER,
          contentType: CONTENT_TYPES[format.ext] ?? 'application/octet-stream',
          headers: {},
          userMeta: {},
          storageClass: 'STANDARD',
        });
        objects.push({ key, md5: meta.etag });
        const info = toMediaInfo(await probe(file, { signal: ctx.signal }));
        firstInfo ??= info;
        const audio = (info as { Stream?: { Audio?: unknown } }).Stream?.Audio;
        if (Array.isArray(audio)) audioStreams.push(...audio);
        else if (audio) audioStreams.push(audio);
      }
      ctx.progress(99);
      const tStored = Date.now();
      const mediaInfo = firstInfo ? { ...firstInfo, Stream: { ...(firstInfo as { Stream?: object }).Stream, Audio: audioStreams } } : undefined;
      return {
        outputFile: { bucket: out.bucket, region: out.region, objects },
        mediaInfo,
        timings: stageTimings({ start: t0, fetched: tFetched, processed: tSeparated, stored: tStored }, separated),
        engine: engineId,
      };
    },
  };
}

