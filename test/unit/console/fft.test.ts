import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fft, spectrogram } from '../../../src/console/app/audio/fft.ts';

describe('console FFT', () => {
  test('matches a direct DFT of a random signal', () => {
    const n = 64;
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) + 0.3 * Math.cos(i * 0.4) + (i % 5) * 0.1);
    const re = Float64Array.from(x), im = new Float64Array(n);
    fft(re, im);
    for (let k = 0; k < n; k++) {
      let dr = 0, di = 0;
      for (let t = 0; t < n; t++) { dr += x[t]! * Math.cos((-2 * Math.PI * k * t) / n); di += x[t]! * Math.sin((-2 * Math.PI * k * t) / n); }
      assert.ok(Math.abs(re[k]! - dr) < 1e-9 && Math.abs(im[k]! - di) < 1e-9, `bin ${k}`);
    }
  });

  test('a 1 kHz tone peaks in the 1 kHz bin of every spectrogram column', () => {
    const sr = 16000, size = 512;
    const x = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / sr));
    const cols = spectrogram(x, 20, size);
    assert.equal(cols.length, 20);
    for (const col of cols) {
      const peak = col.indexOf(Math.max(...col));
      assert.equal(peak, Math.round((1000 / sr) * size));
    }
  });
});
