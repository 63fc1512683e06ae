import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findOfficialTemplate, isOfficialTemplateId, officialTemplates, validateTemplateName } from '../../../../src/domain/templates/index.ts';

describe('official templates', () => {
  const list = officialTemplates('test-1234567890');
  it('O1: ids are t0 + 32 lowercase hex, unique and stable', () => {
    const ids = list.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^t0[0-9a-f]{32}$/);
    assert.deepEqual(officialTemplates('other-1250000000').map((t) => t.id), ids);
  });
  it('O2: every preset is Official/Normal, tag matches params, name is valid', () => {
    for (const t of list) {
      assert.equal(t.category, 'Official');
      assert.equal(t.state, 'Normal');
      assert.equal(t.tag, t.params.tag);
      assert.equal(validateTemplateName(t.name), t.name);
      assert.equal(t.bucket, 'test-1234567890');
    }
  });
  it('O3: one preset for each tag at least', () => {
    assert.deepEqual(new Set(list.map((t) => t.tag)), new Set(['VoiceSeparate', 'NoiseReduction', 'Tts', 'SpeechRecognition']));
  });
  it('O4: lookup by id', () => {
    assert.equal(findOfficialTemplate('b-1', list[0]!.id)?.name, list[0]!.name);
    assert.equal(findOfficialTemplate('b-1', 't1460606b9752148c4ab182f55163ba7cd'), undefined);
    assert.equal(isOfficialTemplateId(list[0]!.id), true);
    assert.equal(isOfficialTemplateId('t1460606b9752148c4ab182f55163ba7cd'), false);
  });
});
