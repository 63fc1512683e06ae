import { ValidationError } from '../../domain/errors.ts';
import {
  parseTag,
  type ParamsOf,
  type RawAudioConfig,
  type RawNoiseReduction,
  type RawSpeechRecognition,
  type RawTts,
  type RawVoiceSeparate,
  type Template,
  type TemplateRequest,
  type TemplateTag,
} from '../../domain/templates/index.ts';
import { formatCiTime } from '../../domain/time.ts';
import type { XmlNode } from '../../http/xml/build.ts';
import { nodeOf, textOf, type XmlTree } from '../../http/xml/parse.ts';

/**
 * `<Request>` ⇄ template domain objects (spec/templates.md §0–§5).
 *
 * Unknown request elements are ignored. AMBIGUITY → chose ignore over reject:
 * spec/clients.md shows the SDKs serialising whatever the caller builds (the
 * Python SDK sends any dict; the Go/PHP structs carry SDK-only fields such as
 * `Emotion`, `SentenceMaxLength`), and the service itself documents fields
 * only some pages know. Only documented elements reach the validators, so an
 * ignored element is never stored.
 */

/** The parameter container of each tag in responses (spec/templates.md §1–§4). */
export const TEMPLATE_PARAMS_ELEMENT: Record<TemplateTag, string> = {
  VoiceSeparate: 'VoiceSeparate',
  NoiseReduction: 'NoiseReduction',
  Tts: 'TtsTpl',
  SpeechRecognition: 'SpeechRecognition',
};

export const ASR_FIELDS = [
  'EngineModelType', 'ChannelNum', 'ResTextFormat', 'FilterDirty', 'FilterModal', 'ConvertNumMode',
  'SpeakerDiarization', 'SpeakerNumber', 'FilterPunc', 'OutputFileType', 'FlashAsr', 'Format',
  'FirstChannelOnly', 'WordInfo', 'SentenceMaxLength', 'HotVocabularyTableId',
] as const satisfies readonly (keyof RawSpeechRecognition)[];
export const TTS_FIELDS = ['Mode', 'Codec', 'VoiceType', 'Volume', 'Speed', 'Emotion'] as const satisfies readonly (keyof RawTts)[];
export const AUDIO_CONFIG_FIELDS = ['Codec', 'Samplerate', 'Bitrate', 'Channels'] as const satisfies readonly (keyof RawAudioConfig)[];

// ---------------------------------------------------------------- request

/**
 * Reads a parsed create/update body (`parseXmlRequest(text)`) into the raw
 * shape the validators take. Throws ValidationError for a missing/unknown
 * `Tag`; `textOf`/`nodeOf` throw ApiError(InvalidArgument) for repeated
 * elements or text where a container belongs. Values are not validated here:
 * pass the result to `validateTemplateRequest`.
 */
export function readTemplateRequest(tree: XmlTree): TemplateRequest {
  const tag = parseTag(text(tree, 'Tag'));
  const name = text(tree, 'Name');
  switch (tag) {
    case 'VoiceSeparate':
      return { tag, name, ...readUnwrapped(tree, ['AudioMode', 'AudioConfig'], 'VoiceSeparate', readVoiceSeparate) };
    case 'Tts':
      return { tag, name, ...readUnwrapped(tree, TTS_FIELDS, 'TtsTpl', (t, p) => pick(t, TTS_FIELDS, p)) };
    case 'NoiseReduction': {
      const c = nodeOf(tree, 'NoiseReduction');
      const raw: RawNoiseReduction | undefined = c && pick(c, ['Format', 'Samplerate', 'SampleRate'], 'NoiseReduction');
      return { tag, name, raw };
    }
    case 'SpeechRecognition': {
      const c = nodeOf(tree, 'SpeechRecognition');
      return { tag, name, raw: c && pick(c, ASR_FIELDS, 'SpeechRecognition') };
    }
  }
}

/**
 * VoiceSeparate and Tts parameters sit directly under `<Request>`
 * (spec/templates.md §1, §3), but responses wrap them in `<VoiceSeparate>` /
 * `<TtsTpl>`. AMBIGUITY → chose to also accept that wrapper when no direct
 * parameter is present: a client re-posting a fetched template would
 * otherwise lose every Tts parameter silently (they are all optional). Both
 * forms at once is ambiguous and rejected.
 */
function readUnwrapped<R>(
  tree: XmlTree,
  directFields: readonly string[],
  wrapper: string,
  read: (t: XmlTree, prefix: string | undefined) => R,
): { raw: R; path?: string } {
  const hasDirect = directFields.some((f) => tree[f] !== undefined);
  const wrapped = nodeOf(tree, wrapper);
  if (wrapped === undefined) return { raw: read(tree, undefined) };
  if (hasDirect) {
    throw new ValidationError(wrapper, `send the parameters either directly under <Request> (as documented) or inside <${wrapper}>, not both`);
  }
  return { raw: read(wrapped, wrapper), path: wrapper };
}

export function readVoiceSeparate(tree: XmlTree, prefix: string | undefined): RawVoiceSeparate {
  const cfgPath = prefix ? `${prefix}.AudioConfig` : 'AudioConfig';
  const cfg = nodeOf(tree, 'AudioConfig', cfgPath);
  return {
    AudioMode: text(tree, 'AudioMode', prefix ? `${prefix}.AudioMode` : undefined),
    AudioConfig: cfg && pick(cfg, AUDIO_CONFIG_FIELDS, cfgPath),
  };
}

/** Optional text child; an empty element is "not set" (spec/clients.md §7). */
export function text(tree: XmlTree, name: string, path?: string): string | undefined {
  const v = textOf(tree, name, path ?? name);
  return v === '' ? undefined : v;
}

export function pick<K extends string>(tree: XmlTree, fields: readonly K[], prefix: string | undefined): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  for (const f of fields) {
    const v = text(tree, f, prefix ? `${prefix}.${f}` : f);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

// ---------------------------------------------------------------- response

/**
 * The children of `<Template>` (create/update) and of each `<TemplateList>`
 * (query). spec/templates.md §0 "→ Impl: always emit exactly one each of
 * TemplateId, Name, Tag, State, BucketId, Category, <params>, CreateTime,
 * UpdateTime" — in that order.
 *
 * Unset parameters: AMBIGUITY → chose to emit an empty element for every
 * parameter the spec's response samples show (SDK list results show e.g.
 * `<Samplerate/>`, spec/templates.md §1), and to omit the others (Tts
 * `Emotion`; ASR `OutputFileType`, flash and SDK-only fields) unless set.
 */
export function templateToXmlNode(t: Template): XmlNode {
  return {
    TemplateId: t.id,
    Name: t.name,
    Tag: t.tag,
    State: t.state,
    BucketId: t.bucket,
    Category: t.category,
    [TEMPLATE_PARAMS_ELEMENT[t.tag]]: templateParamsToXml(t.params),
    CreateTime: formatCiTime(t.createdAt),
    UpdateTime: formatCiTime(t.updatedAt),
  };
}

/** Body of the create/update response: `<Response><RequestId/><Template/></Response>` (RequestId always, §0). */
export function templateResponseBody(requestId: string, t: Template): XmlNode {
  return { RequestId: requestId, Template: templateToXmlNode(t) };
}

/** Shown in the spec's samples: an empty element when unset. */
const shown = (v: string | number | boolean | undefined): string => (v === undefined ? '' : String(v));
/** Not in the samples: omitted when unset. */
const ifSet = (v: string | number | boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** The parameter container's children for any tag (also used to echo a job's inline parameters). */
export function templateParamsToXml(p: Template['params']): XmlNode {
  switch (p.tag) {
    case 'VoiceSeparate':
      return voiceSeparateNode(p);
    case 'NoiseReduction':
      return { Format: shown(p.format), Samplerate: shown(p.samplerate) };
    case 'Tts':
      return ttsNode(p);
    case 'SpeechRecognition':
      return speechRecognitionNode(p);
  }
}

function voiceSeparateNode(p: ParamsOf<'VoiceSeparate'>): XmlNode {
  const c = p.audioConfig;
  return {
    AudioMode: p.audioMode,
    AudioConfig: { Codec: shown(c.codec), Samplerate: shown(c.samplerate), Bitrate: shown(c.bitrate), Channels: shown(c.channels) },
  };
}

function ttsNode(p: ParamsOf<'Tts'>): XmlNode {
  return {
    Mode: shown(p.mode),
    Codec: shown(p.codec),
    VoiceType: shown(p.voiceType),
    Volume: shown(p.volume),
    Speed: shown(p.speed),
    Emotion: ifSet(p.emotion),
  };
}

function speechRecognitionNode(p: ParamsOf<'SpeechRecognition'>): XmlNode {
  return {
    EngineModelType: p.engineModelType,
    ChannelNum: shown(p.channelNum),
    ResTextFormat: shown(p.resTextFormat),
    FilterDirty: shown(p.filterDirty),
    FilterModal: shown(p.filterModal),
    ConvertNumMode: shown(p.convertNumMode),
    SpeakerDiarization: shown(p.speakerDiarization),
    SpeakerNumber: shown(p.speakerNumber),
    FilterPunc: shown(p.filterPunc),
    OutputFileType: ifSet(p.outputFileType),
    FlashAsr: ifSet(p.flashAsr),
    Format: ifSet(p.format),
    FirstChannelOnly: ifSet(p.firstChannelOnly),
    WordInfo: ifSet(p.wordInfo),
    SentenceMaxLength: ifSet(p.sentenceMaxLength),
    HotVocabularyTableId: ifSet(p.hotVocabularyTableId),
  };
}
