import { setMaxListeners } from 'node:events';
import { rm, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { ChunkAssembler, CrossfadeJoiner, type Stems } from './chunking.ts';
import type { ResolvedOutputFormat } from './codecs.ts';
import { sanitizeAndLimit } from './dsp/limiter.ts';
import { OUTPUT_STEMS, type SeparationEngine, type SeparationMode, type StemName } from './engines/engine.ts';
import { getEngine } from './engines/registry.ts';
import { AudioError } from './errors.ts';
import { buildDecodeArgs, buildEncodeArgs } from './ffmpeg/args.ts';
import { probe, requireAudio, type ProbeResult } from './ffmpeg/probe.ts';
import { classifyInputFailure, startTool, type ToolProcess } from './ffmpeg/run.ts';
import { interleave, sumChannels } from './raw-audio.ts';

/**
 * The separation pipeline the worker calls: probe → ffmpeg decode (stream) →
 * fixed-size overlapping chunks → engine → crossfade → soft limit → one
 * ffmpeg encoder per requested stem (stream). Memory stays flat (about one
 * chunk of input and of each stem) whatever the input's length.
 */

export interface StemOutput {
  path: string;
  format: ResolvedOutputFormat;
}

export interface SeparateFileOptions {
  inputPath: string;
  /** An engine, or its registry id. */
  engine: SeparationEngine | string;
  mode: SeparationMode;
  /** At least one; stems allowed by the mode (`OUTPUT_STEMS`). Parent directories MUST exist; files are overwritten. */
  outputs: Partial<Record<StemName, StemOutput>>;
  signal?: AbortSignal;
  /** Limit for the whole call, probe included. */
  timeoutMs?: number;
  /** Called with a non-decreasing fraction in [0, 1] after each chunk; 1 at the end. MUST NOT throw. */
  onProgress?: (fraction: number) => void;
  /** Inputs longer than this fail with kind `too-long` (checked on the probe, and again while decoding). */
  maxDurationSec?: number;
  /** Chunk length (default 20 s) and overlap/crossfade length (default 2 s). */
  chunkSec?: number;
  overlapSec?: number;
}

export interface SeparateFileResult {
  /** Decoded duration of the input. */
  durationSec: number;
  sourceProbe: ProbeResult;
  /**
   * Wall time, and the time the pipeline spent on each stage: probing,
   * waiting for decoded PCM, inside the engine, writing to the encoders and
   * waiting for them to finish. Stages overlap with the child processes, so
   * the stage times need not add up to `totalMs`.
   */
  timings: { probeMs: number; decodeMs: number; separateMs: number; encodeMs: number; totalMs: number };
  outputs: Partial<Record<StemName, { path: string; bytes: number }>>;
}

/**
 * Separates `inputPath` into the requested stems.
 *
 * Rejects with an AudioError whose `kind` says why: `empty` (0-byte file),
 * `unreadable`, `no-audio`, `too-long`, `timeout`, `aborted`, `failed`
 * (FfmpegError for process failures). On any failure every child process is
 * killed and awaited, and the output files are removed.
 * Caller bugs throw before any work: RangeError (no output, a stem the mode
 * does not produce, two outputs on one path), UnknownEngineError (bad id).
 */
export async function separateFile(opts: SeparateFileOptions): Promise<SeparateFileResult> {
  const started = performance.now();
  const requested = checkOutputs(opts.mode, opts.outputs);
  const engine = typeof opts.engine === 'string' ? await getEngine(opts.engine) : opts.engine;
  const control = linkAbort(opts.signal, opts.timeoutMs);
  const run = new PipelineRun(opts, engine, requested, control);
  try {
    const result = await run.execute();
    return { ...result, timings: { ...result.timings, totalMs: performance.now() - started } };
  } catch (err) {
    control.abort(err);
    await run.cleanUp();
    throw toAudioError(control.signal.reason ?? err);
  } finally {
    control.dispose();
  }
}

function checkOutputs(mode: SeparationMode, outputs: Partial<Record<StemName, StemOutput>>): [StemName, StemOutput][] {
  const entries = Object.entries(outputs).filter((e): e is [StemName, StemOutput] => e[1] !== undefined);
  if (entries.length === 0) throw new RangeError('separateFile: no output requested');
  for (const [stem] of entries) {
    if (!OUTPUT_STEMS[mode].includes(stem)) throw new RangeError(`separateFile: stem ${stem} is not produced in mode ${mode} (${OUTPUT_STEMS[mode].join(', ')})`);
  }
  const paths = new Set(entries.map(([, o]) => o.path));
  if (paths.size !== entries.length) throw new RangeError('separateFile: two outputs share a path');
  return entries;
}

/** One AbortController for the whole run: fed by the caller's signal, the timeout, and any failure. */
function linkAbort(outer: AbortSignal | undefined, timeoutMs: number | undefined) {
  const controller = new AbortController();
  // Every ffmpeg process of the run listens on this signal: MusicMode has a
  // decoder and five encoders beside the engine, over Node's default of 10.
  setMaxListeners(32, controller.signal);
  const onOuter = () => controller.abort(new AudioError('aborted', 'separation aborted by the caller', { cause: outer?.reason }));
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  const timer = timeoutMs !== undefined ? setTimeout(() => controller.abort(new AudioError('timeout', `separation timed out after ${timeoutMs} ms`)), timeoutMs) : undefined;
  return {
    signal: controller.signal,
    /** Records the first failure as the reason; later ones are consequences. */
    abort: (reason: unknown) => controller.abort(reason),
    dispose: () => {
      if (timer) clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

function toAudioError(reason: unknown): AudioError {
  if (reason instanceof AudioError) return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return new AudioError('failed', `separation failed: ${message}`, { cause: reason });
}

class PipelineRun {
  private readonly encoders = new Map<StemName, ToolProcess>();
  private decoder: ToolProcess | undefined;
  private readonly timings = { probeMs: 0, decodeMs: 0, separateMs: 0, encodeMs: 0 };
  private readonly signal: AbortSignal;
  private framesIn = 0;
  private framesOut = 0;
  private expectedFrames = 0;
  private lastProgress = 0;
  private pendingWrites: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: SeparateFileOptions,
    private readonly engine: SeparationEngine,
    private readonly requested: [StemName, StemOutput][],
    private readonly control: { signal: AbortSignal; abort: (reason: unknown) => void },
  ) {
    this.signal = control.signal;
  }

  async execute(): Promise<Omit<SeparateFileResult, 'timings'> & { timings: Omit<SeparateFileResult['timings'], 'totalMs'> }> {
    const sourceProbe = await this.probeInput();
    const { sampleRate, channels } = this.engine.requires;
    this.expectedFrames = Math.round((sourceProbe.durationSec ?? 0) * sampleRate);
    for (const [stem, out] of this.requested) {
      const args = buildEncodeArgs({ output: out.path, inputSampleRate: sampleRate, inputChannels: channels, format: out.format });
      this.encoders.set(stem, this.watch(startTool('ffmpeg', args, { stdin: 'pipe', signal: this.signal })));
    }
    const decoder = startTool('ffmpeg', buildDecodeArgs({ input: this.opts.inputPath, sampleRate, channels }), {
      stdout: 'pipe',
      signal: this.signal,
      classify: classifyInputFailure,
    });
    this.decoder = this.watch(decoder);

    await this.pump(decoder.stdout!);
    await decoder.done;
    if (this.framesIn === 0) throw new AudioError('no-audio', `${this.opts.inputPath}: the audio stream decoded to no samples`);

    await this.flushWrites();
    const t = performance.now();
    for (const enc of this.encoders.values()) enc.stdin!.end();
    await Promise.all([...this.encoders.values()].map((e) => e.done));
    this.timings.encodeMs += performance.now() - t;
    this.opts.onProgress?.(1);

    const outputs: SeparateFileResult['outputs'] = {};
    for (const [stem, out] of this.requested) outputs[stem] = { path: out.path, bytes: (await stat(out.path)).size };
    return { durationSec: this.framesIn / sampleRate, sourceProbe, timings: this.timings, outputs };
  }

  /** Kills what still runs, waits for every child to exit, removes outputs. */
  async cleanUp(): Promise<void> {
    const procs = [...this.encoders.values(), ...(this.decoder ? [this.decoder] : [])];
    for (const p of procs) p.kill();
    await Promise.allSettled(procs.map((p) => p.done));
    await Promise.allSettled(this.requested.map(([, out]) => rm(out.path, { force: true })));
  }

  /** A child's failure aborts the whole run (its error becomes the reason). */
  private watch(proc: ToolProcess): ToolProcess {
    proc.done.catch((err: unknown) => this.control.abort(err));
    return proc;
  }

  private async probeInput(): Promise<ProbeResult> {
    const t = performance.now();
    const path = this.opts.inputPath;
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (err) {
      throw new AudioError('unreadable', `${path}: cannot stat input (${(err as Error).message})`, { cause: err });
    }
    if (size === 0) throw new AudioError('empty', `${path}: the input file is empty (0 bytes)`);
    const result = await probe(path, { signal: this.signal });
    requireAudio(result, path);
    const max = this.opts.maxDurationSec;
    if (max !== undefined && result.durationSec !== undefined && result.durationSec > max) {
      throw new AudioError('too-long', `${path}: duration ${result.durationSec.toFixed(3)} s exceeds the limit of ${max} s`);
    }
    this.timings.probeMs = performance.now() - t;
    return result;
  }

  /** Reads decoded f32le PCM, runs full chunks through the engine, then the last partial one. */
  private async pump(stdout: Readable): Promise<void> {
    const { sampleRate, channels } = this.engine.requires;
    const chunkFrames = Math.round((this.opts.chunkSec ?? 20) * sampleRate);
    const overlapFrames = Math.round((this.opts.overlapSec ?? 2) * sampleRate);
    const assembler = new ChunkAssembler(channels, { chunkFrames, overlapFrames });
    const joiner = new CrossfadeJoiner(overlapFrames);
    const frameBytes = 4 * channels;
    const maxFrames = this.opts.maxDurationSec !== undefined ? Math.ceil((this.opts.maxDurationSec + 1) * sampleRate) : Infinity;
    let carry = Buffer.alloc(0);
    let mark = performance.now();
    for await (const data of stdout as AsyncIterable<Buffer>) {
      this.timings.decodeMs += performance.now() - mark;
      const bytes = carry.length > 0 ? Buffer.concat([carry, data]) : data;
      const frames = Math.floor(bytes.length / frameBytes);
      carry = Buffer.from(bytes.subarray(frames * frameBytes));
      // Copy into an aligned Float32Array (pipe buffers have arbitrary offsets); f32le = host order on every supported platform.
      const samples = new Float32Array(frames * channels);
      Buffer.from(samples.buffer).set(bytes.subarray(0, frames * frameBytes));
      this.framesIn += frames;
      if (this.framesIn > maxFrames) {
        throw new AudioError('too-long', `${this.opts.inputPath}: decoded more than the limit of ${this.opts.maxDurationSec} s`);
      }
      for (const chunk of assembler.push(samples, frames)) await this.processChunk(chunk, joiner, false);
      mark = performance.now();
    }
    this.signal.throwIfAborted();
    const last = assembler.finish();
    if (last) await this.processChunk(last, joiner, true);
    else {
      const tail = joiner.finish();
      if (tail) await this.emit(tail);
    }
  }

  private async processChunk(chunk: Float32Array[], joiner: CrossfadeJoiner, last: boolean): Promise<void> {
    const { sampleRate, channels } = this.engine.requires;
    const t = performance.now();
    const out = await this.engine.separateChunk({ channels: chunk, sampleRate }, this.opts.mode, this.signal);
    this.timings.separateMs += performance.now() - t;
    this.signal.throwIfAborted();
    const frames = chunk[0]!.length;
    for (const stem of this.engine.stems(this.opts.mode)) {
      const chs = out[stem];
      if (!chs || chs.length !== channels || chs.some((c) => c.length !== frames)) {
        throw new AudioError('failed', `engine ${this.engine.id} returned a malformed ${stem} stem for a ${frames}-frame chunk`);
      }
    }
    if (this.opts.mode === 'four' && this.encoders.has('background')) {
      out.background = sumChannels([out.drums!, out.bass!, out.other!]);
    }
    const wanted: Stems = {};
    for (const stem of this.encoders.keys()) wanted[stem] = out[stem]!;
    await this.emit(joiner.push(wanted, last));
  }

  /**
   * Limits final frames and queues them to each encoder. Backpressure with
   * one block in flight: before queuing block k+1 we wait until block k has
   * been taken by the encoders, so the engine works on the next chunk while
   * the encoders work on this one, and at most two blocks per stem are held.
   */
  private async emit(stems: Stems): Promise<void> {
    await this.flushWrites();
    const frames = Object.values(stems)[0]?.[0]?.length ?? 0;
    const writes = Object.entries(stems).map(([stem, chs]) => {
      const pcm = interleave(chs);
      sanitizeAndLimit(pcm);
      return writeWithBackpressure(this.encoders.get(stem as StemName)!.stdin!, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), this.signal);
    });
    this.pendingWrites = Promise.all(writes);
    this.pendingWrites.catch(() => {}); // awaited by the next flush; a failure aborts the run anyway
    this.framesOut += frames;
    this.reportProgress();
  }

  private async flushWrites(): Promise<void> {
    const t = performance.now();
    await this.pendingWrites;
    this.timings.encodeMs += performance.now() - t;
  }

  private reportProgress(): void {
    if (!this.opts.onProgress || this.expectedFrames <= 0) return;
    const fraction = Math.min(0.99, this.framesOut / this.expectedFrames);
    if (fraction > this.lastProgress) {
      this.lastProgress = fraction;
      this.opts.onProgress(fraction);
    }
  }
}

/**
 * Writes and, when the pipe is full, waits for 'drain'. A closed stdin (the
 * encoder exited) resolves at once: the encoder's own exit status, reported
 * through its `done`, is the error worth showing, not our EPIPE. Rejects
 * with the run's abort reason.
 */
function writeWithBackpressure(stdin: Writable, data: Buffer, signal: AbortSignal): Promise<void> {
  if (data.length === 0 || stdin.destroyed || stdin.write(data) || stdin.destroyed) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const settle = (fn: () => void) => () => {
      stdin.off('drain', onDone);
      stdin.off('close', onDone);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onDone = settle(resolve);
    const onAbort = settle(() => reject(signal.reason));
    if (signal.aborted) return onAbort();
    stdin.on('drain', onDone);
    stdin.on('close', onDone);
    signal.addEventListener('abort', onAbort);
  });
}
