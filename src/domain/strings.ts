/**
 * The smallest string greater than every string that starts with `s`, in
 * code point order (which is UTF-8 byte order, SQLite's and PostgreSQL's "C"
 * collation order): `prefix <= x < prefixSuccessor(prefix)` selects exactly
 * the strings starting with `prefix`, as an index range.
 */
export function prefixSuccessor(s: string): string | undefined {
  const cps = [...s];
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return cps.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}
