import { ci, text } from '../api.ts';
import { stemPlayer, type Stem } from '../audio/player.ts';
import { act, h, showError, showOk } from '../dom.ts';
import { kids } from '../xml.ts';
import type { Panel } from './bucket.ts';

/**
 * One job (issue #9 §5–6): its state, live until it ends; Code and Message
 * when it failed; when it succeeded, the input and every output stem in the
 * side-by-side player (spec/jobs.md §2, §2.1 MediaResult).
 */
const TERMINAL = new Set(['Success', 'Failed', 'Cancel']);
const POLL_MS = 1000;

/** Names the stems from the request's Output fields (spec/jobs.md §1.2 table). */
function stemLabel(job: Element, key: string): string {
  const out = (f: string) => text(job, 'Operation', 'Output', f);
  const tag = text(job, 'Tag');
  const id = text(job, 'JobId');
  const expand = (pattern: string) => new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\$\\\{jobid\\\}/g, id).replace(/\\\$\\\{ext\\\}/g, '[A-Za-z0-9]+') + '$');
  const named: Array<[string, string]> = tag === 'VoiceSeparate'
    ? [['AuObject', 'Voice'], ['Object', 'Background'], ['BassObject', 'Bass'], ['DrumObject', 'Drums']]
    : [['Object', tag === 'Tts' ? 'Speech' : 'Denoised']];
  for (const [f, label] of named) if (out(f) && expand(out(f)).test(key)) return label;
  return 'Output';
}

export function jobView(bucket: string, region: string, jobId: string): Panel {
  const facts = h('dl', { class: 'facts' });
  const failure = h('div');
  const results = h('div');
  const cancel = h('button', { type: 'button', hidden: true }, 'Cancel job');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let player: { dispose: () => void } | undefined;

  async function load(): Promise<void> {
    const r = await ci('GET', bucket, region, `/jobs/${jobId}`);
    const job = kids(r, 'JobsDetail')[0];
    if (!job) {
      facts.replaceChildren(h('div', {}, `No job ${jobId} in ${bucket}.`));
      return;
    }
    const state = text(job, 'State');
    const fact = (k: string, v: string | Node) => (v === '' ? [] : [h('dt', {}, k), h('dd', {}, v)]);
    facts.replaceChildren(
      ...fact('Job', jobId), ...fact('Tag', text(job, 'Tag')),
      ...fact('State', h('span', { class: `state state-${state}`, id: 'job-state' }, state)),
      ...fact('Progress', state === 'Running' ? `${text(job, 'Progress') || '0'} %` : ''),
      ...fact('Input', text(job, 'Input', 'Object')), ...fact('Template', text(job, 'Operation', 'TemplateName') || text(job, 'Operation', 'TemplateId')),
      ...fact('Output', ['Object', 'AuObject', 'BassObject', 'DrumObject'].map((f) => text(job, 'Operation', 'Output', f)).filter((v) => v !== '').join(', ')),
      ...fact('Text', text(job, 'Operation', 'TtsConfig', 'Input')),
      ...fact('Priority', text(job, 'Operation', 'JobLevel')), ...fact('UserData', text(job, 'Operation', 'UserData')),
      ...fact('Created', text(job, 'CreationTime')), ...fact('Started', text(job, 'StartTime')), ...fact('Ended', text(job, 'EndTime')));
    cancel.hidden = state !== 'Submitted';
    failure.replaceChildren();
    if (state === 'Failed') {
      failure.append(h('div', { class: 'status error', role: 'alert', id: 'job-failure' }, h('strong', {}, 'The job failed: '), h('code', { class: 'code' }, text(job, 'Code')), ' ', text(job, 'Message')));
    }
    if (state === 'Success' && !player) {
      const files = kids(kid2(job, 'Operation', 'MediaResult'), 'OutputFile');
      const stems: Stem[] = [];
      if (text(job, 'Input', 'Object')) stems.push({ label: 'Input', bucket: text(job, 'Input', 'BucketId') || bucket, region: text(job, 'Input', 'Region') || region, key: text(job, 'Input', 'Object') });
      for (const f of files) {
        for (const n of kids(f, 'ObjectName')) {
          const key = text(f, 'ObjectPrefix') + (n.textContent ?? '');
          stems.push({ label: stemLabel(job, key), bucket: text(f, 'Bucket') || bucket, region: text(f, 'Region') || region, key });
        }
      }
      const p = stemPlayer(stems);
      player = p;
      results.replaceChildren(p.el);
    }
    if (!disposed && !TERMINAL.has(state)) timer = setTimeout(() => void load().catch(showError), POLL_MS);
  }

  cancel.addEventListener('click', () => act(cancel, async () => {
    await ci('PUT', bucket, region, `/jobs/${jobId}`, { query: { cancel: '' } });
    showOk(`Job ${jobId} cancelled.`);
    clearTimeout(timer);
    await load();
  }));
  const back = `#/b/${encodeURIComponent(bucket)}/${encodeURIComponent(region)}/jobs`;
  const el = h('section', { 'aria-labelledby': 'job-title' },
    h('h1', { id: 'job-title', tabindex: '-1' }, `Job ${jobId}`),
    h('nav', { class: 'tabs', 'aria-label': 'Back' }, h('a', { href: back }, `← Jobs of ${bucket}`)),
    h('div', { class: 'card' }, facts, cancel), failure, results);
  load().catch(showError);
  return { el, dispose: () => { disposed = true; clearTimeout(timer); player?.dispose(); } };
}

function kid2(el: Element, ...path: string[]): Element | undefined {
  let cur: Element | undefined = el;
  for (const p of path) cur = kids(cur, p)[0];
  return cur;
}
