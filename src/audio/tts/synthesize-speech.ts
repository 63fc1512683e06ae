import { buildOutputFormat } from '../codecs.ts';
import { AudioError } from '../errors.ts';
import { buildEncodeArgs } from '../ffmpeg/args.ts';
import { startTool } from '../ffmpeg/run.ts';
import type { TtsCodec } from '../../domain/templates/types.ts';
import type { EspeakClient } from './espeak-client.ts';
import { espeakRate, espeakVoiceName, voiceFor, volumeGain } from './voices.ts';

/**
 * Text → speech file: eSpeak NG (in its worker thread) → gain for `Volume` →
 * ffmpeg encodes `Codec` wav/mp3/pcm (spec/templates.md §3) at 16 kHz mono.
 *
 * AMBIGUITY → the docs give no TTS sample rate; chose 16000 Hz mono, the
 * rate of the real service's standard voices (and of NoiseReduction's
 * default). `pcm` is headerless signed 16-bit little-endian mono at that
 * rate (`${ext}` = `pcm`); `wav` is the same samples in a RIFF header; `mp3`
 * is 64 kbps (MPEG-2 layer III, ample for 16 kHz speech).
 */
export const TTS_SAMPLE_RATE = 16000;
export const TTS_CHANNELS = 1;
export const TTS_MP3_KBPS = 64;

export interface TtsOutputFormat {
  codec: TtsCodec;
  ext: string;
  contentType: string;
  sampleRate: number;
  channels: number;
  encoderArgs: string[];
}

export function ttsOutputFormat(codec: TtsCodec): TtsOutputFormat {
  const want = { sampleRate: TTS_SAMPLE_RATE, channels: TTS_CHANNELS };
  switch (codec) {
    case 'wav':
      return { ...buildOutputFormat('wav', want), codec, contentType: 'audio/wav' };
    case 'mp3':
      return { ...buildOutputFormat('mp3', { ...want, bitrateKbps: TTS_MP3_KBPS }), codec, contentType: 'audio/mpeg' };
    case 'pcm':
      return {
        codec,
        ext: 'pcm',
        contentType: 'application/octet-stream',
        ...want,
        encoderArgs: ['-ar', String(TTS_SAMPLE_RATE), '-ac', String(TTS_CHANNELS), '-c:a', 'pcm_s16le', '-f', 's16le'],
      };
  }
}

export interface SpeechRequest {
  text: string;
  voiceType: string;
  /** 50…200 (100 = normal). */
  speed: number;
  /** −10…10 (0 = normal). */
  volume: number;
  codec: TtsCodec;
}

export interface SpeechResult {
  durationSec: number;
  format: TtsOutputFormat;
  timings: { synthMs: number; totalMs: number };
}

/** int16 → float32 with the Volume gain (at most ×0.998 of full scale, voices.ts). */
export function applyGain(samples: Int16Array, gain: number): Float32Array {
  const out = new Float32Array(samples.length);
  const k = gain / 32768;
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * k;
  return out;
}

/**
 * Synthesizes `req` into `outputPath` (overwritten). `onProgress` gets the
 * fraction of the text spoken so far. Errors are AudioErrors (`aborted`,
 * `timeout`, `failed`).
 */
export async function synthesizeSpeech(
  client: EspeakClient,
  req: SpeechRequest,
  outputPath: string,
  opts: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (fraction: number) => void } = {},
): Promise<SpeechResult> {
  const t0 = Date.now();
  const voice = voiceFor(req.voiceType);
  const format = ttsOutputFormat(req.codec);
  const gain = volumeGain(req.volume);
  const textLength = req.text.length;
  // eSpeak's rate is fixed (22050 Hz) but asked for, not assumed: the encoder starts on the first chunk.
  let encoder: ReturnType<typeof startTool> | undefined;
  let samples = 0;
  let espeakRateHz = 0;
  const startEncoder = (sampleRate: number) =>
    startTool('ffmpeg', buildEncodeArgs({ output: outputPath, inputSampleRate: sampleRate, inputChannels: 1, format }), {
      stdin: 'pipe',
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  const ESPEAK_RATE_HZ = 22050;
  try {
    const { sampleRate } = await client.synthesize(
      { text: req.text, voice: espeakVoiceName(voice), rate: espeakRate(req.speed), pitch: voice.pitch, range: voice.range },
      {
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
        onChunk: (chunk, textPos) => {
          encoder ??= startEncoder(ESPEAK_RATE_HZ);
          samples += chunk.length;
          const f = applyGain(chunk, gain);
          encoder.stdin!.write(Buffer.from(f.buffer, f.byteOffset, f.byteLength));
          if (textLength > 0) opts.onProgress?.(Math.min(1, textPos / textLength));
        },
      },
    );
    espeakRateHz = sampleRate;
  } catch (err) {
    encoder?.kill();
    throw err;
  }
  const synthMs = Date.now() - t0;
  if (samples === 0 || !encoder) throw new AudioError('failed', 'eSpeak produced no audio for the text');
  if (espeakRateHz !== ESPEAK_RATE_HZ) {
    encoder.kill();
    throw new AudioError('failed', `eSpeak reported ${espeakRateHz} Hz; expected ${ESPEAK_RATE_HZ} Hz`);
  }
  encoder.stdin!.end();
  await encoder.done;
  return { durationSec: samples / ESPEAK_RATE_HZ, format, timings: { synthMs, totalMs: Date.now() - t0 } };
}
