import {
  ASR_ENGINES, ASR_FLASH_FORMATS, ASR_OUTPUT_FILE_TYPES, AUDIO_MODES, NR_FORMATS, TTS_CODECS, TTS_MODES, TTS_VOICES, VS_CODECS,
  type TemplateRequest, type TemplateTag,
} from '../../../domain/templates/index.ts';
import type { XmlObject } from '../xml.ts';

/**
 * The form fields of each template tag, laid out as the create/update body
 * (spec/templates.md §1–§4), with the enumerations from the server's own
 * domain module so the choices can never drift from what the API accepts.
 */
export interface TemplateField {
  /** Path under `<Request>`. */
  path: string[];
  options?: readonly string[];
  hint?: string;
}

const ASR_NUMERIC = ['ChannelNum', 'ResTextFormat', 'FilterDirty', 'FilterModal', 'ConvertNumMode', 'SpeakerDiarization', 'SpeakerNumber', 'FilterPunc', 'FirstChannelOnly', 'WordInfo', 'SentenceMaxLength'];

export const TEMPLATE_FIELDS: Record<TemplateTag, TemplateField[]> = {
  VoiceSeparate: [
    { path: ['AudioMode'], options: AUDIO_MODES, hint: 'Required' },
    { path: ['AudioConfig', 'Codec'], options: VS_CODECS },
    { path: ['AudioConfig', 'Samplerate'], hint: 'Hz, e.g. 44100' },
    { path: ['AudioConfig', 'Bitrate'], hint: 'kbps' },
    { path: ['AudioConfig', 'Channels'], hint: '1 or 2' },
  ],
  NoiseReduction: [
    { path: ['NoiseReduction', 'Format'], options: NR_FORMATS },
    { path: ['NoiseReduction', 'Samplerate'], hint: 'Hz, 8000…48000' },
  ],
  Tts: [
    { path: ['Mode'], options: TTS_MODES },
    { path: ['Codec'], options: TTS_CODECS },
    { path: ['VoiceType'], options: TTS_VOICES },
    { path: ['Volume'], hint: '-10…10' },
    { path: ['Speed'], hint: '50…200 (%)' },
    { path: ['Emotion'] },
  ],
  SpeechRecognition: [
    { path: ['SpeechRecognition', 'EngineModelType'], options: ASR_ENGINES, hint: 'Required' },
    ...ASR_NUMERIC.map((f) => ({ path: ['SpeechRecognition', f] })),
    { path: ['SpeechRecognition', 'OutputFileType'], options: ASR_OUTPUT_FILE_TYPES },
    { path: ['SpeechRecognition', 'FlashAsr'], options: ['true', 'false'] },
    { path: ['SpeechRecognition', 'Format'], options: ASR_FLASH_FORMATS },
    { path: ['SpeechRecognition', 'HotVocabularyTableId'] },
  ],
};

/** Where a tag's parameters sit in a template *response* (`<TtsTpl>`, `<VoiceSeparate>`…). */
export function responsePath(tag: TemplateTag, path: string[]): string[] {
  if (tag === 'VoiceSeparate') return ['VoiceSeparate', ...path];
  if (tag === 'Tts') return ['TtsTpl', ...path];
  return path;
}

/**
 * From the form's values (path key `a.b` → value) to the request body and to
 * the raw shape the validators take — the same shape the server's wire layer
 * builds from that body (api/wire/template-wire.ts), so both see equal input.
 * Empty values are left out (an empty element means "not set" on the wire too).
 */
export function templateBody(tag: TemplateTag, name: string, values: Map<string, string>): { body: XmlObject; request: TemplateRequest } {
  const params: XmlObject = {};
  if (tag === 'NoiseReduction') params.NoiseReduction = {};
  if (tag === 'SpeechRecognition') params.SpeechRecognition = {};
  for (const f of TEMPLATE_FIELDS[tag]) {
    const v = values.get(f.path.join('.')) ?? '';
    if (v === '') continue;
    let cur = params;
    for (const p of f.path.slice(0, -1)) cur = (cur[p] ??= {}) as XmlObject;
    cur[f.path.at(-1)!] = v;
  }
  const raw = (tag === 'NoiseReduction' ? params.NoiseReduction : tag === 'SpeechRecognition' ? params.SpeechRecognition : params) as never;
  return { body: { Tag: tag, Name: name === '' ? undefined : name, ...params }, request: { tag, name: name === '' ? undefined : name, raw } as TemplateRequest };
}
