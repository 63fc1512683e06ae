import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateTemplateName } from '../../../../src/domain/templates/name.ts';
import { assertRejects } from './helpers.ts';

// spec/templates.md §0: ^[\p{Script=Han}A-Za-z0-9_\-*]{1,64}$, counted in characters.

const accepted: [number, string, string][] = [
  [1, 'spec sample', 'TemplateName'],
  [2, 'digits, _ - *', 'a_b-c*9'],
  [3, 'Chinese characters', '人声分离模板'],
  [4, 'single character', 'x'],
  [5, '64 ASCII characters', 'a'.repeat(64)],
  [6, '64 Han characters (192 UTF-8 bytes)', '模'.repeat(64)],
  [7, 'CJK extension B counts as one character', '𠀀'.repeat(64)],
];

const rejected: [number, string, string | undefined, string | undefined][] = [
  [1, 'missing', undefined, undefined],
  [2, 'empty', '', undefined],
  [3, '65 ASCII characters', 'a'.repeat(65), 'a'.repeat(40)],
  [4, '65 Han characters', '模'.repeat(65), '模'.repeat(40)],
  [5, 'space', 'my name', 'my name'],
  [6, 'dot', 'a.b', 'a.b'],
  [7, 'slash', 'a/b', 'a/b'],
  [8, 'Japanese kana (not Han)', 'テンプレート', 'テンプレート'],
  [9, 'Hangul', '템플릿', '템플릿'],
  [10, 'full-width letters', 'ＡＢＣ', 'ＡＢＣ'],
  [11, 'emoji', 'a😀', 'a😀'],
];

describe('validateTemplateName', () => {
  for (const [n, desc, v] of accepted) it(`A${n}: ${desc}`, () => assert.equal(validateTemplateName(v), v));
  for (const [n, desc, v, shown] of rejected) it(`R${n}: ${desc}`, () => assertRejects(() => validateTemplateName(v), 'Name', shown));
  it('R12: 65 characters reports the character count, not bytes', () => {
    assert.throws(() => validateTemplateName('模'.repeat(65)), /has 65 characters; at most 64/);
  });
});
