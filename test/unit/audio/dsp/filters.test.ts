import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxSum2d, highPassPower, lowPassPower } from '../../../../src/audio/dsp/filters.ts';
import { sanitize, sanitizeAndLimit } from '../../../../src/audio/dsp/limiter.ts';
import { medianAlongColumns, medianAlongRows } from '../../../../src/audio/dsp/median.ts';

function naiveMedian(values: number[]): number {
  return [...values].sort((a, b) => a - b)[(values.length - 1) >> 1]!;
}

describe('running median', () => {
  it('matches a sort-based median with edge replication (rows and columns)', () => {
    const rows = 13, cols = 29, half = 3;
    let s = 7;
    const src = Float32Array.from({ length: rows * cols }, () => ((s = (s * 69069 + 1) >>> 0) % 1000) / 100);
    const byRow = new Float32Array(src.length);
    const byCol = new Float32Array(src.length);
    medianAlongRows(src, rows, cols, half, byRow);
    medianAlongColumns(src, rows, cols, half, byCol);
    const at = (r: number, c: number) => src[Math.min(rows - 1, Math.max(0, r)) * cols + Math.min(cols - 1, Math.max(0, c))]!;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const row: number[] = [];
        const col: number[] = [];
        for (let d = -half; d <= half; d++) {
          row.push(at(r, c + d));
          col.push(at(r + d, c));
        }
        assert.equal(byRow[r * cols + c], Math.fround(naiveMedian(row)), `row median at ${r},${c}`);
        assert.equal(byCol[r * cols + c], Math.fround(naiveMedian(col)), `column median at ${r},${c}`);
      }
    }
  });

  it('removes an impulse along the filtered axis only', () => {
    const rows = 9, cols = 9;
    const src = new Float32Array(rows * cols);
    src[4 * cols + 4] = 1; // one bin
    const out = new Float32Array(src.length);
    medianAlongRows(src, rows, cols, 2, out);
    assert.equal(Math.max(...out), 0);
  });
});

describe('box sums and band weights', () => {
  it('boxSum2d sums the truncated neighbourhood, in place too', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]); // 2 × 3
    const dest = new Float32Array(6);
    boxSum2d(src, 2, 3, 1, 1, dest);
    assert.deepEqual([...dest], [12, 21, 16, 12, 21, 16]);
    boxSum2d(src, 2, 3, 0, 1, src);
    assert.deepEqual([...src], [3, 6, 5, 9, 15, 11]);
  });
  it('Butterworth power responses are 0.5 at the cutoff', () => {
    assert.equal(highPassPower(100, 100, 2), 0.5);
    assert.equal(lowPassPower(8000, 8000, 2), 0.5);
    assert.equal(highPassPower(0, 100, 2), 0);
    assert.ok(lowPassPower(400, 200, 2) < 0.06);
  });
});

describe('limiter', () => {
  it('replaces NaN/Inf by 0, keeps the signal below the knee, stays within the 0.99 ceiling', () => {
    const x = new Float32Array([NaN, Infinity, -Infinity, 0.5, -0.89, 0.95, 1.5, -40]);
    assert.equal(sanitizeAndLimit(x), 3);
    assert.deepEqual([...x.subarray(0, 5)], [0, 0, 0, 0.5, Math.fround(-0.89)]);
    assert.ok(x[5]! > 0.9 && x[5]! < 0.95);
    assert.ok(x[6]! > 0.95 && x[6]! <= Math.fround(0.99));
    assert.ok(x[7]! < -0.95 && x[7]! >= -Math.fround(0.99));
  });
  it('is continuous and monotonic across the knee', () => {
    let prev = -Infinity;
    for (let v = 0.8; v < 3; v += 0.001) {
      const y = new Float32Array([v]);
      sanitizeAndLimit(y);
      assert.ok(y[0]! >= prev, `not monotonic at ${v}`);
      assert.ok(y[0]! - prev < 0.0011 || prev === -Infinity, `jump at ${v}`);
      prev = y[0]!;
    }
  });
  it('sanitize only replaces non-finite values', () => {
    const x = new Float32Array([1.5, NaN]);
    assert.equal(sanitize(x), 1);
    assert.deepEqual([...x], [1.5, 0]);
  });
});
