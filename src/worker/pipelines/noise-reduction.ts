import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as pump } from 'node:stream/promises';
import type { ResolvedOutputFormat } from '../../audio/codecs.ts';
import { resolveNoiseReductionFormat } from '../../audio/denoise-format.ts';
import { ffmpegPath, ffprobePath } from '../../audio/ffmpeg/binaries.ts';
import { probe, toMediaInfo } from '../../audio/ffmpeg/probe.ts';
import { expandOutputKey } from '../../domain/jobs/output-keys.ts';
import type { Job, JobResult } from '../../domain/jobs/types.ts';
import { findBucket } from '../../store/buckets.ts';
import { JobFailure, stageTimings, type Pipeline, type PipelineContext } from '../pipeline.ts';
import { failureFromEngine } from './voice-separate.ts';

/**
 * NoiseReduction jobs (spec/jobs.md §1.3): input object (audio, or the first
 * audio stream of a video) → local file → the slot's engine process decodes
 * it to mono at the engine's rate, denoises it (GTCRN 16 kHz or RNNoise
 * 48 kHz, setting `noiseReductionEngine`) and encodes the speech to the
 * requested Format/Samplerate, mono (audio/denoise-format.ts) → published
 * under `Output.Object` (`${ext}`/`${jobid}` expanded) → MediaResult with the
 * MD5 and MediaInfo of the output (spec/jobs.md §2.1–2.2). spec/jobs.md §2
 * lists MediaInfo "after completion (VS, TTS)"; AMBIGUITY → we also report it
 * for NoiseReduction (a superset: the output's rate/codec, which clients may
 * want, and nothing a parser of the documented shape trips on).
 *
 * Failures (spec/errors.md §6 → Impl): input larger than the limit or an M3U8
 * playlist → InvalidArgument / ResourceNotSupported; no audio stream, not
 * decodable, empty → ResourceNotSupported; input gone → ResourceNotFound;
 * output bucket not ours → WriteTargetBucketDenied.
 */
const CONTENT_TYPES: Record<string, string> = { mp3: 'audio/mpeg', m4a: 'audio/mp4', wav: 'audio/wav' };

export interface NoiseReductionOptions {
  /** Separation-engine id whose `vocals` stem is the denoised speech: `gtcrn` or `rnnoise`. */
  engine: string;
  /** spec/limits.md: 10 MB. */
  maxInputBytes: number;
  maxDurationSec: number;
  timeoutMs: number;
}

/** Downloads the input, enforcing the size limit on what is really stored now (it may have changed since submit). */
async function fetchInput(job: Job, ctx: PipelineContext, maxBytes: number): Promise<string> {
  const input = job.spec.input!;
  const opened = await ctx.storage.get(input.bucket, input.object);
  if (!opened) throw new JobFailure('ResourceNotFound', `The input object ${input.object} no longer exists in bucket ${input.bucket}.`);
  const size = opened.meta.size;
  if (size === 0 || size > maxBytes) {
    opened.body.destroy();
    if (size === 0) throw new JobFailure('ResourceNotSupported', `The input ${input.object} is empty.`);
    // spec/limits.md → Impl: "else fail the job with Code=InvalidArgument".
    throw new JobFailure('InvalidArgument', `The input ${input.object} is ${size} bytes; NoiseReduction inputs are limited to ${maxBytes} bytes.`);
  }
  const path = join(ctx.workDir, 'input');
  await pump(opened.body, createWriteStream(path), { signal: ctx.signal });
  return path;
}

/**
 * An HLS playlist is text that makes ffmpeg open other files or URLs; it is
 * refused before any tool reads it (spec/jobs.md §1.3: M3U8 not supported).
 */
async function isM3u8(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().startsWith('#EXTM3U');
  } finally {
    await fh.close();
  }
}

export function noiseReductionPipeline(opts: NoiseReductionOptions): Pipeline {
  return {
    tag: 'NoiseReduction',
    async run(job: Job, ctx: PipelineContext): Promise<JobResult> {
      const params = job.spec.params;
      if (params.tag !== 'NoiseReduction') throw new JobFailure('InvalidArgument', 'The job parameters are not NoiseReduction parameters.');
      const out = job.spec.output;
      if (!out.object) throw new JobFailure('InvalidArgument', 'Operation.Output.Object is required.');
      const inputKey = job.spec.input!.object;
      const outBucket = await findBucket(ctx.store, out.bucket);
      if (!outBucket || outBucket.appid !== job.appid) throw new JobFailure('WriteTargetBucketDenied', `The output bucket ${out.bucket} does not exist or belongs to another account.`);
      let format: ResolvedOutputFormat;
      try {
        format = resolveNoiseReductionFormat(params, out.object);
      } catch (err) {
        throw new JobFailure('InvalidArgument', `NoiseReduction output cannot be encoded: ${(err as Error).message}`);
      }

      const t0 = Date.now();
      const inputPath = await fetchInput(job, ctx, opts.maxInputBytes);
      const tFetched = Date.now();
      if (await isM3u8(inputPath)) throw new JobFailure('ResourceNotSupported', `The input ${inputKey} is an M3U8 playlist; NoiseReduction does not support M3U8 input.`);
      let source;
      try {
        source = await probe(inputPath, { signal: ctx.signal });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw failureFromEngine(err, inputKey);
      }
      if (source.format.name === 'hls') throw new JobFailure('ResourceNotSupported', `The input ${inputKey} is an M3U8 playlist; NoiseReduction does not support M3U8 input.`);
      if (!source.audio) throw new JobFailure('ResourceNotSupported', `The input ${inputKey} has no audio stream.`);
      ctx.progress(5);

      const outputPath = join(ctx.workDir, `denoised.${format.ext}`);
      let denoised;
      try {
        denoised = await ctx.engine.run(
          {
            inputPath,
            engineId: opts.engine,
            mode: 'two',
            outputs: { vocals: { path: outputPath, format } },
            timeoutMs: opts.timeoutMs,
            maxDurationSec: opts.maxDurationSec,
            ffmpegPaths: { ffmpeg: ffmpegPath(), ffprobe: ffprobePath() },
          },
          ctx.signal,
          (f) => ctx.progress(5 + f * 85),
        );
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const kind = (err as { kind?: string }).kind;
        throw kind === undefined || kind === 'failed'
          ? new JobFailure('InternalError', `Noise reduction failed: ${(err as Error).message}`.slice(0, 1000), false, { cause: err })
          : failureFromEngine(err, inputKey);
      }
      const tDenoised = Date.now();

      // Publish: the object becomes visible under its key only once fully stored.
      const key = expandOutputKey(out.object, { jobId: job.id, ext: format.ext });
      const meta = await ctx.storage.put({
        bucket: out.bucket,
        key,
        body: createReadStream(outputPath),
        maxSize: Number.MAX_SAFE_INTEGER,
        contentType: CONTENT_TYPES[format.ext] ?? 'application/octet-stream',
        headers: {},
        userMeta: {},
        storageClass: 'STANDARD',
      });
      const mediaInfo = toMediaInfo(await probe(outputPath, { signal: ctx.signal }));
      ctx.progress(99);
      const tStored = Date.now();
      return {
        outputFile: { bucket: out.bucket, region: out.region, objects: [{ key, md5: meta.etag }] },
        mediaInfo,
        timings: stageTimings({ start: t0, fetched: tFetched, processed: tDenoised, stored: tStored }, denoised),
        engine: opts.engine,
      };
    },
  };
}
