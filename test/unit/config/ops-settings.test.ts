import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

/** Operations settings (issue #8 §4): admin listener and drain delay. */
describe('operations settings', () => {
  it('defaults: no admin listener, 127.0.0.1, no drain delay', () => {
    const c = loadConfig({}, {});
    assert.equal(c.metricsPort, 0);
    assert.equal(c.metricsHost, '127.0.0.1');
    assert.equal(c.drainDelayMs, 0);
  });
  it('environment and flag (the flag wins)', () => {
    assert.equal(loadConfig({}, { SMART_AUDIO_METRICS_PORT: '9464' }).metricsPort, 9464);
    assert.equal(loadConfig({ 'metrics-port': '9465' }, { SMART_AUDIO_METRICS_PORT: '9464' }).metricsPort, 9465);
    assert.equal(loadConfig({ 'metrics-host': '0.0.0.0', 'drain-delay-ms': '5000' }, {}).metricsHost, '0.0.0.0');
    assert.equal(loadConfig({}, { SMART_AUDIO_DRAIN_DELAY_MS: '5000' }).drainDelayMs, 5000);
  });
  it('refuses a bad port, the API port, and a negative delay, all at once', () => {
    assert.throws(() => loadConfig({ 'metrics-port': '70000', 'drain-delay-ms': '-1' }, {}), (e: unknown) => e instanceof ConfigError && e.problems.length === 2);
    assert.throws(() => loadConfig({ port: '8080', 'metrics-port': '8080' }, {}), (e: unknown) => e instanceof ConfigError && /its own/.test(e.message));
  });
});
