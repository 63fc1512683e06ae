import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stft, hannWindow } from '../../../../src/audio/dsp/stft.ts';
import { maxAbsDiff } from '../helpers/media.ts';

/** Deterministic pseudo-random signal in [-1, 1). */
function noise(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

describe('Stft', () => {
  const configs: [number, number, number][] = [
    [4096, 1024, 44100], // the dsp engine's profile, 1 s
    [2048, 512, 12345], // length not a multiple of the hop
    [1024, 512, 3000], // 50 % overlap
    [64, 16, 1], // a single sample
    [256, 64, 100], // shorter than one window
  ];
  for (const [n, hop, len] of configs) {
    it(`perfect reconstruction, fft ${n} hop ${hop}, ${len} samples (< 1e-5)`, () => {
      const stft = new Stft(n, hop);
      const a = noise(len, 1);
      const b = noise(len, 2);
      const [A, B] = stft.forwardPair(a, b);
      const [ra, rb] = stft.inversePair(A, B, len);
      assert.equal(ra.length, len);
      assert.ok(maxAbsDiff(ra, a) < 1e-5, `L error ${maxAbsDiff(ra, a)}`);
      assert.ok(maxAbsDiff(rb, b) < 1e-5, `R error ${maxAbsDiff(rb, b)}`);
      assert.ok(maxAbsDiff(stft.inverse(stft.forward(a), len), a) < 1e-5, 'mono path');
    });
  }

  it('the pair transform equals two single transforms', () => {
    const stft = new Stft(512, 128);
    const a = noise(2000, 3);
    const b = noise(2000, 4);
    const [A, B] = stft.forwardPair(a, b);
    const A1 = stft.forward(a);
    const B1 = stft.forward(b);
    assert.ok(maxAbsDiff(A.re, A1.re) < 1e-3 && maxAbsDiff(A.im, A1.im) < 1e-3);
    assert.ok(maxAbsDiff(B.re, B1.re) < 1e-3 && maxAbsDiff(B.im, B1.im) < 1e-3);
  });

  it('a sine lands in its bin; a zero mask gives silence; a unit mask is the identity', () => {
    const stft = new Stft(1024, 256);
    const sr = 44100;
    const k0 = 40; // bin 40 ≈ 1722.7 Hz
    const x = Float32Array.from({ length: 8192 }, (_, i) => Math.sin((2 * Math.PI * k0 * i) / 1024));
    const X = stft.forward(x);
    const t = 10;
    let best = 0;
    for (let k = 1; k < X.bins; k++) {
      const m = Math.hypot(X.re[t * X.bins + k]!, X.im[t * X.bins + k]!);
      if (m > Math.hypot(X.re[t * X.bins + best]!, X.im[t * X.bins + best]!)) best = k;
    }
    assert.equal(best, k0, `peak at bin ${best} (${(best * sr) / 1024} Hz)`);
    const zero = stft.inverse(X, x.length, new Float32Array(X.frames * X.bins));
    assert.equal(maxAbsDiff(zero, new Float32Array(x.length)), 0);
    const one = stft.inverse(X, x.length, new Float32Array(X.frames * X.bins).fill(1));
    assert.ok(maxAbsDiff(one, x) < 1e-5);
  });

  it('periodic Hann window; bad sizes are rejected', () => {
    const w = hannWindow(8);
    assert.equal(w[0], 0);
    assert.ok(Math.abs(w[4]! - 1) < 1e-15);
    assert.ok(Math.abs(w[1]! - w[7]!) < 1e-15);
    assert.throws(() => new Stft(1000, 250), /power of two/);
    assert.throws(() => new Stft(1024, 1024), /hopSize/);
    assert.equal(new Stft(1024, 256).frameCount(0), 0);
  });
});
