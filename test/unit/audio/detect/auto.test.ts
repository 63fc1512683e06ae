import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ENGINE_CHOICE, chooseEngine, type ContentKind, type EngineChoiceMode } from '../../../../src/audio/engines/auto.ts';
import type { SeparationMode } from '../../../../src/audio/engines/engine.ts';
import { engineIds } from '../../../../src/audio/engines/registry.ts';

/** A detector that records its calls. */
function detector(kind: ContentKind) {
  const calls = { count: 0 };
  return { calls, detect: async () => (calls.count++, kind) };
}

describe('chooseEngine', () => {
  const cases: [number, EngineChoiceMode, SeparationMode, ContentKind, string, number][] = [
    // n, mode, separation, detected, expected engine, detect() calls
    [1, 'auto', 'two', 'speech', 'gtcrn', 1],
    [2, 'auto', 'two', 'music', 'tcnmask4', 1],
    [3, 'speech', 'two', 'music', 'gtcrn', 0],
    [4, 'music', 'two', 'speech', 'tcnmask4', 0],
    [5, 'auto', 'four', 'speech', 'tcnmask4', 0],
    [6, 'speech', 'four', 'speech', 'tcnmask4', 0],
    [7, 'music', 'four', 'music', 'tcnmask4', 0],
  ];
  for (const [n, mode, separation, detected, expected, calls] of cases) {
    it(`${n}: mode ${mode}, separation ${separation}, content ${detected} → ${expected}`, async () => {
      const d = detector(detected);
      assert.equal(await chooseEngine({ mode, separation, detect: d.detect }, DEFAULT_ENGINE_CHOICE), expected);
      assert.equal(d.calls.count, calls);
    });
  }

  it('8: separation defaults to two; the config names the engines; the defaults are registered engines', async () => {
    assert.equal(await chooseEngine({ mode: 'auto', detect: async () => 'speech' }), 'gtcrn');
    assert.equal(await chooseEngine({ mode: 'auto', detect: async () => 'speech' }, { speechEngine: 'x', musicEngine: 'y' }), 'x');
    assert.equal(await chooseEngine({ mode: 'auto', detect: async () => 'music' }, { speechEngine: 'x', musicEngine: 'y' }), 'y');
    for (const id of Object.values(DEFAULT_ENGINE_CHOICE)) assert.ok(engineIds().includes(id), `${id} is not in the registry`);
  });

  it('9: a failing detector rejects with its own error; bad modes and answers are RangeErrors', async () => {
    const err = new Error('unreadable input');
    await assert.rejects(chooseEngine({ mode: 'auto', detect: () => Promise.reject(err) }), (e) => e === err);
    await assert.rejects(chooseEngine({ mode: 'Auto' as EngineChoiceMode, detect: async () => 'music' }), /one of auto, speech, music \("Auto" given\)/);
    await assert.rejects(chooseEngine({ mode: 'auto', detect: async () => 'noise' as ContentKind }), /\("noise" given\)/);
  });
});
