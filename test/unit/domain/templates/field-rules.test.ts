import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBool, readFreeText, readInt, readIntIn, show } from '../../../../src/domain/templates/field-rules.ts';
import { assertRejects } from './helpers.ts';

// Decimal integers are canonical only (see field-rules.ts, spec/README.md "Wire conventions").

describe('readInt', () => {
  const ok: [number, string, number][] = [
    [1, '0', 0],
    [2, '7', 7],
    [3, '-10', -10],
    [4, '1000', 1000],
  ];
  for (const [n, v, want] of ok) it(`A${n}: ${JSON.stringify(v)} → ${want}`, () => assert.equal(readInt(v, 'X', -10, 1000), want));
  it('A5: unset and empty are undefined', () => {
    assert.equal(readInt(undefined, 'X', 0, 1), undefined);
    assert.equal(readInt('', 'X', 0, 1), undefined);
  });

  const bad: [number, string][] = [
    [1, 'abc'], [2, '1.5'], [3, '-0'], [4, ' 44100'], [5, '44100 '], [6, '+5'], [7, '044100'],
    [8, '1e3'], [9, '0x10'], [10, '١٢'], [11, '99999999999999999999999999'], [12, '1001'], [13, '-11'],
  ];
  for (const [n, v] of bad) it(`R${n}: ${JSON.stringify(v)} rejected`, () => assertRejects(() => readInt(v, 'A.B', -10, 1000), 'A.B', v));
  // Control characters are shown JSON-escaped so the client can see them.
  it('R14: "\\t5" rejected, shown escaped', () => assertRejects(() => readInt('\t5', 'A.B', -10, 1000), 'A.B', '"\\t5"'));
});

describe('readIntIn', () => {
  it('A1: member accepted', () => assert.equal(readIntIn('44100', 'X', [44100]), 44100));
  it('R1: non-member rejected', () => assertRejects(() => readIntIn('44101', 'X', [44100]), 'X', '44101'));
  it('R2: non-integer rejected', () => assertRejects(() => readIntIn('44100.0', 'X', [44100]), 'X', '44100.0'));
});

describe('readBool', () => {
  it('A1: true/false/True/FALSE', () => {
    assert.equal(readBool('true', 'X'), true);
    assert.equal(readBool('false', 'X'), false);
    assert.equal(readBool('True', 'X'), true);
    assert.equal(readBool('FALSE', 'X'), false);
  });
  it('R1: 1 is not a boolean', () => assertRejects(() => readBool('1', 'X'), 'X', '1'));
});

describe('readFreeText / show', () => {
  it('A1: length counted in characters', () => assert.equal(readFreeText('语'.repeat(4), 'X', 4), '语语语语'));
  it('R1: too long', () => assertRejects(() => readFreeText('abcde', 'X', 4), 'X', 'abcde'));
  it('A2: show truncates very long values', () => {
    const s = show('9'.repeat(1_000_000));
    assert.ok(s.length < 80, s);
  });
});
