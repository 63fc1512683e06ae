import { ValidationError } from '../errors.ts';
import { isSet, show } from './field-rules.ts';

/**
 * Template `Name` rule (spec/templates.md §0, spec/limits.md "Names"):
 * Chinese characters, letters, digits, `_`, `-`, `*`; at most 64 characters.
 *
 * The `u` flag makes `{1,64}` count Unicode code points, so a name of 64 Han
 * characters (192 UTF-8 bytes) is accepted and a 65th character is not —
 * the limit is in characters, not bytes. `\p{Script=Han}` also covers the CJK
 * extension planes outside the BMP, which count as one character each.
 *
 * AMBIGUITY → chose the CN / EN-2025 rule (with Chinese) over the older EN rule
 * (ASCII only): it is a superset, so clients of either generation are served.
 */
export const TEMPLATE_NAME_MAX_CHARS = 64;
const NAME_PATTERN = /^[\p{Script=Han}A-Za-z0-9_\-*]{1,64}$/u;

/**
 * Returns the name unchanged or throws ValidationError on field `field`
 * (default `Name`). Uniqueness is not checked here: it needs the store
 * (spec/templates.md §0, per bucket + tag).
 */
export function validateTemplateName(value: string | undefined, field = 'Name'): string {
  if (!isSet(value)) throw new ValidationError(field, 'is required but missing');
  if (NAME_PATTERN.test(value)) return value;
  const chars = [...value].length;
  if (chars > TEMPLATE_NAME_MAX_CHARS) {
    throw new ValidationError(field, `${show(value)} has ${chars} characters; at most ${TEMPLATE_NAME_MAX_CHARS} are allowed`);
  }
  throw new ValidationError(
    field,
    `${show(value)} contains characters other than Chinese characters, letters, digits, "_", "-" and "*"`,
  );
}
