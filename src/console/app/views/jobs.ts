import { buildJobSpec } from '../../../domain/jobs/submit.ts';
import { AUDIO_MODES, NR_FORMATS, TTS_CODECS, TTS_MODES, TTS_VOICES } from '../../../domain/templates/index.ts';
import { ci, cosHost, sendXml, text } from '../api.ts';
import { act, field, h, input, refusedBeforeSending, select, showError, showOk } from '../dom.ts';
import { kids, type XmlObject } from '../xml.ts';
import type { Panel } from './bucket.ts';
import { jobRaw } from './job-body.ts';

/**
 * Jobs (issue #9 §5): submit VoiceSeparate / NoiseReduction / Tts jobs,
 * watch their state change live, cancel, filter and page the list, see
 * failures with their Code and Message (spec/jobs.md §1–5).
 */
const JOB_TAGS = ['VoiceSeparate', 'NoiseReduction', 'Tts'] as const;
const LIST_TAGS = ['VoiceSeparate', 'NoiseReduction', 'Tts', 'SpeechRecognition'] as const;
const STATES = ['Submitted', 'Running', 'Success', 'Failed', 'Pause', 'Cancel'] as const;
const ACTIVE = new Set(['Submitted', 'Running', 'Pause']);
const POLL_MS = 1500;

export const jobHref = (bucket: string, region: string, id: string) => `#/b/${encodeURIComponent(bucket)}/${encodeURIComponent(region)}/job/${id}`;

export function jobsPanel(bucket: string, region: string): Panel {
  const form = submitForm(bucket, region, () => void load().catch(showError));

  // --- list, filters, paging
  const fTag = select('filter-tag', LIST_TAGS, '', 'All tags');
  const fState = select('filter-state', STATES, '', 'All states');
  const fInput = input('filter-input', '', { placeholder: 'exact input key' });
  const fOrder = select('filter-order', ['Desc', 'Asc'], 'Desc');
  const fSize = select('filter-size', ['3', '10', '25', '50', '100'], '10');
  const tbody = h('tbody');
  const prev = h('button', { type: 'button' }, 'Previous page');
  const next = h('button', { type: 'button' }, 'Next page');
  const pageInfo = h('span', { class: 'hint' });
  const tokens: string[] = [''];
  let page = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  let loadSeq = 0;
  async function load(): Promise<void> {
    clearTimeout(timer);
    // Only the newest load may draw: a poll still in flight when the page changes is dropped.
    const seq = ++loadSeq;
    const shown = page;
    const r = await ci('GET', bucket, region, '/jobs', {
      query: { tag: fTag.value || undefined, states: fState.value || undefined, inputObject: fInput.value || undefined, orderByTime: fOrder.value, size: fSize.value, nextToken: tokens[shown] || undefined },
    });
    if (seq !== loadSeq || disposed) return;
    const jobs = kids(r, 'JobsDetail');
    const nextToken = text(r, 'NextToken');
    tokens[shown + 1] = nextToken;
    tbody.replaceChildren(...jobs.map(rowEl));
    if (jobs.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 6 }, 'No jobs match.')));
    prev.disabled = shown === 0;
    next.disabled = !nextToken;
    pageInfo.textContent = `Page ${shown + 1}`;
    // Live state: poll while anything shown can still change.
    if (!disposed && jobs.some((j) => ACTIVE.has(text(j, 'State')))) timer = setTimeout(() => void load().catch(showError), POLL_MS);
  }

  function rowEl(j: Element): HTMLElement {
    const id = text(j, 'JobId');
    const state = text(j, 'State');
    const cancel = state === 'Submitted' ? h('button', { type: 'button' }, 'Cancel') : undefined;
    cancel?.addEventListener('click', () => act(cancel, async () => {
      await ci('PUT', bucket, region, `/jobs/${id}`, { query: { cancel: '' } });
      showOk(`Job ${id} cancelled.`);
      await load();
    }));
    const failure = state === 'Failed' ? h('div', { class: 'failure' }, h('code', {}, text(j, 'Code')), ' ', text(j, 'Message')) : undefined;
    const progress = state === 'Running' && text(j, 'Progress') ? ` ${text(j, 'Progress')} %` : '';
    return h('tr', { 'data-job': id },
      h('th', { scope: 'row' }, h('a', { href: jobHref(bucket, region, id) }, id)),
      h('td', {}, text(j, 'Tag')),
      h('td', {}, h('span', { class: `state state-${state}` }, state + progress), failure),
      h('td', {}, text(j, 'Input', 'Object') || '—'),
      h('td', {}, text(j, 'CreationTime')),
      h('td', {}, cancel));
  }

  const filters = h('form', { class: 'row filters', 'aria-label': 'Filter jobs' }, field('Tag', fTag), field('State', fState), field('Input object', fInput), field('Order', fOrder), field('Per page', fSize), h('button', { type: 'submit' }, 'Apply'));
  filters.addEventListener('submit', (e) => { e.preventDefault(); page = 0; tokens.length = 1; void act(undefined, load); });
  // Not act(button, …): it would re-enable the button after load() decided its state.
  prev.addEventListener('click', () => { page--; void act(undefined, load); });
  next.addEventListener('click', () => { page++; void act(undefined, load); });
  const el = h('div', {}, form,
    h('h2', {}, 'Jobs'), filters,
    h('table', { class: 'list', id: 'jobs-table' }, h('caption', {}, 'Jobs, newest first (updates live)'), h('thead', {}, h('tr', {}, ...['JobId', 'Tag', 'State', 'Input', 'Created', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), tbody),
    h('div', { class: 'pager' }, prev, ' ', next, ' ', pageInfo));
  load().catch(showError);
  return { el, dispose: () => { disposed = true; clearTimeout(timer); } };
}

/** The submit form; fields change with the Tag. */
function submitForm(bucket: string, region: string, submitted: () => void): HTMLElement {
  const tag = select('job-tag', JOB_TAGS, 'VoiceSeparate');
  const inputKey = input('job-input', '', { list: 'object-keys', placeholder: 'input/song.mp3' });
  const keys = h('datalist', { id: 'object-keys' });
  const template = select('job-template', [], '');
  const jobLevel = select('job-level', ['0', '1', '2'], '0');
  const userData = input('job-userdata', '');
  const paramsBox = h('div', { class: 'grid' });
  const status = h('div', { class: 'status', 'aria-live': 'assertive', id: 'job-form-status' });
  const submit = h('button', { type: 'submit' }, 'Submit job');
  let controls: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};

  async function loadChoices(): Promise<void> {
    const t = tag.value;
    const [custom, official] = await Promise.all(['Custom', 'Official'].map((category) => ci('GET', bucket, region, '/template', { query: { tag: t, category, pageSize: '100' } }).catch(() => undefined)));
    template.replaceChildren(h('option', { value: '' }, '(no template: parameters below)'),
      ...[...kids(custom, 'TemplateList'), ...kids(official, 'TemplateList')].map((x) => h('option', { value: text(x, 'TemplateId') }, `${text(x, 'Name')} (${text(x, 'Category')})`)));
    const objs = await sendXml({ method: 'GET', host: cosHost(bucket, region), path: '/', query: { 'max-keys': '200' } }).catch(() => undefined);
    keys.replaceChildren(...kids(objs, 'Contents').map((c) => h('option', { value: text(c, 'Key') })));
  }

  function renderParams(): void {
    const t = tag.value;
    const c: typeof controls = {};
    if (t === 'VoiceSeparate') {
      c.AudioMode = select('AudioMode', AUDIO_MODES, 'AudioAndBackground');
      c.Codec = select('Codec', ['mp3', 'wav', 'aac', 'flac'], 'mp3', '(default)');
      c.AuObject = input('AuObject', 'output/${jobid}/vocals.${ext}');
      c.Object = input('Object', 'output/${jobid}/background.${ext}');
      c.BassObject = input('BassObject', '', { placeholder: 'MusicMode: output/${jobid}/bass.${ext}' });
      c.DrumObject = input('DrumObject', '', { placeholder: 'MusicMode: output/${jobid}/drums.${ext}' });
    } else if (t === 'NoiseReduction') {
      c.Format = select('Format', NR_FORMATS, '', '(from the output key)');
      c.SampleRate = input('SampleRate', '', { placeholder: '16000' });
      c.Object = input('Object', 'output/${jobid}/denoised.wav');
    } else {
      c.Text = h('textarea', { name: 'Text', rows: 3, maxlength: 300 }, 'Hello from the Smart Audio console.');
      c.Mode = select('Mode', TTS_MODES, 'Sync', '(default Asyc)');
      c.VoiceType = select('VoiceType', TTS_VOICES, '', '(default)');
      c.Codec = select('Codec', TTS_CODECS, 'mp3', '(default)');
      c.Object = input('Object', 'output/${jobid}/speech.mp3');
    }
    controls = c;
    syncInline();
    inputKey.closest('.field')?.toggleAttribute('hidden', t === 'Tts');
    paramsBox.replaceChildren(...Object.entries(c).map(([k, ctl]) => field(k === 'Text' ? 'Text to speak (TtsConfig.Input)' : k, ctl)));
  }

  /** With a template, its parameters win over inline ones (spec/jobs.md §1.1): the inline fields are disabled. */
  function syncInline(): void {
    for (const [k, ctl] of Object.entries(controls)) if (!/Object$|^Text$/.test(k)) ctl.disabled = template.value !== '';
  }
  template.addEventListener('change', syncInline);

  function body(): XmlObject {
    const t = tag.value;
    const v = (k: string) => controls[k]?.value.trim() || undefined;
    const op: XmlObject = { TemplateId: template.value || undefined };
    if (!template.value) {
      if (t === 'VoiceSeparate') op.VoiceSeparate = { AudioMode: v('AudioMode'), AudioConfig: v('Codec') ? { Codec: v('Codec') } : undefined };
      if (t === 'NoiseReduction' && (v('Format') || v('SampleRate'))) op.NoiseReduction = { Format: v('Format'), SampleRate: v('SampleRate') };
      if (t === 'Tts' && (v('Mode') || v('VoiceType') || v('Codec'))) op.TtsTpl = { Mode: v('Mode'), VoiceType: v('VoiceType'), Codec: v('Codec') };
    }
    if (t === 'Tts') op.TtsConfig = { InputType: 'Text', Input: v('Text') };
    op.Output = { Region: region, Bucket: bucket, Object: v('Object'), AuObject: v('AuObject'), BassObject: v('BassObject'), DrumObject: v('DrumObject') };
    op.UserData = userData.value || undefined;
    op.JobLevel = jobLevel.value;
    return { Tag: t, Input: t === 'Tts' ? undefined : { Object: inputKey.value.trim() }, Operation: op };
  }

  const form = h('form', { class: 'card', 'aria-labelledby': 'job-form-title' },
    h('h2', { id: 'job-form-title' }, 'Submit a job'),
    h('div', { class: 'row' }, field('Tag', tag), field('Input object', inputKey, 'A key in this bucket'), keys, field('Template', template), field('Priority (JobLevel)', jobLevel), field('UserData', userData)),
    h('fieldset', {}, h('legend', {}, 'Parameters and output keys (${jobid} and ${ext} are filled in by the server)'), paramsBox),
    submit, status);
  tag.addEventListener('change', () => { renderParams(); void loadChoices().catch(showError); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    status.className = 'status';
    status.replaceChildren();
    const b = body();
    // Without a template the server's own submit rules can run here first (with one, the server resolves it).
    if (!template.value) {
      try {
        buildJobSpec(jobRaw(b), { bucket, region, template: undefined });
      } catch (err) {
        if (refusedBeforeSending(err, status)) return;
      }
    }
    void act(submit, async () => {
      try {
        const r = await ci('POST', bucket, region, '/jobs', { body: b });
        const id = text(r, 'JobsDetail', 'JobId');
        status.className = 'status ok';
        status.replaceChildren('Submitted job ', h('a', { href: jobHref(bucket, region, id) }, id), '.');
        submitted();
      } catch (err) {
        showError(err, status);
      }
    });
  });
  renderParams();
  loadChoices().catch(showError);
  return form;
}
