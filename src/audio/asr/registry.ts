import type { AsrEngine } from '../../domain/templates/types.ts';
import type { SpeechRecognizer } from './recognizer.ts';

/** Installed speech recognizers (recognizer.ts). Empty: no recognition weights are obtainable here. */
const RECOGNIZERS: readonly SpeechRecognizer[] = [];

export function installedRecognizers(): readonly SpeechRecognizer[] {
  return RECOGNIZERS;
}

/** The recognizer serving `model`, if one is installed. */
export function recognizerFor(model: AsrEngine): SpeechRecognizer | undefined {
  return RECOGNIZERS.find((r) => r.models.includes(model));
}
