import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleBundle } from '../../../src/console/serve.ts';

/**
 * The console bundles server modules (string-to-sign, template, queue and
 * job-submit rules). A Node-only global in them would only fail in the
 * browser, at the moment a user submits a form; this catches it at build time.
 */
test('the console bundle builds and uses no Node-only globals or imports', async () => {
  const js = await consoleBundle();
  assert.ok(js.length > 20_000, `bundle of ${js.length} bytes`);
  const nodeOnly = [...js.matchAll(/.{0,60}\b(Buffer|process\.|require\(|node:[a-z]+|__dirname)\b.{0,60}/g)].map((m) => m[0]);
  assert.deepEqual(nodeOnly, []);
  // The shared modules really are in it.
  for (const marker of ['function canonicalPairs', 'function validateTemplateRequest', 'function validateNotifyConfig', 'function buildJobSpec']) {
    assert.ok(js.includes(marker), `${marker} is bundled`);
  }
});
