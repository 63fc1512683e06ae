import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import COS from 'cos-nodejs-sdk-v5';
import { APPID, REGION, call, ciCall, cosClient, startTestServer, type AddressingMode, type TestServer } from '../../helpers/server.ts';
import { CI_TIME_RE, OFFICIAL_ID_RE, TEMPLATE_ID_RE, child, fails, list, names, ok, rawCi, sleep, xmlTree } from './helpers.ts';

/**
 * Templates of the four Smart Audio tags (spec/templates.md) through
 * cos-nodejs-sdk-v5: create / update / query / delete, the XML shape of the
 * answers, GET /template filters and paging, the update/delete rules, a table
 * of bad input that must store nothing, and bucket scoping.
 */
type Tag = 'VoiceSeparate' | 'NoiseReduction' | 'Tts' | 'SpeechRecognition';
const TAGS: Tag[] = ['VoiceSeparate', 'NoiseReduction', 'Tts', 'SpeechRecognition'];
const PARAMS_ELEMENT: Record<Tag, string> = { VoiceSeparate: 'VoiceSeparate', NoiseReduction: 'NoiseReduction', Tts: 'TtsTpl', SpeechRecognition: 'SpeechRecognition' };

/** Create and update bodies per tag (spec/templates.md §1–§4 samples) and the parameter container each must come back as. */
const SAMPLES: Record<Tag, { create: Record<string, unknown>; created: Record<string, unknown>; update: Record<string, unknown>; updated: Record<string, unknown> }> = {
  VoiceSeparate: {
    create: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'aac', Samplerate: '44100', Bitrate: '128', Channels: '4' } },
    created: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'aac', Samplerate: '44100', Bitrate: '128', Channels: '4' } },
    update: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'mp3' } },
    updated: { AudioMode: 'MusicMode', AudioConfig: { Codec: 'mp3', Samplerate: '', Bitrate: '', Channels: '' } },
  },
  NoiseReduction: {
    create: { NoiseReduction: { Format: 'wav', Samplerate: '16000' } },
    created: { Format: 'wav', Samplerate: '16000' },
    // The job spelling SampleRate is accepted on input; templates emit Samplerate (§2 → Impl).
    update: { NoiseReduction: { Format: 'm4a', SampleRate: '48000' } },
    updated: { Format: 'm4a', Samplerate: '48000' },
  },
  Tts: {
    create: { Mode: 'Sync', Codec: 'pcm', VoiceType: 'ruxue', Volume: '2', Speed: '200' },
    created: { Mode: 'Sync', Codec: 'pcm', VoiceType: 'ruxue', Volume: '2', Speed: '200' },
    // `Async` is accepted as an alias and stored as the wire spelling `Asyc` (§3 → Impl).
    update: { Mode: 'Async', Codec: 'pcm', VoiceType: 'aixiaonan', Volume: '-10', Speed: '50' },
    updated: { Mode: 'Asyc', Codec: 'pcm', VoiceType: 'aixiaonan', Volume: '-10', Speed: '50' },
  },
  SpeechRecognition: {
    create: {
      SpeechRecognition: {
        EngineModelType: '16k_zh', ChannelNum: '1', ResTextFormat: '1', FilterDirty: '0', FilterModal: '1', ConvertNumMode: '0',
        SpeakerDiarization: '1', SpeakerNumber: '0', FilterPunc: '0', OutputFileType: 'txt',
      },
    },
    created: {
      EngineModelType: '16k_zh', ChannelNum: '1', ResTextFormat: '1', FilterDirty: '0', FilterModal: '1', ConvertNumMode: '0',
      SpeakerDiarization: '1', SpeakerNumber: '0', FilterPunc: '0', OutputFileType: 'txt',
    },
    update: { SpeechRecognition: { EngineModelType: '16k_en', FlashAsr: 'true', Format: 'mp3', FirstChannelOnly: '0', WordInfo: '1' } },
    updated: {
      EngineModelType: '16k_en', ChannelNum: '', ResTextFormat: '', FilterDirty: '', FilterModal: '', ConvertNumMode: '',
      SpeakerDiarization: '', SpeakerNumber: '', FilterPunc: '', FlashAsr: 'true', Format: 'mp3', FirstChannelOnly: '0', WordInfo: '1',
    },
  },
};

/** Children of each parameter container in the order the spec samples print them. */
const PARAM_ORDER: Record<Tag, string[]> = {
  VoiceSeparate: ['AudioMode', 'AudioConfig'],
  NoiseReduction: ['Format', 'Samplerate'],
  Tts: ['Mode', 'Codec', 'VoiceType', 'Volume', 'Speed'],
  SpeechRecognition: ['EngineModelType', 'ChannelNum', 'ResTextFormat', 'FilterDirty', 'FilterModal', 'ConvertNumMode', 'SpeakerDiarization', 'SpeakerNumber', 'FilterPunc', 'OutputFileType'],
};
const TEMPLATE_ORDER = (tag: Tag) => ['TemplateId', 'Name', 'Tag', 'State', 'BucketId', 'Category', PARAMS_ELEMENT[tag], 'CreateTime', 'UpdateTime'];

const body = (tag: Tag, Name: string, params: Record<string, unknown>) => ({ Request: { Tag: tag, Name, ...params } });

async function enabledBucket(cos: ReturnType<typeof cosClient>, Bucket: string): Promise<void> {
  assert.equal((await call(cos, 'putBucket', { Bucket, Region: REGION })).err, null);
  await ok(cos, { Method: 'POST', Bucket, Path: 'asrbucket' });
}

// ---------------------------------------------------------------- CRUD per tag, both addressing modes

for (const mode of ['ip', 'proxy'] as AddressingMode[]) {
  describe(`template CRUD via cos-nodejs-sdk-v5 (${mode} addressing)`, () => {
    const Bucket = `tpl-crud-${mode}-${APPID}`;
    let server: TestServer;
    let cos: ReturnType<typeof cosClient>;
    before(async () => {
      server = await startTestServer();
      cos = cosClient(server.port, mode);
      await enabledBucket(cos, Bucket);
    });
    after(() => server.close());

    TAGS.forEach((tag, i) => {
      test(`${i + 1}. ${tag}: create → query → update → query → delete → gone`, async () => {
        const s = SAMPLES[tag];
        const p = PARAMS_ELEMENT[tag];
        const c = await ok(cos, { Method: 'POST', Bucket, Path: 'template', Body: body(tag, `${tag}-crud`, s.create) });
        const t = c.Template;
        assert.match(t.TemplateId, TEMPLATE_ID_RE);
        assert.equal(t.Name, `${tag}-crud`);
        assert.equal(t.Tag, tag);
        assert.equal(t.State, 'Normal');
        assert.equal(t.BucketId, Bucket);
        assert.equal(t.Category, 'Custom');
        assert.deepEqual(t[p], s.created);
        assert.match(t.CreateTime, CI_TIME_RE);
        assert.equal(t.UpdateTime, t.CreateTime);

        const q1 = await ok(cos, { Method: 'GET', Bucket, Path: 'template', Query: { ids: t.TemplateId } });
        assert.equal(q1.TotalCount, '1');
        assert.deepEqual(list(q1.TemplateList), [t], 'the list element has the same children as <Template>');

        await sleep(1100); // UpdateTime has one-second resolution
        const u = await ok(cos, { Method: 'PUT', Bucket, Path: `template/${t.TemplateId}`, Body: body(tag, `${tag}-renamed`, s.update) });
        assert.equal(u.Template.TemplateId, t.TemplateId);
        assert.equal(u.Template.Name, `${tag}-renamed`);
        assert.deepEqual(u.Template[p], s.updated, 'full replacement: what was not sent is not kept');
        assert.equal(u.Template.CreateTime, t.CreateTime);
        assert.ok(u.Template.UpdateTime > t.CreateTime, `UpdateTime ${u.Template.UpdateTime} after CreateTime ${t.CreateTime}`);
        const q2 = await ok(cos, { Method: 'GET', Bucket, Path: 'template', Query: { tag, name: `${tag}-renamed` } });
        assert.deepEqual(list(q2.TemplateList), [u.Template]);

        const d = await ok(cos, { Method: 'DELETE', Bucket, Path: `template/${t.TemplateId}` });
        assert.deepEqual(Object.keys(d).sort(), ['RequestId', 'TemplateId']);
        assert.equal(d.TemplateId, t.TemplateId);
        const q3 = await ok(cos, { Method: 'GET', Bucket, Path: 'template', Query: { ids: t.TemplateId } });
        assert.equal(q3.TotalCount, '0');
        assert.deepEqual(list(q3.TemplateList), []);
        assert.deepEqual(list(q3.NonExistTIDs.TemplateId), [t.TemplateId]);
        await fails(cos, { Method: 'DELETE', Bucket, Path: `template/${t.TemplateId}` }, 400, 'InvalidArgument', /TemplateNotFound/, new RegExp(t.TemplateId));
        await fails(cos, { Method: 'PUT', Bucket, Path: `template/${t.TemplateId}`, Body: body(tag, 'x', s.create) }, 400, 'InvalidArgument', /TemplateNotFound/);
      });
    });
  });
}

// ---------------------------------------------------------------- everything else, one server

describe('templates via cos-nodejs-sdk-v5', () => {
  const A = `tpl-a-${APPID}`;
  const B = `tpl-b-${APPID}`;
  const LIST = `tpl-list-${APPID}`;
  const UNBOUND = `tpl-unbound-${APPID}`;
  let server: TestServer;
  let cos: ReturnType<typeof cosClient>;

  const create = (Bucket: string, tag: Tag, Name: string, params: Record<string, unknown> = SAMPLES[tag].create) =>
    ok(cos, { Method: 'POST', Bucket, Path: 'template', Body: body(tag, Name, params) }).then((r) => r.Template);
  const query = (Bucket: string, Query: Record<string, string>) => ok(cos, { Method: 'GET', Bucket, Path: 'template', Query });
  const count = async (Bucket: string) => Number((await query(Bucket, { tag: 'All', category: 'Custom' })).TotalCount);

  before(async () => {
    server = await startTestServer({ 'max-xml-body': '8192' });
    cos = cosClient(server.port, 'ip');
    for (const b of [A, B, LIST]) await enabledBucket(cos, b);
    assert.equal((await call(cos, 'putBucket', { Bucket: UNBOUND, Region: REGION })).err, null);
  });
  after(() => server.close());

  test('1. raw XML of create / query / delete: element names and order of the spec examples', async () => {
    for (const tag of TAGS) {
      const xml: string = (COS as any).util.json2xml(body(tag, `shape-${tag}`, SAMPLES[tag].create));
      const res = await rawCi(server.port, 'POST', A, '/template', { body: xml });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/xml');
      const root = xmlTree(res.body);
      assert.equal(root.name, 'Response');
      assert.deepEqual(names(root), ['RequestId', 'Template'], tag);
      const t = child(root, 'Template')!;
      assert.deepEqual(names(t), TEMPLATE_ORDER(tag), tag);
      assert.deepEqual(names(child(t, PARAMS_ELEMENT[tag])), PARAM_ORDER[tag], tag);
      if (tag === 'VoiceSeparate') assert.deepEqual(names(child(child(t, 'VoiceSeparate'), 'AudioConfig')), ['Codec', 'Samplerate', 'Bitrate', 'Channels']);
      const id = child(t, 'TemplateId')!.text;
      assert.match(id, TEMPLATE_ID_RE);
      assert.match(child(t, 'CreateTime')!.text, CI_TIME_RE);
      assert.match(child(t, 'UpdateTime')!.text, CI_TIME_RE);

      const listed = await rawCi(server.port, 'GET', A, '/template', { rawQuery: `ids=${id},t1nope` });
      const lroot = xmlTree(listed.body);
      assert.deepEqual(names(lroot), ['RequestId', 'TotalCount', 'PageNumber', 'PageSize', 'TemplateList', 'NonExistTIDs'], tag);
      assert.deepEqual(names(child(lroot, 'TemplateList')), TEMPLATE_ORDER(tag), tag);
      assert.deepEqual(names(child(lroot, 'NonExistTIDs')), ['TemplateId']);

      const del = await rawCi(server.port, 'DELETE', A, `/template/${id}`);
      assert.equal(del.status, 200);
      assert.equal(del.headers['content-type'], 'application/xml');
      assert.deepEqual(names(xmlTree(del.body)), ['RequestId', 'TemplateId'], 'DELETE answers with an XML body (spec/clients.md §3)');
    }
  });

  describe('2. GET /template filters and paging', () => {
    // Newest first: created in this order, listed in reverse.
    const made: Array<{ id: string; name: string; tag: Tag }> = [];
    const byName = (...ns: string[]) => ns.map((n) => made.find((m) => m.name === n)!.id);
    const ids = (r: any) => list(r.TemplateList).map((t: any) => t.TemplateId);
    before(async () => {
      const plan: Array<[Tag, string]> = [
        ['VoiceSeparate', 'vs-one'], ['VoiceSeparate', 'vs-two'], ['NoiseReduction', 'nr-one'], ['Tts', 'tts-one'],
        ['SpeechRecognition', 'asr-one'], ['Tts', 'wild_1'], ['Tts', 'wildX1'],
      ];
      for (const [tag, name] of plan) {
        made.push({ id: (await create(LIST, tag, name)).TemplateId, name, tag });
        await sleep(5);
      }
    });
    const newestFirst = (...ns: string[]) => byName(...ns).sort((x, y) => made.findIndex((m) => m.id === y) - made.findIndex((m) => m.id === x));

    test('2.1 tag: each tag, All, empty, media tags (empty list), case-insensitive parameter name', async () => {
      const cases: Array<[Record<string, string>, string[]]> = [
        [{ tag: 'VoiceSeparate' }, newestFirst('vs-one', 'vs-two')],
        [{ tag: 'NoiseReduction' }, newestFirst('nr-one')],
        [{ tag: 'Tts' }, newestFirst('tts-one', 'wild_1', 'wildX1')],
        [{ tag: 'SpeechRecognition' }, newestFirst('asr-one')],
        [{ tag: 'All' }, newestFirst(...made.map((m) => m.name))],
        [{ tag: '' }, newestFirst(...made.map((m) => m.name))],
        [{}, newestFirst(...made.map((m) => m.name))],
        [{ tag: 'Transcode' }, []],
        [{ tag: 'Snapshot' }, []],
        [{ Tag: 'NoiseReduction', Category: 'Custom' }, newestFirst('nr-one')],
      ];
      for (const [q, want] of cases) {
        const r = await query(LIST, { pageSize: '100', ...q });
        assert.deepEqual(ids(r), want, JSON.stringify(q));
        assert.equal(r.TotalCount, String(want.length), JSON.stringify(q));
        for (const t of list(r.TemplateList)) assert.equal(t.Category, 'Custom');
      }
      for (const [tag, re] of [['Bogus', /tag: "Bogus" is not a template tag/], ['tts', /tag: "tts"/], ['Tts,Bogus', /tag: "Bogus"/]] as const) {
        await fails(cos, { Method: 'GET', Bucket: LIST, Path: 'template', Query: { tag } }, 400, 'InvalidArgument', re);
      }
    });

    test('2.2 category: Custom (default), Official (t0 ids), Official + tag; bad category → 400', async () => {
      const off = await query(LIST, { category: 'Official', pageSize: '100' });
      const offs = list(off.TemplateList);
      assert.ok(offs.length >= 4, 'official presets exist');
      assert.equal(off.TotalCount, String(offs.length));
      for (const t of offs) {
        assert.match(t.TemplateId, OFFICIAL_ID_RE);
        assert.equal(t.Category, 'Official');
        assert.equal(t.BucketId, LIST);
        assert.match(t.CreateTime, CI_TIME_RE);
        assert.ok(TAGS.includes(t.Tag));
      }
      for (const tag of TAGS) {
        const r = await query(LIST, { category: 'Official', tag });
        assert.ok(list(r.TemplateList).length >= 1, `an official ${tag} template`);
        assert.ok(list(r.TemplateList).every((t: any) => t.Tag === tag));
      }
      assert.equal((await query(LIST, { category: 'Official', tag: 'Transcode' })).TotalCount, '0');
      assert.equal((await query(LIST, { category: 'Custom', pageSize: '100' })).TotalCount, String(made.length));
      for (const category of ['Bogus', 'custom']) {
        await fails(cos, { Method: 'GET', Bucket: LIST, Path: 'template', Query: { category } }, 400, 'InvalidArgument', new RegExp(`category: "${category}"`));
      }
    });

    test('2.3 ids: listed newest first, unknown ids in NonExistTIDs (official ids too, in Custom)', async () => {
      const official = list((await query(LIST, { category: 'Official' })).TemplateList)[0].TemplateId;
      const [one, nr] = byName('vs-one', 'nr-one');
      const r = await query(LIST, { ids: `${one},t1ffffffffffffffffffffffffffffffff,${nr},${official}` });
      assert.deepEqual(ids(r), [nr, one]);
      assert.equal(r.TotalCount, '2');
      assert.deepEqual(list(r.NonExistTIDs.TemplateId), ['t1ffffffffffffffffffffffffffffffff', official]);
      const o = await query(LIST, { category: 'Official', ids: official });
      assert.deepEqual(ids(o), [official]);
      assert.equal(o.NonExistTIDs, undefined);
      const none = await query(LIST, { ids: 'bad-id!,t1x' });
      assert.deepEqual(ids(none), []);
      assert.deepEqual(list(none.NonExistTIDs.TemplateId), ['bad-id!', 't1x']);
      const withTag = await query(LIST, { ids: `${one},${nr}`, tag: 'NoiseReduction' });
      assert.deepEqual(ids(withTag), [nr], 'ids and tag combine');
    });

    test('2.4 name prefix: literal (no wildcards), case-sensitive, combined with tag', async () => {
      const cases: Array<[Record<string, string>, string[]]> = [
        [{ name: 'vs-' }, newestFirst('vs-one', 'vs-two')],
        [{ name: 'wild_' }, newestFirst('wild_1')],
        [{ name: 'wild' }, newestFirst('wild_1', 'wildX1')],
        [{ name: 'VS-' }, []],
        [{ name: 'tts-one' }, newestFirst('tts-one')],
        [{ name: 'tts-one-longer' }, []],
        [{ name: 'wild', tag: 'VoiceSeparate' }, []],
        [{ name: '' }, newestFirst(...made.map((m) => m.name))],
      ];
      for (const [q, want] of cases) {
        const r = await query(LIST, { pageSize: '100', ...q });
        assert.deepEqual(ids(r), want, JSON.stringify(q));
        assert.equal(r.TotalCount, String(want.length), JSON.stringify(q));
      }
      await fails(cos, { Method: 'GET', Bucket: LIST, Path: 'template', Query: { name: 'n'.repeat(65) } }, 400, 'InvalidArgument', /name: is longer than 64/);
    });

    test('2.5 paging: TotalCount, PageNumber, PageSize echoed, newest first across pages', async () => {
      const all = newestFirst(...made.map((m) => m.name));
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const r = await query(LIST, { pageNumber: String(page), pageSize: '3' });
        assert.equal(r.TotalCount, String(all.length));
        assert.equal(r.PageNumber, String(page));
        assert.equal(r.PageSize, '3');
        assert.deepEqual(ids(r), all.slice((page - 1) * 3, page * 3), `page ${page}`);
        seen.push(...ids(r));
      }
      assert.deepEqual(seen, all);
      const d = await query(LIST, {});
      assert.equal(d.PageNumber, '1');
      assert.equal(d.PageSize, '10');
      const far = await query(LIST, { pageNumber: '1000000' });
      assert.deepEqual(ids(far), []);
      assert.equal(far.TotalCount, String(all.length));
    });

    test('2.6 bad paging → 400 InvalidArgument: huge pageSize, negative/zero pageNumber, non-numbers', async () => {
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ pageSize: '101' }, /pageSize: 101/],
        [{ pageSize: '1000' }, /pageSize: 1000/],
        [{ pageSize: '99999999999999999999' }, /pageSize: "99999999999999999999"/],
        [{ pageSize: '0' }, /pageSize: 0/],
        [{ pageSize: '-5' }, /pageSize: "-5"/],
        [{ pageNumber: '-1' }, /pageNumber: "-1"/],
        [{ pageNumber: '0' }, /pageNumber: 0/],
        [{ pageNumber: '1e3' }, /pageNumber: "1e3"/],
        [{ pageNumber: '1000001' }, /pageNumber: 1000001/],
      ];
      for (const [Query, re] of cases) await fails(cos, { Method: 'GET', Bucket: LIST, Path: 'template', Query }, 400, 'InvalidArgument', re);
    });
  });

  test('3. update with a different Tag → 400; the stored template is unchanged', async () => {
    const t = await create(A, 'Tts', 'tag-change');
    await fails(cos, { Method: 'PUT', Bucket: A, Path: `template/${t.TemplateId}`, Body: body('NoiseReduction', 'tag-change', SAMPLES.NoiseReduction.create) }, 400, 'InvalidArgument', /Tag: "NoiseReduction" does not match/);
    assert.deepEqual(list((await query(A, { ids: t.TemplateId })).TemplateList), [t]);
  });

  test('4. update/delete of an unknown id → 400 TemplateNotFound', async () => {
    for (const id of ['t1ffffffffffffffffffffffffffffffff', 'nope', 'x'.repeat(300)]) {
      await fails(cos, { Method: 'PUT', Bucket: A, Path: `template/${id}`, Body: body('Tts', 'x', SAMPLES.Tts.create) }, 400, 'InvalidArgument', /TemplateNotFound/);
      await fails(cos, { Method: 'DELETE', Bucket: A, Path: `template/${id}` }, 400, 'InvalidArgument', /TemplateNotFound/);
    }
  });

  test('5. update/delete of an official template → 400; it is still listed', async () => {
    const offs = list((await query(A, { category: 'Official', pageSize: '100' })).TemplateList);
    for (const o of offs) {
      await fails(cos, { Method: 'PUT', Bucket: A, Path: `template/${o.TemplateId}`, Body: body(o.Tag, 'mine', SAMPLES[o.Tag as Tag].create) }, 400, 'InvalidArgument', /[Oo]fficial/, new RegExp(o.TemplateId));
      await fails(cos, { Method: 'DELETE', Bucket: A, Path: `template/${o.TemplateId}` }, 400, 'InvalidArgument', /[Oo]fficial/, new RegExp(o.TemplateId));
    }
    assert.deepEqual(list((await query(A, { category: 'Official', pageSize: '100' })).TemplateList), offs);
  });

  test('6. duplicate names: same tag → 400 TemplateNameDuplicate; another tag is fine; rename onto a taken name → 400', async () => {
    const first = await create(A, 'NoiseReduction', 'dup-name');
    const before = await count(A);
    await fails(cos, { Method: 'POST', Bucket: A, Path: 'template', Body: body('NoiseReduction', 'dup-name', SAMPLES.NoiseReduction.update) }, 400, 'InvalidArgument', /TemplateNameDuplicate/, /dup-name/);
    assert.equal(await count(A), before);
    const other = await create(A, 'Tts', 'dup-name');
    assert.equal(other.Name, 'dup-name');
    const second = await create(A, 'NoiseReduction', 'dup-name-2');
    await fails(cos, { Method: 'PUT', Bucket: A, Path: `template/${second.TemplateId}`, Body: body('NoiseReduction', 'dup-name', SAMPLES.NoiseReduction.create) }, 400, 'InvalidArgument', /TemplateNameDuplicate/);
    assert.equal(list((await query(A, { ids: second.TemplateId })).TemplateList)[0].Name, 'dup-name-2');
    // Keeping one's own name on update is not a clash.
    const same = await ok(cos, { Method: 'PUT', Bucket: A, Path: `template/${first.TemplateId}`, Body: body('NoiseReduction', 'dup-name', SAMPLES.NoiseReduction.update) });
    assert.equal(same.Template.Name, 'dup-name');
    // Names are per bucket: B may reuse it.
    assert.equal((await create(B, 'NoiseReduction', 'dup-name')).Name, 'dup-name');
  });

  test('7. Unicode names: Chinese (BMP and CJK extension B), 64 Han characters, prefix query', async () => {
    const unicodeNames = ['语音合成模板', '混合Mix_1-*', '𠀀𠀁模板', '中'.repeat(64)];
    const created = [];
    for (const n of unicodeNames) {
      const t = await create(A, 'Tts', n);
      assert.equal(t.Name, n);
      created.push(t);
    }
    const cases: Array<[string, number]> = [['语音', 0], ['混合', 1], ['𠀀', 2], ['𠀀𠀁', 2], ['中中中', 3]];
    for (const [prefix, i] of cases) {
      const r = await query(A, { name: prefix, tag: 'Tts' });
      assert.deepEqual(list(r.TemplateList).map((t: any) => t.TemplateId), [created[i]!.TemplateId], `prefix ${prefix}`);
      assert.equal(list(r.TemplateList)[0].Name, unicodeNames[i]);
    }
  });

  describe('8. bad input → 400 InvalidArgument naming the field path and value; nothing stored', () => {
    const ac = (codec?: string, sr?: string, ch?: string, br?: string) =>
      (codec !== undefined ? `<Codec>${codec}</Codec>` : '') + (sr ? `<Samplerate>${sr}</Samplerate>` : '') + (br ? `<Bitrate>${br}</Bitrate>` : '') + (ch ? `<Channels>${ch}</Channels>` : '');
    const vs = (cfg: string, mode = 'IsAudio') => `<Request><Tag>VoiceSeparate</Tag><Name>bad</Name><AudioMode>${mode}</AudioMode><AudioConfig>${cfg}</AudioConfig></Request>`;
    const nr = (inner: string) => `<Request><Tag>NoiseReduction</Tag><Name>bad</Name>${inner}</Request>`;
    const tts = (inner: string) => `<Request><Tag>Tts</Tag><Name>bad</Name>${inner}</Request>`;
    const asr = (inner: string) => `<Request><Tag>SpeechRecognition</Tag><Name>bad</Name><SpeechRecognition>${inner}</SpeechRecognition></Request>`;
    const named = (name: string) => `<Request><Tag>Tts</Tag><Name>${name}</Name><Mode>Sync</Mode></Request>`;
    type Case = { n: number; what: string; body: string; message: RegExp; code?: string };
    const cases: Case[] = [
      // VoiceSeparate (§1): AudioMode, codec × samplerate × channels × bitrate, wav, MusicMode
      { n: 1, what: 'VS AudioMode missing', body: `<Request><Tag>VoiceSeparate</Tag><Name>bad</Name><AudioConfig>${ac('aac')}</AudioConfig></Request>`, message: /AudioMode: is required/ },
      { n: 2, what: 'VS AudioMode unknown', body: vs(ac('aac'), 'VoiceOnly'), message: /AudioMode: "VoiceOnly" is not one of/ },
      { n: 3, what: 'VS Codec unknown', body: vs(ac('ogg')), message: /AudioConfig\.Codec: "ogg" is not one of/ },
      { n: 4, what: 'VS aac + 8000 Hz', body: vs(ac('aac', '8000')), message: /AudioConfig\.Samplerate: "8000" is not allowed with Codec aac/ },
      { n: 5, what: 'VS flac + 8000 Hz', body: vs(ac('flac', '8000')), message: /AudioConfig\.Samplerate: "8000" is not allowed with Codec flac/ },
      { n: 6, what: 'VS mp3 + 96000 Hz', body: vs(ac('mp3', '96000')), message: /AudioConfig\.Samplerate: "96000" is not allowed with Codec mp3/ },
      { n: 7, what: 'VS mp3 + 8000 Hz', body: vs(ac('mp3', '8000')), message: /AudioConfig\.Samplerate: "8000" is not allowed with Codec mp3/ },
      { n: 8, what: 'VS amr + 44100 Hz', body: vs(ac('amr', '44100')), message: /AudioConfig\.Samplerate: "44100" is not allowed with Codec amr/ },
      { n: 9, what: 'VS amr + 2 channels', body: vs(ac('amr', '8000', '2')), message: /AudioConfig\.Channels: "2" is not allowed with Codec amr/ },
      { n: 10, what: 'VS mp3 + 4 channels', body: vs(ac('mp3', '44100', '4')), message: /AudioConfig\.Channels: "4" is not allowed with Codec mp3/ },
      { n: 11, what: 'VS aac + 3 channels', body: vs(ac('aac', '44100', '3')), message: /AudioConfig\.Channels: "3" is not one of/ },
      { n: 12, what: 'VS default codec (aac) + 8000 Hz', body: vs(ac(undefined, '8000')), message: /AudioConfig\.Samplerate: "8000" is not allowed with Codec aac \(the default\)/ },
      { n: 13, what: 'VS Bitrate 7', body: vs(ac('aac', '44100', '2', '7')), message: /AudioConfig\.Bitrate: "7" is out of range \[8, 1000\]/ },
      { n: 14, what: 'VS Bitrate 1001', body: vs(ac('mp3', '44100', '2', '1001')), message: /AudioConfig\.Bitrate: "1001" is out of range/ },
      { n: 15, what: 'VS Bitrate not a number', body: vs(ac('aac', undefined, undefined, '128k')), message: /AudioConfig\.Bitrate: "128k" is not a decimal integer/ },
      { n: 16, what: 'VS wav + unlisted rate', body: vs(ac('wav', '12345')), message: /AudioConfig\.Samplerate: "12345" is not one of/ },
      { n: 17, what: 'VS wav + 3 channels', body: vs(ac('wav', '44100', '3')), message: /AudioConfig\.Channels: "3" is not one of/ },
      { n: 18, what: 'VS wav + Bitrate out of range', body: vs(ac('wav', '44100', '2', '5000')), message: /AudioConfig\.Bitrate: "5000" is out of range/ },
      { n: 19, what: 'VS MusicMode + flac', body: vs(ac('flac'), 'MusicMode'), message: /AudioConfig\.Codec: "flac" is not allowed with AudioMode MusicMode/ },
      { n: 20, what: 'VS MusicMode + amr', body: vs(ac('amr'), 'MusicMode'), message: /AudioConfig\.Codec: "amr" is not allowed with AudioMode MusicMode/ },
      { n: 21, what: 'VS non-canonical Samplerate', body: vs(ac('aac', '044100')), message: /AudioConfig\.Samplerate: "044100" is not a decimal integer/ },
      { n: 22, what: 'VS params both direct and wrapped', body: `<Request><Tag>VoiceSeparate</Tag><Name>bad</Name><AudioMode>IsAudio</AudioMode><VoiceSeparate><AudioMode>IsAudio</AudioMode></VoiceSeparate></Request>`, message: /VoiceSeparate: send the parameters either directly/ },
      // NoiseReduction (§2)
      { n: 23, what: 'NR container missing', body: nr(''), message: /NoiseReduction: is required but missing/ },
      { n: 24, what: 'NR Format unknown', body: nr('<NoiseReduction><Format>ogg</Format></NoiseReduction>'), message: /NoiseReduction\.Format: "ogg" is not one of mp3, m4a, wav/ },
      { n: 25, what: 'NR Samplerate not listed', body: nr('<NoiseReduction><Samplerate>22050</Samplerate></NoiseReduction>'), message: /NoiseReduction\.Samplerate: "22050" is not one of/ },
      { n: 26, what: 'NR SampleRate (job spelling) not listed', body: nr('<NoiseReduction><SampleRate>11025</SampleRate></NoiseReduction>'), message: /NoiseReduction\.SampleRate: "11025" is not one of/ },
      { n: 27, what: 'NR both spellings disagree', body: nr('<NoiseReduction><Samplerate>16000</Samplerate><SampleRate>8000</SampleRate></NoiseReduction>'), message: /NoiseReduction\.SampleRate: "8000" disagrees with Samplerate "16000"/ },
      // Tts (§3)
      { n: 28, what: 'Tts Mode unknown', body: tts('<Mode>Stream</Mode>'), message: /Mode: "Stream" is not one of Asyc, Sync/ },
      { n: 29, what: 'Tts Mode Asyc + mp3', body: tts('<Mode>Asyc</Mode><Codec>mp3</Codec>'), message: /Codec: "mp3" is not allowed: Mode Asyc only supports pcm/ },
      { n: 30, what: 'Tts default mode + wav', body: tts('<Codec>wav</Codec>'), message: /Codec: "wav" is not allowed: Mode defaults to Asyc/ },
      { n: 31, what: 'Tts Codec unknown', body: tts('<Mode>Sync</Mode><Codec>ogg</Codec>'), message: /Codec: "ogg" is not one of wav, mp3, pcm/ },
      { n: 32, what: 'Tts VoiceType unknown', body: tts('<Mode>Sync</Mode><VoiceType>bob</VoiceType>'), message: /VoiceType: "bob" is not one of/ },
      { n: 33, what: 'Tts Volume 11', body: tts('<Volume>11</Volume>'), message: /Volume: "11" is out of range \[-10, 10\]/ },
      { n: 34, what: 'Tts Volume -11', body: tts('<Volume>-11</Volume>'), message: /Volume: "-11" is out of range/ },
      { n: 35, what: 'Tts Speed 49', body: tts('<Speed>49</Speed>'), message: /Speed: "49" is out of range \[50, 200\]/ },
      { n: 36, what: 'Tts Speed 201', body: tts('<Speed>201</Speed>'), message: /Speed: "201" is out of range/ },
      { n: 37, what: 'Tts Speed fractional', body: tts('<Speed>1.5</Speed>'), message: /Speed: "1\.5" is not a decimal integer/ },
      // SpeechRecognition (§4)
      { n: 38, what: 'ASR container missing', body: `<Request><Tag>SpeechRecognition</Tag><Name>bad</Name></Request>`, message: /SpeechRecognition: is required but missing/ },
      { n: 39, what: 'ASR EngineModelType missing', body: asr('<ChannelNum>1</ChannelNum>'), message: /SpeechRecognition\.EngineModelType: is required/ },
      { n: 40, what: 'ASR engine unknown', body: asr('<EngineModelType>16k_fr</EngineModelType>'), message: /SpeechRecognition\.EngineModelType: "16k_fr" is not one of/ },
      { n: 41, what: 'ASR ChannelNum 2 on 16k_zh', body: asr('<EngineModelType>16k_zh</EngineModelType><ChannelNum>2</ChannelNum>'), message: /SpeechRecognition\.ChannelNum: "2" is not allowed with EngineModelType 16k_zh/ },
      { n: 42, what: 'ASR ChannelNum 3', body: asr('<EngineModelType>8k_zh</EngineModelType><ChannelNum>3</ChannelNum>'), message: /SpeechRecognition\.ChannelNum: "3" is not one of 1, 2/ },
      { n: 43, what: 'ASR ResTextFormat 4', body: asr('<EngineModelType>16k_zh</EngineModelType><ResTextFormat>4</ResTextFormat>'), message: /SpeechRecognition\.ResTextFormat: "4"/ },
      { n: 44, what: 'ASR FilterDirty 3', body: asr('<EngineModelType>16k_zh</EngineModelType><FilterDirty>3</FilterDirty>'), message: /SpeechRecognition\.FilterDirty: "3"/ },
      { n: 45, what: 'ASR ConvertNumMode 2', body: asr('<EngineModelType>16k_zh</EngineModelType><ConvertNumMode>2</ConvertNumMode>'), message: /SpeechRecognition\.ConvertNumMode: "2" is not one of 0, 1, 3/ },
      { n: 46, what: 'ASR diarization on an English engine', body: asr('<EngineModelType>16k_en</EngineModelType><SpeakerDiarization>1</SpeakerDiarization>'), message: /SpeechRecognition\.SpeakerDiarization: "1" is not allowed with EngineModelType 16k_en/ },
      { n: 47, what: 'ASR SpeakerNumber 11', body: asr('<EngineModelType>16k_zh</EngineModelType><SpeakerNumber>11</SpeakerNumber>'), message: /SpeechRecognition\.SpeakerNumber: "11" is out of range \[0, 10\]/ },
      { n: 48, what: 'ASR OutputFileType unknown', body: asr('<EngineModelType>16k_zh</EngineModelType><OutputFileType>doc</OutputFileType>'), message: /SpeechRecognition\.OutputFileType: "doc" is not one of txt, srt/ },
      { n: 49, what: 'ASR flash on a non-flash engine', body: asr('<EngineModelType>16k_ca</EngineModelType><FlashAsr>true</FlashAsr><Format>mp3</Format>'), message: /SpeechRecognition\.FlashAsr: "true" is not allowed with EngineModelType 16k_ca/ },
      { n: 50, what: 'ASR flash without Format', body: asr('<EngineModelType>16k_zh</EngineModelType><FlashAsr>true</FlashAsr>'), message: /SpeechRecognition\.Format: is required when FlashAsr is true/ },
      { n: 51, what: 'ASR flash + srt', body: asr('<EngineModelType>16k_zh</EngineModelType><FlashAsr>true</FlashAsr><Format>wav</Format><OutputFileType>srt</OutputFileType>'), message: /SpeechRecognition\.OutputFileType: "srt" is not allowed with FlashAsr true/ },
      { n: 52, what: 'ASR FlashAsr not a boolean', body: asr('<EngineModelType>16k_zh</EngineModelType><FlashAsr>yes</FlashAsr>'), message: /SpeechRecognition\.FlashAsr: "yes" is not one of true, false/ },
      { n: 53, what: 'ASR flash Format unknown', body: asr('<EngineModelType>16k_zh</EngineModelType><FlashAsr>true</FlashAsr><Format>flac</Format>'), message: /SpeechRecognition\.Format: "flac" is not one of/ },
      // Name (§0) and Tag
      { n: 54, what: 'Name missing', body: `<Request><Tag>Tts</Tag><Mode>Sync</Mode></Request>`, message: /Name: is required/ },
      { n: 55, what: 'Name with a space', body: named('my template'), message: /Name: "my template" contains characters other than/ },
      { n: 56, what: 'Name with a dot', body: named('a.b'), message: /Name: "a\.b" contains characters other than/ },
      { n: 57, what: 'Name with an emoji', body: named('tpl😀'), message: /Name: "tpl😀" contains characters other than/ },
      { n: 58, what: 'Name of 65 ASCII characters', body: named('a'.repeat(65)), message: /Name: "a{64}…" has 65 characters; at most 64/ },
      { n: 59, what: 'Name of 65 Chinese characters', body: named('模'.repeat(65)), message: /Name: "模{64}…" has 65 characters; at most 64/ },
      { n: 60, what: 'Name with a full-width letter', body: named('ＡＢＣ'), message: /Name: "ＡＢＣ" contains characters other than/ },
      { n: 61, what: 'Tag missing', body: `<Request><Name>bad</Name><Mode>Sync</Mode></Request>`, message: /Tag: is required/ },
      { n: 62, what: 'Tag of a media template', body: `<Request><Tag>Transcode</Tag><Name>bad</Name></Request>`, message: /Tag: "Transcode" is not one of VoiceSeparate, NoiseReduction, Tts, SpeechRecognition/ },
      // XML structure
      { n: 63, what: 'repeated Name', body: `<Request><Tag>Tts</Tag><Name>a</Name><Name>b</Name></Request>`, message: /Name: element is repeated/ },
      { n: 64, what: 'repeated parameter', body: tts('<Speed>100</Speed><Speed>120</Speed>'), message: /Speed: element is repeated/ },
      { n: 65, what: 'AudioConfig as text', body: `<Request><Tag>VoiceSeparate</Tag><Name>bad</Name><AudioMode>IsAudio</AudioMode><AudioConfig>aac</AudioConfig></Request>`, message: /AudioConfig: expected child elements, got text "aac"/ },
      { n: 66, what: 'wrong root element', body: `<Template><Tag>Tts</Tag><Name>bad</Name></Template>`, message: /Unexpected root element <Template>/ },
      { n: 67, what: 'malformed XML', body: `<Request><Tag>Tts</Tag><Name>bad</Request>`, code: 'InvalidContent', message: /Malformed XML/ },
    ];

    let before0: number;
    before(async () => {
      before0 = await count(A);
    });
    for (const c of cases) {
      const code = c.code ?? 'InvalidArgument';
      test(`8.${c.n}. ${c.what} → 400 ${code}`, async () => {
        await fails(cos, { Method: 'POST', Bucket: A, Path: 'template', Body: c.body }, 400, code, c.message);
        assert.equal(await count(A), before0, 'nothing stored');
      });
    }

    test('8.68. the same bad bodies as updates change nothing', async () => {
      const t = await create(A, 'Tts', 'update-target', { Mode: 'Sync', Codec: 'mp3' });
      const snapshot = list((await query(A, { ids: t.TemplateId })).TemplateList);
      for (const c of cases.filter((x) => x.body.includes('<Tag>Tts</Tag>') && !x.body.includes('<Name>a</Name>'))) {
        await fails(cos, { Method: 'PUT', Bucket: A, Path: `template/${t.TemplateId}`, Body: c.body }, 400, c.code ?? 'InvalidArgument', c.message);
      }
      assert.deepEqual(list((await query(A, { ids: t.TemplateId })).TemplateList), snapshot);
      await ok(cos, { Method: 'DELETE', Bucket: A, Path: `template/${t.TemplateId}` });
    });

    test('8.69. body over the XML limit → 413 InvalidContent, nothing stored', async () => {
      const big = `<Request><Tag>Tts</Tag><Name>big</Name><Pad>${'x'.repeat(9000)}</Pad></Request>`;
      await fails(cos, { Method: 'POST', Bucket: A, Path: 'template', Body: big }, 413, 'InvalidContent', /limit is 8192/);
      assert.equal(await count(A), before0);
    });
  });

  test('9. accepted edges of the rules (each created, echoed, then deleted)', async () => {
    const cases: Array<[string, Tag, Record<string, unknown>, (t: any) => void]> = [
      ['9.1 wav + 8000 Hz + 8 channels, Bitrate ignored but valid', 'VoiceSeparate', { AudioMode: 'IsBackground', AudioConfig: { Codec: 'wav', Samplerate: '8000', Channels: '8', Bitrate: '8' } }, (t) => assert.equal(t.VoiceSeparate.AudioConfig.Channels, '8')],
      ['9.2 wav + 96000 Hz', 'VoiceSeparate', { AudioMode: 'AudioAndBackground', AudioConfig: { Codec: 'wav', Samplerate: '96000' } }, (t) => assert.equal(t.VoiceSeparate.AudioConfig.Samplerate, '96000')],
      ['9.3 amr + 8000 Hz + mono', 'VoiceSeparate', { AudioMode: 'IsAudio', AudioConfig: { Codec: 'amr', Samplerate: '8000', Channels: '1', Bitrate: '12' } }, (t) => assert.equal(t.VoiceSeparate.AudioConfig.Codec, 'amr')],
      ['9.4 mp3 + 48000 Hz + stereo + 1000 kbps', 'VoiceSeparate', { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Samplerate: '48000', Channels: '2', Bitrate: '1000' } }, (t) => assert.equal(t.VoiceSeparate.AudioConfig.Bitrate, '1000')],
      ['9.5 flac + 11025 Hz + 6 channels', 'VoiceSeparate', { AudioMode: 'IsAudio', AudioConfig: { Codec: 'flac', Samplerate: '11025', Channels: '6' } }, (t) => assert.equal(t.VoiceSeparate.AudioConfig.Samplerate, '11025')],
      ['9.6 MusicMode + mp3 + 96000 Hz (matrix ignored in MusicMode)', 'VoiceSeparate', { AudioMode: 'MusicMode', AudioConfig: { Codec: 'mp3', Samplerate: '96000' } }, (t) => assert.equal(t.VoiceSeparate.AudioMode, 'MusicMode')],
      ['9.7 no AudioConfig at all', 'VoiceSeparate', { AudioMode: 'IsAudio' }, (t) => assert.deepEqual(t.VoiceSeparate.AudioConfig, { Codec: '', Samplerate: '', Bitrate: '', Channels: '' })],
      ['9.8 NR empty container', 'NoiseReduction', { NoiseReduction: '' }, (t) => assert.deepEqual(t.NoiseReduction, { Format: '', Samplerate: '' })],
      ['9.9 NR both spellings agreeing', 'NoiseReduction', { NoiseReduction: { Format: 'mp3', Samplerate: '8000', SampleRate: '8000' } }, (t) => assert.equal(t.NoiseReduction.Samplerate, '8000')],
      ['9.10 Tts Asyc + pcm, every voice limit', 'Tts', { Mode: 'Asyc', Codec: 'pcm', VoiceType: 'alice', Volume: '10', Speed: '200' }, (t) => assert.equal(t.TtsTpl.VoiceType, 'alice')],
      ['9.11 Tts Emotion (SDK-only) is kept', 'Tts', { Mode: 'Sync', Codec: 'wav', VoiceType: 'aixiaoxing', Emotion: 'arousal' }, (t) => assert.equal(t.TtsTpl.Emotion, 'arousal')],
      ['9.12 Tts params wrapped in <TtsTpl>', 'Tts', { TtsTpl: { Mode: 'Sync', Codec: 'mp3' } }, (t) => assert.equal(t.TtsTpl.Codec, 'mp3')],
      ['9.13 ASR dual channel on 8k_zh', 'SpeechRecognition', { SpeechRecognition: { EngineModelType: '8k_zh', ChannelNum: '2', ResTextFormat: '3' } }, (t) => assert.equal(t.SpeechRecognition.ChannelNum, '2')],
      ['9.14 ASR flash on 16k_zh_video', 'SpeechRecognition', { SpeechRecognition: { EngineModelType: '16k_zh_video', FlashAsr: 'true', Format: 'ogg-opus' } }, (t) => assert.equal(t.SpeechRecognition.Format, 'ogg-opus')],
      ['9.15 ASR without ChannelNum/ResTextFormat (lenient)', 'SpeechRecognition', { SpeechRecognition: { EngineModelType: '16k_zh_dialect' } }, (t) => assert.equal(t.SpeechRecognition.ChannelNum, '')],
      ['9.16 Name of 64 Chinese characters', 'NoiseReduction', { NoiseReduction: { Format: 'wav' } }, (t) => assert.equal([...t.Name].length, 64)],
    ];
    for (const [n, tag, params, check] of cases) {
      const name = n.startsWith('9.16') ? '降'.repeat(64) : `edge-${n.split(' ')[0]!.replace('.', '_')}`;
      const { err, data } = await ciCall(cos, { Method: 'POST', Bucket: A, Path: 'template', Body: body(tag, name, params) });
      assert.equal(err, null, `${n}: ${JSON.stringify(err?.error)}`);
      const t = data.Response.Template;
      assert.equal(t.Tag, tag, n);
      assert.equal(t.Name, name, n);
      check(t);
      await ok(cos, { Method: 'DELETE', Bucket: A, Path: `template/${t.TemplateId}` });
    }
  });

  test('10. bucket scoping: a template of bucket A is invisible and unchangeable from bucket B', async () => {
    const t = await create(A, 'SpeechRecognition', 'scoped');
    const fromB = await query(B, { ids: t.TemplateId });
    assert.deepEqual(list(fromB.TemplateList), []);
    assert.deepEqual(list(fromB.NonExistTIDs.TemplateId), [t.TemplateId]);
    assert.ok(!list((await query(B, { pageSize: '100' })).TemplateList).some((x: any) => x.TemplateId === t.TemplateId));
    await fails(cos, { Method: 'PUT', Bucket: B, Path: `template/${t.TemplateId}`, Body: body('SpeechRecognition', 'hijack', SAMPLES.SpeechRecognition.update) }, 400, 'InvalidArgument', /TemplateNotFound/);
    await fails(cos, { Method: 'DELETE', Bucket: B, Path: `template/${t.TemplateId}` }, 400, 'InvalidArgument', /TemplateNotFound/);
    assert.deepEqual(list((await query(A, { ids: t.TemplateId })).TemplateList), [t], 'unchanged in A');
  });

  test('11. a bucket of another APPID → 403 AccessDenied for every template API', async () => {
    const Bucket = 'foreign-1300000000';
    await fails(cos, { Method: 'GET', Bucket, Path: 'template' }, 403, 'AccessDenied');
    await fails(cos, { Method: 'POST', Bucket, Path: 'template', Body: body('Tts', 'x', SAMPLES.Tts.create) }, 403, 'AccessDenied');
    await fails(cos, { Method: 'PUT', Bucket, Path: 'template/t1ffffffffffffffffffffffffffffffff', Body: body('Tts', 'x', SAMPLES.Tts.create) }, 403, 'AccessDenied');
    await fails(cos, { Method: 'DELETE', Bucket, Path: 'template/t1ffffffffffffffffffffffffffffffff' }, 403, 'AccessDenied');
  });

  test('12. template APIs on a bucket without Smart Audio → 400 InvalidArgument, MediaBucketUnBinded', async () => {
    await fails(cos, { Method: 'GET', Bucket: UNBOUND, Path: 'template' }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
    await fails(cos, { Method: 'POST', Bucket: UNBOUND, Path: 'template', Body: body('Tts', 'x', SAMPLES.Tts.create) }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
    await fails(cos, { Method: 'PUT', Bucket: UNBOUND, Path: 'template/t1ffffffffffffffffffffffffffffffff', Body: body('Tts', 'x', SAMPLES.Tts.create) }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
    await fails(cos, { Method: 'DELETE', Bucket: UNBOUND, Path: 'template/t1ffffffffffffffffffffffffffffffff' }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
  });
});

describe('template limit per bucket', () => {
  const Bucket = `tpl-limit-${APPID}`;
  let server: TestServer;
  let cos: ReturnType<typeof cosClient>;
  before(async () => {
    server = await startTestServer({ 'max-templates-per-bucket': '2' });
    cos = cosClient(server.port, 'ip');
    await enabledBucket(cos, Bucket);
  });
  after(() => server.close());

  test('1. creating past max-templates-per-bucket → 400 CreatedTemplateNumLimit; deleting frees a slot', async () => {
    const t1 = (await ok(cos, { Method: 'POST', Bucket, Path: 'template', Body: body('Tts', 'one', SAMPLES.Tts.create) })).Template;
    await ok(cos, { Method: 'POST', Bucket, Path: 'template', Body: body('NoiseReduction', 'two', SAMPLES.NoiseReduction.create) });
    await fails(cos, { Method: 'POST', Bucket, Path: 'template', Body: body('Tts', 'three', SAMPLES.Tts.create) }, 400, 'InvalidArgument', /CreatedTemplateNumLimit/);
    assert.equal((await ok(cos, { Method: 'GET', Bucket, Path: 'template' })).TotalCount, '2');
    await ok(cos, { Method: 'DELETE', Bucket, Path: `template/${t1.TemplateId}` });
    await ok(cos, { Method: 'POST', Bucket, Path: 'template', Body: body('Tts', 'three', SAMPLES.Tts.create) });
  });
});
