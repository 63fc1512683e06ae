import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  newTemplateRecord,
  officialTemplates,
  parseTag,
  updateTemplateRecord,
  validateTemplateParams,
  validateTemplateRequest,
} from '../../../../src/domain/templates/index.ts';
import { assertRejects } from './helpers.ts';

describe('parseTag', () => {
  for (const [n, tag] of [[1, 'VoiceSeparate'], [2, 'NoiseReduction'], [3, 'Tts'], [4, 'SpeechRecognition']] as const) {
    it(`A${n}: ${tag}`, () => assert.equal(parseTag(tag), tag));
  }
  const bad: [number, string | undefined, string | undefined][] = [
    [1, undefined, undefined],
    [2, '', undefined],
    [3, 'Transcode', 'Transcode'],
    [4, 'tts', 'tts'],
    [5, 'All', 'All'],
  ];
  for (const [n, v, shown] of bad) it(`R${n}: ${JSON.stringify(v)}`, () => assertRejects(() => parseTag(v), 'Tag', shown));
});

describe('validateTemplateParams dispatch', () => {
  it('D1: VoiceSeparate', () => assert.equal(validateTemplateParams('VoiceSeparate', { AudioMode: 'IsAudio' }).tag, 'VoiceSeparate'));
  it('D2: NoiseReduction', () => assert.deepEqual(validateTemplateParams('NoiseReduction', { Format: 'mp3' }), { tag: 'NoiseReduction', format: 'mp3' }));
  it('D3: Tts', () => assert.deepEqual(validateTemplateParams('Tts', { Speed: '150' }), { tag: 'Tts', speed: 150 }));
  it('D4: SpeechRecognition', () => assert.equal(validateTemplateParams('SpeechRecognition', { EngineModelType: '8k_en' }).engineModelType, '8k_en'));
  it('D5: errors pass through', () => assertRejects(() => validateTemplateParams('Tts', { Volume: '99' }), 'Volume', '99'));
});

describe('validateTemplateRequest', () => {
  it('V1: name then params', () => {
    const v = validateTemplateRequest({ tag: 'Tts', name: 'tts_1', raw: { Mode: 'Sync' } });
    assert.deepEqual(v, { tag: 'Tts', name: 'tts_1', params: { tag: 'Tts', mode: 'Sync' } });
  });
  it('V2: a bad name is reported before params', () => {
    assertRejects(() => validateTemplateRequest({ tag: 'Tts', name: 'bad name', raw: { Volume: '99' } }), 'Name', 'bad name');
  });
  it('V3: req.path prefixes fields (wrapper form)', () => {
    assertRejects(() => validateTemplateRequest({ tag: 'Tts', name: 'n', raw: { Volume: '99' }, path: 'TtsTpl' }), 'TtsTpl.Volume', '99');
  });
});

describe('template records', () => {
  const request = validateTemplateRequest({ tag: 'NoiseReduction', name: 'nr', raw: { Format: 'wav' } });
  const created = newTemplateRecord({ bucket: 'test-1234567890', request, now: 1_000 });
  it('T1: create → Custom, Normal, t1 id, both times = now', () => {
    assert.match(created.id, /^t1[0-9a-f]{32}$/);
    assert.equal(created.category, 'Custom');
    assert.equal(created.state, 'Normal');
    assert.equal(created.createdAt, 1_000);
    assert.equal(created.updatedAt, 1_000);
    assert.equal(created.tag, 'NoiseReduction');
  });
  it('T2: update replaces name and params, keeps id/createdAt', () => {
    const req2 = validateTemplateRequest({ tag: 'NoiseReduction', name: 'nr2', raw: { Samplerate: '8000' } });
    const updated = updateTemplateRecord(created, req2, 5_000);
    assert.equal(updated.id, created.id);
    assert.equal(updated.name, 'nr2');
    assert.deepEqual(updated.params, { tag: 'NoiseReduction', samplerate: 8000 });
    assert.equal(updated.createdAt, 1_000);
    assert.equal(updated.updatedAt, 5_000);
  });
  it('T3: update with another Tag is rejected on Tag', () => {
    const other = validateTemplateRequest({ tag: 'Tts', name: 'nr', raw: {} });
    assertRejects(() => updateTemplateRecord(created, other, 5_000), 'Tag', 'Tts');
  });
  it('T4: Official templates cannot be updated', () => {
    const official = officialTemplates('test-1234567890').find((t) => t.tag === 'NoiseReduction')!;
    assertRejects(() => updateTemplateRecord(official, request, 5_000), 'TemplateId', official.id);
  });
});
