import { ValidationError } from '../errors.ts';
import type { RawText } from './types.ts';

/**
 * Small field readers shared by the four template validators. Every failure is
 * a ValidationError whose message names the field path and the value received
 * (spec/errors.md §7: "value out of range / enum violation → 400 InvalidArgument").
 */

/** Longest value echoed back in a message; a megabyte of digits is not worth repeating. */
const MAX_SHOWN = 64;

/** Quotes a received value for a message (JSON quoting keeps spaces and control characters visible). */
export function show(value: string): string {
  const cut = value.length > MAX_SHOWN ? value.slice(0, MAX_SHOWN) + '…' : value;
  return JSON.stringify(cut);
}

/** `joinPath('Operation.VoiceSeparate', 'AudioMode')` → `Operation.VoiceSeparate.AudioMode`. */
export function joinPath(prefix: string | undefined, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** Empty elements mean "not set" (spec/clients.md §7), exactly like an omitted one. */
export function isSet(value: RawText): value is string {
  return value !== undefined && value !== '';
}

export function requireText(value: RawText, field: string, hint: string): string {
  if (!isSet(value)) throw new ValidationError(field, `is required but missing (${hint})`);
  return value;
}

/** Enumerations are matched exactly (case-sensitive), as the service documents them. */
export function readEnum<T extends string>(value: RawText, field: string, allowed: readonly T[]): T | undefined {
  if (!isSet(value)) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ValidationError(field, `${show(value)} is not one of ${allowed.join(', ')}`);
}

/**
 * Canonical decimal integer: optional `-` (never `-0`), no `+`, no leading
 * zeros, no spaces, no fraction or exponent.
 * AMBIGUITY → chose canonical-only: the wire carries numbers as decimal strings
 * (spec/README.md "Wire conventions") and we echo stored values, so accepting
 * `044100` or ` 44100` would echo something the client never meant.
 */
const DECIMAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/** Parses a decimal integer within `[min, max]`; `undefined` when not set. */
export function readInt(value: RawText, field: string, min: number, max: number): number | undefined {
  if (!isSet(value)) return undefined;
  if (!DECIMAL_INTEGER.test(value)) {
    throw new ValidationError(field, `${show(value)} is not a decimal integer`);
  }
  // Huge digit strings parse to large (or infinite) numbers and fail the range check below.
  const n = Number(value);
  if (!(n >= min && n <= max)) {
    throw new ValidationError(field, `${show(value)} is out of range [${min}, ${max}]`);
  }
  return n;
}

/** Parses a decimal integer that must be one of `allowed`. */
export function readIntIn(value: RawText, field: string, allowed: readonly number[]): number | undefined {
  if (!isSet(value)) return undefined;
  if (!DECIMAL_INTEGER.test(value)) {
    throw new ValidationError(field, `${show(value)} is not a decimal integer`);
  }
  const n = Number(value);
  if (!allowed.includes(n)) {
    throw new ValidationError(field, `${show(value)} is not one of ${allowed.join(', ')}`);
  }
  return n;
}

/**
 * `true` / `false`. AMBIGUITY → chose case-insensitive: the Python SDK demo
 * passes a Python bool (`FlashAsr=True`), which may serialise as `True`.
 */
export function readBool(value: RawText, field: string): boolean | undefined {
  if (!isSet(value)) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ValidationError(field, `${show(value)} is not one of true, false`);
}

/** Free text with only a length bound (SDK-only fields whose values are undocumented). */
export function readFreeText(value: RawText, field: string, maxChars: number): string | undefined {
  if (!isSet(value)) return undefined;
  if ([...value].length > maxChars) {
    throw new ValidationError(field, `${show(value)} is longer than ${maxChars} characters`);
  }
  return value;
}

/** Builds an object without the keys whose value is undefined (params hold only what was sent). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
