import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BssEvalInputError, bssEvalSources, bssEvalSourcesFramewise } from '../../../src/eval/metrics/bss-eval.ts';
import { VECTORS_MISSING, loadVectorCase, vectorCaseIds } from './vectors.ts';
import { colored, delayed, prng } from './synthetic.ts';

/** mir_eval's own test tolerance (tests/test_separation.py: A_TOL = 1e-2). */
const TOL_DB = 0.01;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      assert.ok(Object.is(a, e), `${what}[${i}]: expected ${e}, got ${a}`);
    } else {
      assert.ok(Math.abs(a - e) <= TOL_DB, `${what}[${i}]: expected ${e}, got ${a} (|Δ| = ${Math.abs(a - e)} dB)`);
    }
  }
}

const ids = VECTORS_MISSING ? [] : vectorCaseIds();

test('mir_eval vectors: all 8 cases are present', { skip: VECTORS_MISSING }, () => {
  assert.deepEqual(ids, ['01', '02', '03', '05', '06', '07', '08', '09']);
});

for (const id of ids) {
  test(`mir_eval vectors ${id}: bss_eval_sources (global, with permutation)`, () => {
    const c = loadVectorCase(id);
    const r = bssEvalSources(c.reference, c.estimated);
    const e = c.expected.Sources;
    assert.deepEqual(Array.from(r.perm), e['Source permutation']);
    assertClose(r.sdr, e['Source to Distortion'], 'sdr');
    assertClose(r.sir, e['Source to Interference'], 'sir');
    assertClose(r.sar, e['Source to Artifact'], 'sar');
  });

  test(`mir_eval vectors ${id}: bss_eval_sources_framewise (window/hop from the JSON)`, () => {
    const c = loadVectorCase(id);
    const { win, hop } = c.expected.Framewise;
    const r = bssEvalSourcesFramewise(c.reference, c.estimated, win, hop);
    const e = c.expected.Framewise;
    r.sdr.forEach((row, j) => assertClose(row, e['Source to Distortion'][j]!, `sdr[${j}]`));
    r.sir.forEach((row, j) => assertClose(row, e['Source to Interference'][j]!, `sir[${j}]`));
    r.sar.forEach((row, j) => assertClose(row, e['Source to Artifact'][j]!, `sar[${j}]`));
    r.perm.forEach((row, j) => assertClose(row, e['Source permutation'][j]!, `perm[${j}]`));
  });
}

test('dense Cholesky and block Schur give the same metrics', { skip: VECTORS_MISSING }, () => {
  const c = loadVectorCase('01');
  const schur = bssEvalSources(c.reference, c.estimated);
  const dense = bssEvalSources(c.reference, c.estimated, { solver: 'cholesky' });
  for (const k of ['sdr', 'sir', 'sar'] as const) {
    schur[k].forEach((v, j) => assert.ok(Math.abs(v - dense[k][j]!) < 1e-8, `${k}[${j}]: ${v} vs ${dense[k][j]}`));
  }
});

test('a delayed and scaled estimate is fully explained by the 512-tap filters', () => {
  const rnd = prng(11);
  const refs = [colored(6000, rnd), colored(6000, rnd)];
  const est = refs.map((r) => delayed(r, 5).map((v) => 0.7 * v));
  const r = bssEvalSources(refs, est);
  assert.deepEqual(Array.from(r.perm), [0, 1]);
  // Only the 5 samples pushed past the end are lost: ≈ 10·log10(6000/5) = 31 dB,
  // where the plain SNR of the same estimate is below 0 dB.
  r.sdr.forEach((v, j) => {
    let num = 0, den = 0;
    refs[j]!.forEach((s, t) => { num += s * s; den += (s - est[j]![t]!) ** 2; });
    assert.ok(v > 28, `SDR ${v}`);
    assert.ok(10 * Math.log10(num / den) < 0);
  });
});

test('swapped estimates are matched back by the permutation search', () => {
  const rnd = prng(12);
  const refs = [colored(4000, rnd), colored(4000, rnd), colored(4000, rnd)];
  const est = [refs[2]!, refs[0]!, refs[1]!].map((r) => r.map((v, t) => v + 0.1 * Math.sin(t)));
  const r = bssEvalSources(refs, est);
  assert.deepEqual(Array.from(r.perm), [1, 2, 0]);
  const fixed = bssEvalSources(refs, est, { computePermutation: false });
  assert.deepEqual(Array.from(fixed.perm), [0, 1, 2]);
  for (const v of fixed.sir) assert.ok(v < 0, `unmatched SIR ${v}`);
});

test('framewise: a silent frame in a reference or an estimate is NaN for every source (mir_eval test_partial_silence)', () => {
  const rnd = prng(13);
  const sound = (): number[] => Array.from({ length: 20 }, rnd);
  const make = (silentMiddle: boolean): Float64Array[] => [0, 1].map(() =>
    Float64Array.from([...sound(), ...(silentMiddle ? new Array<number>(20).fill(0) : sound()), ...sound()]));
  for (const [ref, est] of [[make(true), make(false)], [make(false), make(true)]] as const) {
    const r = bssEvalSourcesFramewise(ref, est, 10, 10);
    for (const metric of [r.sdr, r.sir, r.sar, r.perm]) {
      for (const row of metric) {
        assert.equal(row.length, 6);
        row.forEach((v, k) => assert.equal(Number.isNaN(v), k === 2 || k === 3, `frame ${k}: ${v}`));
      }
    }
  }
});

test('framewise with fewer than two frames returns the global result', () => {
  const rnd = prng(14);
  const refs = [colored(3000, rnd), colored(3000, rnd)];
  const est = refs.map((r, j) => r.map((v, t) => v + 0.3 * refs[1 - j]![t]!));
  const g = bssEvalSources(refs, est, { computePermutation: false });
  const f = bssEvalSourcesFramewise(refs, est, 4000, 1000);
  f.sdr.forEach((row, j) => assert.deepEqual(Array.from(row), [g.sdr[j]]));
});

test('invalid input is rejected like mir_eval.separation.validate', () => {
  const rnd = prng(15);
  const a = colored(1000, rnd), b = colored(1000, rnd);
  assert.throws(() => bssEvalSources([a, new Float64Array(1000)], [a, b]), BssEvalInputError);
  assert.throws(() => bssEvalSources([a, b], [new Float64Array(1000), b]), BssEvalInputError);
  assert.throws(() => bssEvalSources([a, b], [a]), BssEvalInputError);
  assert.throws(() => bssEvalSources([a, b], [a, b.subarray(1)]), BssEvalInputError);
});
