import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GtcrnSeparator } from '../../../../src/audio/engines/gtcrn/engine.ts';
import { enhanceSpeech } from '../../../../src/audio/engines/gtcrn/enhance.ts';

/**
 * 60 s of synthetic input (harmonic voice + noise) in one chunk. Speed is
 * measured by `npm run bench -- engines`, not asserted here (a wall-clock
 * bound fails on a loaded machine): the CPU-time RTF is only reported.
 */

it('gtcrn processes 60 s in one chunk (CPU-time RTF reported)', async (t) => {
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
  const cpu0 = process.cpuUsage();
  const out = await engine.separateChunk({ channels: [x], sampleRate: SR }, 'two');
  const cpu = process.cpuUsage(cpu0);
  t.diagnostic(`CPU-time RTF ${((cpu.user + cpu.system) / 1e6 / 60).toFixed(3)} (60 s in one chunk; the pipeline's 20 s chunks with 2 s overlap add ~11 %)`);
  assert.equal(out.vocals![0]!.length, n);
  assert.equal(out.background![0]!.length, n);
  assert.ok(out.vocals![0]!.every(Number.isFinite) && out.background![0]!.every(Number.isFinite), 'non-finite samples');
});
