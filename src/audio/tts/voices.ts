import type { TtsVoice } from '../../domain/templates/types.ts';

/**
 * Every documented `VoiceType` (spec/templates.md §3 "Voices", spec/limits.md
 * "TTS") → a real eSpeak NG voice.
 *
 * eSpeak NG ships one Mandarin voice (`cmn`: Chinese characters read in
 * Mandarin, Latin letters read as English, which covers the documented
 * "Chinese, Chinese-English mix") and one US-English voice (`en-us`). The ten
 * Chinese voice types therefore all share the `cmn` voice and are told apart
 * by eSpeak's voice variants (`+f1`…`+f5` female, `+m1`…`+m6` male: formants
 * and base pitch) plus the pitch (0–99, 50 = the variant's own) and pitch
 * range (0–99, 50 = normal; more = livelier intonation) settings. Only
 * `ruxue` and `aixiaoqian` share a variant (`f2`); they differ in pitch and
 * range. `alice` (English female) is `en-us` with the `f3` variant.
 *
 * The "scenario" of a voice (news, audiobook, customer service…) is only
 * suggested by intonation: eSpeak has no speaking styles, and `Emotion`
 * (SDK-only) is accepted but has no effect.
 */
export interface EspeakVoice {
  /** eSpeak NG language voice. */
  voice: 'cmn' | 'en-us';
  /** eSpeak NG variant file (`espeak-ng-data/voices/!v/<name>`). */
  variant: string;
  /** 0–99; 50 = the variant's base pitch. */
  pitch: number;
  /** 0–99; 50 = normal intonation range. */
  range: number;
  /** What the documented voice is (spec/templates.md §3), for the README and tests. */
  documented: string;
}

export const TTS_VOICE_TABLE: Readonly<Record<TtsVoice, EspeakVoice>> = {
  ruxue: { voice: 'cmn', variant: 'f2', pitch: 50, range: 50, documented: 'standard female' },
  aixiaonan: { voice: 'cmn', variant: 'f5', pitch: 58, range: 60, documented: 'sweet female' },
  aixiaoxing: { voice: 'cmn', variant: 'm3', pitch: 55, range: 75, documented: 'energetic male' },
  aixiaocheng: { voice: 'cmn', variant: 'm1', pitch: 50, range: 50, documented: 'standard male' },
  aixiaoxue: { voice: 'cmn', variant: 'f1', pitch: 50, range: 50, documented: 'standard female (customer service)' },
  aixiaolu: { voice: 'cmn', variant: 'f3', pitch: 46, range: 40, documented: 'reading female' },
  aixiaodong: { voice: 'cmn', variant: 'm2', pitch: 50, range: 45, documented: 'news male' },
  aixiaoliao: { voice: 'cmn', variant: 'f4', pitch: 44, range: 65, documented: 'sentimental female' },
  aixiaoqian: { voice: 'cmn', variant: 'f2', pitch: 62, range: 80, documented: 'energetic female' },
  aixiaoyang: { voice: 'cmn', variant: 'm6', pitch: 48, range: 55, documented: 'broadcasting male' },
  alice: { voice: 'en-us', variant: 'f3', pitch: 50, range: 50, documented: 'English female' },
};

/** The eSpeak voice name with its variant, as `set_voice` takes it. */
export function espeakVoiceName(v: EspeakVoice): string {
  return `${v.voice}+${v.variant}`;
}

/**
 * The voice of a `VoiceType`. The type is validated at submit (template and
 * inline parameters, spec/templates.md §3), so an unknown name here means a
 * stored job predates a table change: it throws rather than guess a voice.
 */
export function voiceFor(voiceType: string): EspeakVoice {
  const v = (TTS_VOICE_TABLE as Record<string, EspeakVoice>)[voiceType];
  if (!v) throw new RangeError(`unknown VoiceType ${JSON.stringify(voiceType)} (known: ${Object.keys(TTS_VOICE_TABLE).join(', ')})`);
  return v;
}

/**
 * eSpeak speaking rate (words per minute) for `Speed` 50…200
 * (spec/templates.md §3): proportional to 175 wpm, eSpeak's default, at
 * Speed 100; 87.5…350 wpm stays inside eSpeak's 80…450 range.
 */
export const ESPEAK_BASE_RATE_WPM = 175;
export function espeakRate(speed: number): number {
  return Math.round((ESPEAK_BASE_RATE_WPM * speed) / 100);
}

/**
 * Linear gain for `Volume` −10…10 (spec/templates.md §3): 0.6 dB per step
 * around a base level 6 dB below eSpeak's own output, so Volume 10 is
 * +6 dB (×1.995) and can never clip eSpeak's 16-bit samples, and Volume −10
 * is −6 dB (×0.501). AMBIGUITY → the docs give the range, not the scale; a
 * step of 0.6 dB spans ±6 dB, a change listeners hear without distortion.
 */
export const TTS_BASE_GAIN = 0.5;
export const TTS_DB_PER_VOLUME_STEP = 0.6;
export function volumeGain(volume: number): number {
  return TTS_BASE_GAIN * 10 ** ((TTS_DB_PER_VOLUME_STEP * volume) / 20);
}
