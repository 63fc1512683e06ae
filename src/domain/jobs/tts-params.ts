import { TTS_DEFAULTS } from '../templates/tts.ts';
import type { TtsCodec, TtsMode, TtsParams } from '../templates/types.ts';

/** The parameters a Tts job runs with: the documented defaults filled in (spec/templates.md §3, applied at job time). */
export interface EffectiveTts {
  mode: TtsMode;
  codec: TtsCodec;
  voiceType: string;
  volume: number;
  speed: number;
}

/** `Codec` defaults to `wav` with Mode Sync and `pcm` with Asyc (spec/templates.md §3). */
export function effectiveTts(p: TtsParams): EffectiveTts {
  const mode = p.mode ?? TTS_DEFAULTS.mode;
  return {
    mode,
    codec: p.codec ?? (mode === 'Sync' ? 'wav' : 'pcm'),
    voiceType: p.voiceType ?? TTS_DEFAULTS.voiceType,
    volume: p.volume ?? TTS_DEFAULTS.volume,
    speed: p.speed ?? TTS_DEFAULTS.speed,
  };
}
