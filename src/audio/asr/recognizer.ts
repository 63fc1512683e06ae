import type { AsrEngine } from '../../domain/templates/types.ts';

/**
 * The engine slot of SpeechRecognition jobs (spec/jobs.md §1.5, §2.3). No
 * recognition weights can be obtained where this server is built, so no
 * recognizer is installed and submitting a SpeechRecognition job (on /jobs
 * or /asr_jobs) is refused with 400 InvalidArgument "no speech-recognition
 * engine is installed"; templates are still validated and stored.
 *
 * To add one: implement `SpeechRecognizer` (e.g. a Whisper or Paraformer
 * ONNX model through src/audio/onnx), list it in `RECOGNIZERS`
 * (registry.ts), and register a `SpeechRecognition` pipeline in
 * `buildPipelines` (src/main.ts) that decodes the input to
 * `requires.sampleRate` mono, calls `recognize`, writes `Output.Object`
 * (txt or srt per OutputFileType) and `<Output.Object>.detail`, and reports
 * `SpeechRecognitionResult`. The Tag is accepted at submit as soon as a
 * pipeline for it is registered.
 */
export interface RecognizedWord {
  word: string;
  /** Offsets inside the sentence (spec/jobs.md §2.3 `OffsetStartMs`/`OffsetEndMs`). */
  offsetStartMs: number;
  offsetEndMs: number;
}

export interface RecognizedSentence {
  startMs: number;
  endMs: number;
  text: string;
  speakerId?: number;
  words?: RecognizedWord[];
}

export interface RecognitionResult {
  durationSec: number;
  sentences: RecognizedSentence[];
}

export interface RecognitionOptions {
  /** The template's or job's EngineModelType (language and band). */
  model: AsrEngine;
  wordInfo: boolean;
  speakerDiarization: boolean;
  signal: AbortSignal;
}

export interface SpeechRecognizer {
  id: string;
  /** EngineModelType values it serves (spec/limits.md "Speech recognition"). */
  models: readonly AsrEngine[];
  /** The input it wants: the pipeline resamples to this rate, mono. */
  requires: { sampleRate: number; channels: 1 };
  /** MUST reject promptly when `opts.signal` aborts. */
  recognize(samples: Float32Array, opts: RecognitionOptions): Promise<RecognitionResult>;
}
