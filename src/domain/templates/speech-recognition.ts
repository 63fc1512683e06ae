import { ValidationError } from '../errors.ts';
import { compact, joinPath, readBool, readEnum, readFreeText, readInt, readIntIn, requireText, show } from './field-rules.ts';
import {
  ASR_ENGINES,
  ASR_FLASH_FORMATS,
  ASR_OUTPUT_FILE_TYPES,
  type AsrEngine,
  type RawSpeechRecognition,
  type SpeechRecognitionParams,
  type ValidateOptions,
} from './types.ts';

/**
 * SpeechRecognition template parameters (spec/templates.md §4; spec/limits.md
 * "Speech recognition"; the inline job form has the same children, spec/jobs.md §1.5).
 *
 * How conditional rules are read. The spec has two kinds:
 * - scope notes on a *parameter* ("normal ASR only", "flash only", "Mandarin
 *   only", SpeakerNumber "with diarization on", SentenceMaxLength "needs
 *   ResTextFormat=3"): the parameter has no effect outside that scope.
 *   AMBIGUITY → chose accept-and-ignore: its own domain is still validated and
 *   it is stored as sent, but it is not rejected. Evidence: the Python SDK's
 *   `ci_create_asr_template` takes ChannelNum and ResTextFormat as required
 *   positional arguments, and its demo sends them together with FlashAsr=True.
 * - restrictions on a *value* (flash only on four engines, flash needs Format,
 *   ChannelNum 2 only on 8k_zh, diarization only on three engines and mono,
 *   ConvertNumMode 3 normal ASR only, srt not with flash): enforced.
 */

/** Engines that support flash ASR. */
export const ASR_FLASH_ENGINES: readonly AsrEngine[] = ['8k_zh', '16k_zh', '16k_en', '16k_zh_video'];
/** Engines that support speaker diarization (mono audio only). */
export const ASR_DIARIZATION_ENGINES: readonly AsrEngine[] = ['8k_zh', '16k_zh', '16k_zh_video'];
/**
 * Mandarin engines (FilterDirty/FilterModal/FilterPunc/ConvertNumMode apply only to these).
 * AMBIGUITY → chose every `*_zh*` engine, including the multi-dialect one.
 */
export const ASR_MANDARIN_ENGINES: readonly AsrEngine[] = ASR_ENGINES.filter((e) => e.includes('_zh'));
export const ASR_HOT_VOCAB_ID_MAX_CHARS = 128;

/**
 * Validates the children of `<SpeechRecognition>`. `raw === undefined` means
 * the container was absent (required, spec/templates.md §4).
 */
export function validateSpeechRecognition(raw: RawSpeechRecognition | undefined, opts: ValidateOptions = {}): SpeechRecognitionParams {
  const base = opts.path ?? 'SpeechRecognition';
  if (raw === undefined) {
    throw new ValidationError(base, 'is required but missing (a <SpeechRecognition> container with at least EngineModelType)');
  }
  const f = (name: string): string => joinPath(base, name);

  const engineField = f('EngineModelType');
  const engineModelType = readEnum(requireText(raw.EngineModelType, engineField, `one of ${ASR_ENGINES.join(', ')}`), engineField, ASR_ENGINES)!;
  const flashAsr = readBool(raw.FlashAsr, f('FlashAsr'));
  const flash = flashAsr === true;

  const params: SpeechRecognitionParams = compact({
    tag: 'SpeechRecognition' as const,
    engineModelType,
    channelNum: readIntIn(raw.ChannelNum, f('ChannelNum'), [1, 2]),
    // 3 is the FAQ's subtitle mode: spec/templates.md §4 "→ Impl: accept 0–3".
    resTextFormat: readIntIn(raw.ResTextFormat, f('ResTextFormat'), [0, 1, 2, 3]),
    filterDirty: readIntIn(raw.FilterDirty, f('FilterDirty'), [0, 1, 2]),
    filterModal: readIntIn(raw.FilterModal, f('FilterModal'), [0, 1, 2]),
    convertNumMode: readIntIn(raw.ConvertNumMode, f('ConvertNumMode'), [0, 1, 3]),
    speakerDiarization: readIntIn(raw.SpeakerDiarization, f('SpeakerDiarization'), [0, 1]),
    speakerNumber: readInt(raw.SpeakerNumber, f('SpeakerNumber'), 0, 10),
    filterPunc: readIntIn(raw.FilterPunc, f('FilterPunc'), [0, 1, 2]),
    outputFileType: readEnum(raw.OutputFileType, f('OutputFileType'), ASR_OUTPUT_FILE_TYPES),
    flashAsr,
    format: readEnum(raw.Format, f('Format'), ASR_FLASH_FORMATS),
    firstChannelOnly: readIntIn(raw.FirstChannelOnly, f('FirstChannelOnly'), [0, 1]),
    wordInfo: readIntIn(raw.WordInfo, f('WordInfo'), [0, 1, 2]),
    sentenceMaxLength: readSentenceMaxLength(raw.SentenceMaxLength, f('SentenceMaxLength')),
    hotVocabularyTableId: readFreeText(raw.HotVocabularyTableId, f('HotVocabularyTableId'), ASR_HOT_VOCAB_ID_MAX_CHARS),
  });

  if (flash) checkFlash(params, raw, f);
  checkEngineRules(params, raw, f);

  // spec/templates.md §4 "→ Impl: require them only when FlashAsr != true; default
  // ChannelNum=1, ResTextFormat=0 if absent (lenient) — log a warning".
  if (!flash && opts.warn) {
    if (params.channelNum === undefined) opts.warn(`${f('ChannelNum')} is missing; ChannelNum=1 applies at job time`);
    if (params.resTextFormat === undefined) opts.warn(`${f('ResTextFormat')} is missing; ResTextFormat=0 applies at job time`);
  }
  return params;
}

function checkFlash(p: SpeechRecognitionParams, raw: RawSpeechRecognition, f: (n: string) => string): void {
  if (!ASR_FLASH_ENGINES.includes(p.engineModelType)) {
    throw new ValidationError(
      f('FlashAsr'),
      `${show(raw.FlashAsr!)} is not allowed with EngineModelType ${p.engineModelType} (flash ASR engines: ${ASR_FLASH_ENGINES.join(', ')})`,
    );
  }
  if (p.format === undefined) {
    throw new ValidationError(f('Format'), `is required when FlashAsr is true (one of ${ASR_FLASH_FORMATS.join(', ')})`);
  }
  if (p.outputFileType === 'srt') {
    throw new ValidationError(f('OutputFileType'), `${show(raw.OutputFileType!)} is not allowed with FlashAsr true (flash ASR supports only txt)`);
  }
  if (p.convertNumMode === 3) {
    throw new ValidationError(f('ConvertNumMode'), `${show(raw.ConvertNumMode!)} is not allowed with FlashAsr true (3 is normal ASR only)`);
  }
}

function checkEngineRules(p: SpeechRecognitionParams, raw: RawSpeechRecognition, f: (n: string) => string): void {
  if (p.channelNum === 2 && p.engineModelType !== '8k_zh') {
    throw new ValidationError(f('ChannelNum'), `${show(raw.ChannelNum!)} is not allowed with EngineModelType ${p.engineModelType} (dual channel: 8k_zh only)`);
  }
  if (p.speakerDiarization === 1) {
    if (!ASR_DIARIZATION_ENGINES.includes(p.engineModelType)) {
      throw new ValidationError(
        f('SpeakerDiarization'),
        `${show(raw.SpeakerDiarization!)} is not allowed with EngineModelType ${p.engineModelType} (allowed engines: ${ASR_DIARIZATION_ENGINES.join(', ')})`,
      );
    }
    if (p.channelNum === 2) {
      throw new ValidationError(f('SpeakerDiarization'), `${show(raw.SpeakerDiarization!)} is not allowed with ChannelNum 2 (diarization needs mono audio)`);
    }
  }
}

/** SDK-only: 0 (off) or 6–40 characters per segment (spec/limits.md "Speech recognition"). */
function readSentenceMaxLength(value: string | undefined, field: string): number | undefined {
  const n = readInt(value, field, 0, 40);
  if (n !== undefined && n !== 0 && n < 6) {
    throw new ValidationError(field, `${show(value!)} is not allowed (0, or 6 to 40)`);
  }
  return n;
}
