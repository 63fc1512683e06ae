/**
 * Template domain types (spec/templates.md §0–§4).
 *
 * Two families of types live here:
 * - `Raw*` — the request values exactly as received, every leaf an optional
 *   string. Their keys deliberately keep the wire spelling (`AudioConfig.Samplerate`)
 *   because validators must name the offending field the way the client wrote
 *   it (spec/errors.md §7); only `api/wire/template-wire.ts` builds them.
 * - `*Params` — validated values. They hold exactly what the client set:
 *   an omitted or empty element is `undefined`, never a default. Defaults are
 *   applied at job time only (spec/templates.md §1 "→ Impl: store what was
 *   sent; apply defaults only at job execution time").
 */

export const TEMPLATE_TAGS = ['VoiceSeparate', 'NoiseReduction', 'Tts', 'SpeechRecognition'] as const;
export type TemplateTag = (typeof TEMPLATE_TAGS)[number];

// ---------------------------------------------------------------- enumerations
// Each list exists once in code (spec/limits.md is the single source).

export const AUDIO_MODES = ['IsAudio', 'IsBackground', 'AudioAndBackground', 'MusicMode'] as const;
export type AudioMode = (typeof AUDIO_MODES)[number];

export const VS_CODECS = ['aac', 'mp3', 'flac', 'amr', 'wav'] as const;
export type VoiceSeparateCodec = (typeof VS_CODECS)[number];

export const NR_FORMATS = ['mp3', 'm4a', 'wav'] as const;
export type NoiseReductionFormat = (typeof NR_FORMATS)[number];

export const TTS_MODES = ['Asyc', 'Sync'] as const;
/** `Asyc` is the wire spelling (sic), spec/templates.md §3. */
export type TtsMode = (typeof TTS_MODES)[number];

export const TTS_CODECS = ['wav', 'mp3', 'pcm'] as const;
export type TtsCodec = (typeof TTS_CODECS)[number];

export const TTS_VOICES = [
  'ruxue', 'aixiaonan', 'aixiaoxing', 'aixiaocheng', 'aixiaoxue', 'aixiaolu',
  'aixiaodong', 'aixiaoliao', 'aixiaoqian', 'aixiaoyang', 'alice',
] as const;
export type TtsVoice = (typeof TTS_VOICES)[number];

export const ASR_ENGINES = [
  '8k_zh', '8k_zh_s', '8k_en',
  '16k_zh', '16k_zh_video', '16k_en', '16k_ca', '16k_ja', '16k_zh_edu',
  '16k_en_edu', '16k_zh_medical', '16k_th', '16k_zh_dialect',
] as const;
export type AsrEngine = (typeof ASR_ENGINES)[number];

export const ASR_FLASH_FORMATS = ['wav', 'pcm', 'ogg-opus', 'speex', 'silk', 'mp3', 'm4a', 'aac'] as const;
export type AsrFlashFormat = (typeof ASR_FLASH_FORMATS)[number];

export const ASR_OUTPUT_FILE_TYPES = ['txt', 'srt'] as const;
export type AsrOutputFileType = (typeof ASR_OUTPUT_FILE_TYPES)[number];

// ---------------------------------------------------------------- raw input

/** Every leaf as received; `undefined` or `''` both mean "not set" (spec/clients.md §7). */
export type RawText = string | undefined;

export interface RawAudioConfig {
  Codec?: RawText;
  Samplerate?: RawText;
  Bitrate?: RawText;
  Channels?: RawText;
}

/** Children of `<Request>` itself (VoiceSeparate has no request wrapper, spec/templates.md §1). */
export interface RawVoiceSeparate {
  AudioMode?: RawText;
  AudioConfig?: RawAudioConfig | undefined;
}

/** Children of `<Request><NoiseReduction>`; both sample-rate spellings are accepted (spec/templates.md §2). */
export interface RawNoiseReduction {
  Format?: RawText;
  Samplerate?: RawText;
  SampleRate?: RawText;
}

/** Children of `<Request>` (no wrapper on input; `<TtsTpl>` on output, spec/templates.md §3). */
export interface RawTts {
  Mode?: RawText;
  Codec?: RawText;
  VoiceType?: RawText;
  Volume?: RawText;
  Speed?: RawText;
  Emotion?: RawText;
}

/** Children of `<Request><SpeechRecognition>` (spec/templates.md §4). */
export interface RawSpeechRecognition {
  EngineModelType?: RawText;
  ChannelNum?: RawText;
  ResTextFormat?: RawText;
  FilterDirty?: RawText;
  FilterModal?: RawText;
  ConvertNumMode?: RawText;
  SpeakerDiarization?: RawText;
  SpeakerNumber?: RawText;
  FilterPunc?: RawText;
  OutputFileType?: RawText;
  FlashAsr?: RawText;
  Format?: RawText;
  FirstChannelOnly?: RawText;
  WordInfo?: RawText;
  SentenceMaxLength?: RawText;
  HotVocabularyTableId?: RawText;
}

/** Raw parameters per tag. `undefined` = the tag's container was absent. */
export interface RawParamsByTag {
  VoiceSeparate: RawVoiceSeparate | undefined;
  NoiseReduction: RawNoiseReduction | undefined;
  Tts: RawTts | undefined;
  SpeechRecognition: RawSpeechRecognition | undefined;
}

// ---------------------------------------------------------------- validated params

export interface AudioConfigParams {
  codec?: VoiceSeparateCodec;
  samplerate?: number;
  bitrate?: number;
  channels?: number;
}

export interface VoiceSeparateParams {
  tag: 'VoiceSeparate';
  audioMode: AudioMode;
  /** Always an object; an absent `<AudioConfig>` is the same as one with no children. */
  audioConfig: AudioConfigParams;
}

export interface NoiseReductionParams {
  tag: 'NoiseReduction';
  format?: NoiseReductionFormat;
  samplerate?: number;
}

export interface TtsParams {
  tag: 'Tts';
  mode?: TtsMode;
  codec?: TtsCodec;
  voiceType?: TtsVoice;
  volume?: number;
  speed?: number;
  emotion?: string;
}

export interface SpeechRecognitionParams {
  tag: 'SpeechRecognition';
  engineModelType: AsrEngine;
  channelNum?: number;
  resTextFormat?: number;
  filterDirty?: number;
  filterModal?: number;
  convertNumMode?: number;
  speakerDiarization?: number;
  speakerNumber?: number;
  filterPunc?: number;
  outputFileType?: AsrOutputFileType;
  flashAsr?: boolean;
  format?: AsrFlashFormat;
  firstChannelOnly?: number;
  wordInfo?: number;
  sentenceMaxLength?: number;
  hotVocabularyTableId?: string;
}

export type TemplateParams = VoiceSeparateParams | NoiseReductionParams | TtsParams | SpeechRecognitionParams;
export type ParamsOf<T extends TemplateTag> = Extract<TemplateParams, { tag: T }>;

// ---------------------------------------------------------------- record

export type TemplateCategory = 'Custom' | 'Official';

interface TemplateBase {
  /** `t1` + 32 hex for Custom, `t0` + 32 hex for Official (spec/README.md "Resource model"). */
  id: string;
  bucket: string;
  name: string;
  category: TemplateCategory;
  /** The only state the spec shows (spec/templates.md §0). */
  state: 'Normal';
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

/** A stored template. `tag` always equals `params.tag` (enforced by the type). */
export type Template = { [T in TemplateTag]: TemplateBase & { tag: T; params: ParamsOf<T> } }[TemplateTag];

/** Options shared by every validator. */
export interface ValidateOptions {
  /**
   * Wire path of the parameter container, used as the prefix of every field
   * name in error messages. Defaults to the template request layout; job
   * submission passes e.g. `Operation.VoiceSeparate`.
   */
  path?: string;
  /** Receives non-fatal notes (lenient defaults); the domain itself does no I/O. */
  warn?: (message: string) => void;
}

/** A create/update body as read by the wire layer, before validation (spec/templates.md §0, §5). */
export type TemplateRequest = {
  [T in TemplateTag]: {
    tag: T;
    name: string | undefined;
    raw: RawParamsByTag[T];
    /** Wire path of the parameters when they were not where the spec puts them (see template-wire.ts). */
    path?: string;
  };
}[TemplateTag];

/** A create/update body after validation. */
export type ValidatedTemplateRequest = { [T in TemplateTag]: { tag: T; name: string; params: ParamsOf<T> } }[TemplateTag];
