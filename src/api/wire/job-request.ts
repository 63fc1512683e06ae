import { nodeOf, textOf, type XmlTree } from '../../http/xml/parse.ts';
import type { RawParamsByTag } from '../../domain/templates/index.ts';
import type { RawJobRequest } from '../../domain/jobs/raw.ts';

export type { RawJobRequest };
import { ASR_FIELDS, pick, readVoiceSeparate, text, TTS_FIELDS } from './template-wire.ts';

/**
 * `POST /jobs` body → raw strings (spec/jobs.md §1.1–1.7). Nothing is
 * validated here except XML shape (repeated elements, text vs container);
 * `domain/jobs/submit.ts` applies the rules. Unknown elements are ignored
 * (SDK-only extras such as QueueType, CallBackKafkaConfig, §1.1).
 */

export function readJobRequest(tree: XmlTree): RawJobRequest {
  const input = nodeOf(tree, 'Input');
  const op = nodeOf(tree, 'Operation');
  const mq = nodeOf(tree, 'CallBackMqConfig');
  const raw: RawJobRequest = {
    Tag: text(tree, 'Tag'),
    Input: input && { Object: text(input, 'Object', 'Input.Object'), Url: text(input, 'Url', 'Input.Url') },
    QueueId: text(tree, 'QueueId'),
    CallBack: text(tree, 'CallBack'),
    CallBackFormat: text(tree, 'CallBackFormat'),
    CallBackType: text(tree, 'CallBackType'),
    CallBackMqConfig: mq && pick(mq, ['MqRegion', 'MqMode', 'MqName'], 'CallBackMqConfig'),
  };
  if (op) {
    const inline: Partial<RawParamsByTag> = {};
    const vs = nodeOf(op, 'VoiceSeparate', 'Operation.VoiceSeparate');
    if (vs) inline.VoiceSeparate = readVoiceSeparate(vs, 'Operation.VoiceSeparate');
    const nr = nodeOf(op, 'NoiseReduction', 'Operation.NoiseReduction');
    if (nr) inline.NoiseReduction = pick(nr, ['Format', 'Samplerate', 'SampleRate'], 'Operation.NoiseReduction');
    const tts = nodeOf(op, 'TtsTpl', 'Operation.TtsTpl');
    if (tts) inline.Tts = pick(tts, TTS_FIELDS, 'Operation.TtsTpl');
    const asr = nodeOf(op, 'SpeechRecognition', 'Operation.SpeechRecognition');
    if (asr) inline.SpeechRecognition = pick(asr, ASR_FIELDS, 'Operation.SpeechRecognition');
    const out = nodeOf(op, 'Output', 'Operation.Output');
    const ttsConfig = nodeOf(op, 'TtsConfig', 'Operation.TtsConfig');
    raw.Operation = {
      TemplateId: text(op, 'TemplateId', 'Operation.TemplateId'),
      inline,
      // TtsConfig.Input is the text itself: keep it verbatim (spaces matter), only "" is "not set".
      TtsConfig: ttsConfig && { InputType: text(ttsConfig, 'InputType', 'Operation.TtsConfig.InputType'), Input: textOf(ttsConfig, 'Input', 'Operation.TtsConfig.Input') || undefined },
      Output: out && pick(out, ['Region', 'Bucket', 'Object', 'AuObject', 'BassObject', 'DrumObject'], 'Operation.Output'),
      UserData: textOf(op, 'UserData', 'Operation.UserData'),
      JobLevel: text(op, 'JobLevel', 'Operation.JobLevel'),
    };
  }
  return raw;
}
