import type { Template, TemplateParams } from './types.ts';

/**
 * Official (preset) templates: `Category=Official`, ids `t0` + 32 hex
 * (spec/README.md "Resource model": format inferred from other CI examples;
 * "cannot be updated/deleted (inferred)").
 *
 * The spec lists **no** Smart Audio preset, so this is our own small set, one
 * per documented use: each preset spells out the documented defaults of its
 * tag (spec/templates.md §1–§4) so that `GET /template?category=Official`
 * returns something useful and jobs can reference a ready-made template.
 * These ids are ours and stable across releases; they are not Tencent's.
 *
 * AMBIGUITY → chose to report an official template's `BucketId` as the bucket
 * being queried (presets are global; the response shape needs a bucket).
 */

interface OfficialPreset {
  id: string;
  name: string;
  params: TemplateParams;
}

/** 2024-01-01T00:00:00+0800: a fixed creation time so responses are reproducible. */
export const OFFICIAL_CREATED_AT = Date.UTC(2023, 11, 31, 16, 0, 0);

const PRESETS: readonly OfficialPreset[] = [
  {
    id: 't0a1f5c3d2e4b64f0a8c9d7e6f5a4b3c21',
    name: 'VoiceSeparate_IsAudio_aac',
    params: { tag: 'VoiceSeparate', audioMode: 'IsAudio', audioConfig: { codec: 'aac', samplerate: 44100 } },
  },
  {
    id: 't0a1f5c3d2e4b64f0a8c9d7e6f5a4b3c22',
    name: 'VoiceSeparate_AudioAndBackground_aac',
    params: { tag: 'VoiceSeparate', audioMode: 'AudioAndBackground', audioConfig: { codec: 'aac', samplerate: 44100 } },
  },
  {
    id: 't0a1f5c3d2e4b64f0a8c9d7e6f5a4b3c23',
    name: 'NoiseReduction_wav_16000',
    params: { tag: 'NoiseReduction', format: 'wav', samplerate: 16000 },
  },
  {
    id: 't0a1f5c3d2e4b64f0a8c9d7e6f5a4b3c24',
    name: 'Tts_Sync_wav_ruxue',
    params: { tag: 'Tts', mode: 'Sync', codec: 'wav', voiceType: 'ruxue', volume: 0, speed: 100 },
  },
  {
    id: 't0a1f5c3d2e4b64f0a8c9d7e6f5a4b3c25',
    name: 'SpeechRecognition_16k_zh',
    params: {
      tag: 'SpeechRecognition',
      engineModelType: '16k_zh',
      channelNum: 1,
      resTextFormat: 0,
      filterDirty: 0,
      filterModal: 0,
      convertNumMode: 0,
      speakerDiarization: 0,
      speakerNumber: 0,
      filterPunc: 0,
      outputFileType: 'txt',
    },
  },
];

/** The official templates as seen from `bucket`, in a stable order. */
export function officialTemplates(bucket: string): Template[] {
  return PRESETS.map(
    (p) =>
      ({
        id: p.id,
        bucket,
        tag: p.params.tag,
        name: p.name,
        category: 'Official',
        state: 'Normal',
        params: p.params,
        createdAt: OFFICIAL_CREATED_AT,
        updatedAt: OFFICIAL_CREATED_AT,
      }) as Template,
  );
}

/** The official template with this id, or undefined. */
export function findOfficialTemplate(bucket: string, id: string): Template | undefined {
  return officialTemplates(bucket).find((t) => t.id === id);
}

/** True for ids reserved by the preset set (`t0` prefix); such templates cannot be changed. */
export const isOfficialTemplateId = (id: string): boolean => /^t0[0-9a-f]{32}$/.test(id);
