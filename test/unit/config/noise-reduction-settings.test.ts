import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

/** The noise-reduction settings (issue 7): engine choice and the input size limit, by flag and by environment. */
describe('noise-reduction settings', () => {
  it('defaults: gtcrn, 10 MiB', () => {
    const c = loadConfig({}, {});
    assert.equal(c.noiseReductionEngine, 'gtcrn');
    assert.equal(c.noiseReductionMaxInputBytes, 10 * 1024 * 1024);
  });
  it('environment and flag (the flag wins)', () => {
    assert.equal(loadConfig({}, { SMART_AUDIO_NOISE_REDUCTION_ENGINE: 'rnnoise' }).noiseReductionEngine, 'rnnoise');
    assert.equal(loadConfig({ 'noise-reduction-engine': 'gtcrn' }, { SMART_AUDIO_NOISE_REDUCTION_ENGINE: 'rnnoise' }).noiseReductionEngine, 'gtcrn');
    assert.equal(loadConfig({ 'noise-reduction-max-input-bytes': '5000000' }, {}).noiseReductionMaxInputBytes, 5_000_000);
  });
  it('refuses an unknown engine and a limit below 1 byte', () => {
    assert.throws(() => loadConfig({ 'noise-reduction-engine': 'dsp' }, {}), (e: unknown) => e instanceof ConfigError && /gtcrn or rnnoise/.test(e.message));
    assert.throws(() => loadConfig({ 'noise-reduction-max-input-bytes': '0' }, {}), (e: unknown) => e instanceof ConfigError && /at least 1/.test(e.message));
  });
});
