import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repeatingModel, repetFeatures, similarityRows } from '../../../../src/audio/engines/dsp/repet-sim.ts';
import { accumulateSpatial, applyWiener, finishSpatial, newSpatial } from '../../../../src/audio/engines/dsp/wiener.ts';
import type { Spectrogram } from '../../../../src/audio/dsp/stft.ts';

describe('REPET-SIM repeating model', () => {
  it('keeps a repeating pattern and removes a one-off event', () => {
    const frames = 40, bins = 8;
    const mag = new Float32Array(frames * bins);
    for (let t = 0; t < frames; t++) for (let k = 0; k < bins; k++) mag[t * bins + k] = 1 + ((t % 4) === k % 4 ? 2 : 0);
    mag[20 * bins + 7] += 10; // one-off event
    const f = repetFeatures(mag, frames, bins, bins);
    const sim = new Float32Array(frames * frames);
    similarityRows(f, frames, bins, sim, 0, frames);
    assert.ok(Math.abs(sim[3 * frames + 7]! - 1) < 1e-6); // same phase of the pattern
    const model = new Float32Array(frames * bins);
    repeatingModel(mag, frames, bins, sim, 5, 2, model, 0, frames);
    for (let i = 0; i < model.length; i++) assert.ok(model[i]! <= mag[i]!);
    assert.ok(model[20 * bins + 7]! <= 3); // the one-off event (11) is not in the repeating model
    assert.equal(model[5 * bins + 1], mag[5 * bins + 1]);
  });
});

describe('multichannel Wiener filter', () => {
  it('splits two differently panned sources and the estimates sum to the mixture', () => {
    const frames = 16, bins = 4, n = frames * bins;
    const spec = (): Spectrogram => ({ frames, bins, re: new Float32Array(n), im: new Float32Array(n) });
    const L = spec(), R = spec();
    const mA = new Float32Array(n), mB = new Float32Array(n);
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let i = 0; i < n; i++) {
      const a = rnd(), b = rnd(); // A hard left, B hard right
      L.re[i] = a; L.im[i] = rnd() * 0.1; R.re[i] = b; R.im[i] = 0;
      mA[i] = 0.5; mB[i] = 0.5; // uninformative masks: only the spatial model separates
    }
    const models = [mA, mB].map((m) => { const acc = newSpatial(bins); const w = new Float64Array(bins); accumulateSpatial(L, R, m, acc, w, 0, frames); finishSpatial(acc, w); return acc; });
    const yA = [spec(), spec()], yB = [spec(), spec()];
    applyWiener(L, R, [mA, mB], models, 0, yA[0]!, yA[1]!, 0, frames);
    applyWiener(L, R, [mA, mB], models, 1, yB[0]!, yB[1]!, 0, frames);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(yA[0]!.re[i]! + yB[0]!.re[i]! - L.re[i]!) < 1e-4);
      assert.ok(Math.abs(yA[1]!.re[i]! + yB[1]!.re[i]! - R.re[i]!) < 1e-4);
      assert.ok(Math.abs(yA[0]!.im[i]! + yB[0]!.im[i]! - L.im[i]!) < 1e-4);
    }
  });
});
