import type { TtsMode } from '../templates/types.ts';

/**
 * What text a Tts job may speak (spec/jobs.md §1.4 `TtsConfig`, spec/limits.md
 * "TTS"). Pure: the submit handler and the pipeline both apply these rules,
 * the first on what it can see at submit time, the second on what it reads
 * when the job runs (an object may have changed in between).
 */

/** Inline text (`InputType=Text`): ≤ 300 UTF-8 characters, whatever the mode. */
export const TTS_INLINE_MAX_CHARS = 300;
/** Text object (`InputType=Url`): ≤ 300 characters with Mode Sync, ≤ 10,000 with Asyc. */
export const TTS_OBJECT_MAX_CHARS: Readonly<Record<TtsMode, number>> = { Sync: 300, Asyc: 10_000 };
/** Text object: ≤ 10 MB (10 MiB, as the noise-reduction limit). */
export const TTS_OBJECT_MAX_BYTES = 10 * 1024 * 1024;

/** Why a text is refused; `code` is the wire code (spec/errors.md §4, §6). */
export class TtsTextError extends Error {
  constructor(
    readonly code: 'InvalidArgument' | 'ResourceNotSupported' | 'ResourceNotFound' | 'ResourceAccessDenied' | 'ResourceDownloadFailed',
    message: string,
  ) {
    super(message);
    this.name = 'TtsTextError';
  }
}

export function ttsMaxChars(inputType: 'Text' | 'Url', mode: TtsMode): number {
  return inputType === 'Text' ? TTS_INLINE_MAX_CHARS : TTS_OBJECT_MAX_CHARS[mode];
}

/** "UTF-8 characters" are counted as Unicode code points (a CJK character or an emoji is one). */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Characters refused, with why. AMBIGUITY → the docs only say "UTF-8 text";
 * refused are those that are not text or that eSpeak would mis-handle:
 * C0/C1 control characters other than TAB, LF and CR (a NUL even ends
 * eSpeak's input), lone surrogates (not encodable in UTF-8), noncharacters
 * (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF) and U+FFFD, the mark a lossy UTF-8 decoder
 * leaves where bytes were not UTF-8.
 */
function refusedChar(cp: number): string | undefined {
  if ((cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || (cp >= 0x7f && cp <= 0x9f)) return 'a control character';
  if (cp >= 0xd800 && cp <= 0xdfff) return 'a lone surrogate (not valid Unicode text)';
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'a Unicode noncharacter';
  if (cp === 0xfffd) return 'U+FFFD, the replacement character (the text was not valid UTF-8 where it was produced)';
  return undefined;
}

/**
 * Checks a text and returns it without a leading byte-order mark. `what`
 * names the source in messages (`Operation.TtsConfig.Input`, or the object).
 * Refuses: empty or whitespace-only text, more than `maxChars` characters,
 * refused characters (above), and text with nothing to speak (no letter and
 * no digit: eSpeak would produce silence).
 */
export function checkTtsText(text: string, maxChars: number, what: string, limitName: string): string {
  const t = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (t.trim() === '') throw new TtsTextError('InvalidArgument', `${what} is empty; there is no text to synthesize.`);
  let n = 0;
  for (const ch of t) {
    const cp = ch.codePointAt(0)!;
    const why = refusedChar(cp);
    if (why) throw new TtsTextError('InvalidArgument', `${what} contains ${hex(cp)} at character ${n + 1}, ${why}; it cannot be synthesized.`);
    n++;
  }
  if (n > maxChars) throw new TtsTextError('InvalidArgument', `${what} is ${n} characters; ${limitName} is limited to ${maxChars} characters.`);
  if (!/[\p{L}\p{N}]/u.test(t)) throw new TtsTextError('InvalidArgument', `${what} has no letters or digits; there is nothing to speak.`);
  return t;
}

/**
 * A text object's bytes → its text (spec/jobs.md §1.4: "a UTF-8 text file
 * ≤ 10 MB"). A NUL byte or bytes that are not UTF-8 mean the object is not a
 * text file: `ResourceNotSupported` ("input file corrupt or unsupported",
 * spec/errors.md §4). UTF-16 text is refused the same way (it is full of NULs).
 */
export function decodeTextObject(bytes: Uint8Array, what: string): string {
  if (bytes.length > TTS_OBJECT_MAX_BYTES) throw new TtsTextError('InvalidArgument', `${what} is ${bytes.length} bytes; text objects are limited to ${TTS_OBJECT_MAX_BYTES} bytes (10 MB).`);
  if (bytes.includes(0)) throw new TtsTextError('ResourceNotSupported', `${what} is binary (it contains NUL bytes), not a UTF-8 text file.`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new TtsTextError('ResourceNotSupported', `${what} is not valid UTF-8 text.`);
  }
}
