import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MDX_DELTA, musdbMedian, nanMedian, siSdr, usdr } from '../../../src/eval/metrics/simple.ts';
import { energy, noise, prng } from './synthetic.ts';

const rnd = prng(31);
const s = noise(16000, rnd).map((v, t) => v + 0.3 * Math.sin(t / 7));

test('siSdr: residual orthogonal to the (zero-mean) reference gives exactly its energy ratio', () => {
  const n = noise(s.length, rnd);
  const ms = s.reduce((a, b) => a + b) / s.length;
  const mn = n.reduce((a, b) => a + b) / n.length;
  const s0 = s.map((v) => v - ms);
  let proj = 0;
  n.forEach((v, t) => { proj += (v - mn) * s0[t]!; });
  const k = proj / energy(s0);
  const residual = n.map((v, t) => (v - mn - k * s0[t]!) * 0.25);
  const est = s.map((v, t) => v + residual[t]!);
  const expected = 10 * Math.log10(energy(s0) / energy(residual));
  assert.ok(Math.abs(siSdr(s, est) - expected) < 1e-9, `${siSdr(s, est)} vs ${expected}`);
});

test('siSdr: invariant to the estimate gain and to DC offsets', () => {
  const est = s.map((v, t) => v + 0.5 * Math.cos(t));
  const base = siSdr(s, est);
  assert.ok(Math.abs(siSdr(s, est.map((v) => 3 * v + 0.7)) - base) < 1e-9);
  assert.ok(Math.abs(siSdr(s.map((v) => v - 2), est) - base) < 1e-9);
  assert.equal(siSdr(s, s.map((v) => 2 * v)), Infinity);
  assert.ok(Number.isNaN(siSdr(new Float64Array(10).fill(1), s.subarray(0, 10))));
  assert.throws(() => siSdr(s, s.subarray(1)), RangeError);
});

test('usdr: MDX definition over all channels, δ = 1e-7 on both sides', () => {
  const ref = [s, s.map((v) => -0.5 * v)];
  const err = [noise(s.length, rnd), noise(s.length, rnd)].map((x) => x.map((v) => 0.1 * v));
  const est = ref.map((ch, c) => ch.map((v, t) => v + err[c]![t]!));
  const expected = 10 * Math.log10((energy(ref[0]!) + energy(ref[1]!) + MDX_DELTA) / (energy(err[0]!) + energy(err[1]!) + MDX_DELTA));
  assert.ok(Math.abs(usdr(ref, est) - expected) < 1e-9);
  assert.ok(Math.abs(usdr(ref, ref) - 10 * Math.log10((energy(ref[0]!) + energy(ref[1]!) + MDX_DELTA) / MDX_DELTA)) < 1e-9);
  assert.equal(usdr([new Float64Array(5)], [new Float64Array(5)]), 0);
  assert.throws(() => usdr(ref, est.slice(1)), RangeError);
});

test('nanMedian: pandas/numpy semantics', () => {
  assert.equal(nanMedian([3, NaN, 1, 2]), 2);
  assert.equal(nanMedian([4, 1, NaN, 2, 3]), 2.5);
  assert.equal(nanMedian([1, Infinity, 2]), 2);
  assert.ok(Number.isNaN(nanMedian([NaN, NaN])));
  assert.ok(Number.isNaN(nanMedian([])));
});

test('musdbMedian: median over frames per track (NaN skipped), then over tracks (empty tracks skipped)', () => {
  const tracks = [
    Float64Array.of(1, 2, 3, NaN),
    Float64Array.of(10, NaN, 20),
    Float64Array.of(-5, -4, -3, -2),
    Float64Array.of(NaN, NaN),
  ];
  // per-track medians: 2, 15, −3.5 → median 2
  assert.equal(musdbMedian(tracks), 2);
  assert.ok(Number.isNaN(musdbMedian([Float64Array.of(NaN)])));
});
