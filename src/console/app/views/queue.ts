import { validateNotifyConfig, validateQueueName, validateQueueState, type RawNotifyConfig } from '../../../domain/queues.ts';
import { ci, kid, text } from '../api.ts';
import { act, field, h, input, refusedBeforeSending, select, showError, showOk } from '../dom.ts';
import type { Panel } from './bucket.ts';

/**
 * The bucket's Smart Audio queue (issue #9 §2; spec/buckets-queues.md §4–6):
 * state, limits and waiting/running jobs, pause/resume, notification settings.
 * The form is checked with the server's own validators before it is sent.
 */
const NOTIFY_FIELDS = ['State', 'Type', 'Url', 'Event', 'ResultFormat', 'MqMode', 'MqRegion', 'MqName'] as const;

export function queuePanel(bucket: string, region: string): Panel {
  const summary = h('dl', { class: 'facts' });
  const name = input('Name', '');
  const controls: Record<(typeof NOTIFY_FIELDS)[number], HTMLInputElement | HTMLSelectElement> = {
    State: select('State', ['Off', 'On']),
    Type: select('Type', ['Url', 'TDMQ'], '', '(not set)'),
    Url: input('Url', '', { type: 'url', placeholder: 'https://example.com/callback' }),
    Event: input('Event', '', { placeholder: 'TaskFinish' }),
    ResultFormat: select('ResultFormat', ['XML', 'JSON'], '', '(default XML)'),
    MqMode: select('MqMode', ['Queue', 'Topic'], '', '(not set)'),
    MqRegion: select('MqRegion', ['sh', 'bj', 'gz', 'cd', 'hk'], '', '(not set)'),
    MqName: input('MqName', ''),
  };
  const formStatus = h('div', { class: 'status', 'aria-live': 'assertive' });
  const pauseBtn = h('button', { type: 'button' }, 'Pause queue');
  let queueId = '';
  let state = 'Active';

  async function load(): Promise<void> {
    const r = await ci('GET', bucket, region, '/asrqueue');
    const q = kid(r, 'QueueList');
    if (!q) {
      summary.replaceChildren(h('div', {}, 'Smart Audio is not enabled on this bucket (enable it on the Buckets page).'));
      return;
    }
    queueId = text(q, 'QueueId');
    state = text(q, 'State');
    name.value = text(q, 'Name');
    for (const f of NOTIFY_FIELDS) controls[f].value = text(q, 'NotifyConfig', f);
    pauseBtn.textContent = state === 'Paused' ? 'Resume queue' : 'Pause queue';
    const waiting = await countJobs('Submitted');
    const running = await countJobs('Running');
    const fact = (k: string, v: string) => [h('dt', {}, k), h('dd', {}, v)];
    summary.replaceChildren(...fact('Queue', queueId), ...fact('State', state), ...fact('Max concurrent', text(q, 'MaxConcurrent')),
      ...fact('Max size', text(q, 'MaxSize')), ...fact('Waiting jobs', waiting), ...fact('Running jobs', running), ...fact('Updated', text(q, 'UpdateTime')));
  }

  async function countJobs(states: string): Promise<string> {
    let n = 0;
    let token = '';
    for (let i = 0; i < 10; i++) {
      const r = await ci('GET', bucket, region, '/jobs', { query: { states, size: '100', nextToken: token || undefined } });
      n += r ? Array.from(r.children).filter((c) => c.tagName === 'JobsDetail').length : 0;
      token = text(r, 'NextToken');
      if (!token) return String(n);
    }
    return `${n}+`;
  }

  /** The body of PUT /asrqueue/<id>: always the full settings (spec/buckets-queues.md §5 "replace wholesale"). */
  function body(newState: string) {
    const raw: RawNotifyConfig = {};
    for (const f of NOTIFY_FIELDS) if (controls[f].value !== '') raw[f] = controls[f].value;
    validateQueueName(name.value);
    validateQueueState(newState);
    validateNotifyConfig(raw);
    return { Name: name.value, State: newState, NotifyConfig: raw as Record<string, string> };
  }

  async function update(newState: string, message: string): Promise<void> {
    const b = body(newState);
    await ci('PUT', bucket, region, `/asrqueue/${queueId}`, { body: b });
    showOk(message);
    await load();
  }

  pauseBtn.addEventListener('click', () => act(pauseBtn, () => update(state === 'Paused' ? 'Active' : 'Paused', state === 'Paused' ? 'Queue resumed.' : 'Queue paused: waiting jobs stay queued.')));
  const save = h('button', { type: 'submit' }, 'Save settings');
  const form = h('form', { class: 'card', 'aria-labelledby': 'notify-title' },
    h('h2', { id: 'notify-title' }, 'Queue name and notifications'),
    field('Queue name', name),
    h('fieldset', {}, h('legend', {}, 'Job-finished notification (NotifyConfig)'),
      h('div', { class: 'grid' }, ...NOTIFY_FIELDS.map((f) => field(f, controls[f], f === 'Event' ? 'TaskFinish and/or WorkflowFinish, comma-separated' : undefined)))),
    save, formStatus);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    formStatus.className = 'status';
    formStatus.replaceChildren();
    try {
      body(state);
    } catch (err) {
      if (refusedBeforeSending(err, formStatus)) return;
    }
    void act(save, () => update(state, 'Queue settings saved.'));
  });
  const refresh = h('button', { type: 'button' }, 'Refresh');
  refresh.addEventListener('click', () => act(refresh, load));
  const el = h('div', {}, h('div', { class: 'card' }, h('h2', {}, 'Queue'), summary, pauseBtn, ' ', refresh), form);
  load().catch((err) => showError(err));
  return { el };
}
