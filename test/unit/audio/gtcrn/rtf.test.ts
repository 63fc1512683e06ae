import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GtcrnSeparator } from '../../../../src/audio/engines/gtcrn/engine.ts';
import { enhanceSpeech } from '../../../../src/audio/engines/gtcrn/enhance.ts';

/**
 * Speed on 60 s of synthetic input (harmonic voice + noise). Target: RTF ≤ 0.1
 * on the project's 2-core machines (measured ≈ 0.08 idle); the assertion is
 * loose (0.5) so that a loaded test machine does not fail it, the figure is
 * reported as a diagnostic.
 */

it('gtcrn real-time factor on 60 s', async (t) => {
  const SR = 16000;
  const n = 60 * SR;
  const x = new Float32Array(n);
  let seed = 99;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const ph = (2 * Math.PI * 180 * i) / SR;
    x[i] = 0.1 * Math.max(0, Math.sin((Math.PI * 3 * i) / SR)) * (Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.3 * Math.sin(3 * ph)) + 0.01 * ((seed / 2 ** 32) * 2 - 1);
  }
  await enhanceSpeech(x.subarray(0, SR)); // load + compile the wasm outside the measurement
  const engine = new GtcrnSeparator();
  const t0 = performance.now();
  const out = await engine.separateChunk({ channels: [x], sampleRate: SR }, 'two');
  const rtf = (performance.now() - t0) / 1000 / 60;
  t.diagnostic(`RTF ${rtf.toFixed(3)} (60 s in one chunk; the pipeline's 20 s chunks with 2 s overlap add ~11 %)`);
  assert.equal(out.vocals![0]!.length, n);
  assert.ok(rtf < 0.5, `RTF ${rtf.toFixed(3)}`);
});
