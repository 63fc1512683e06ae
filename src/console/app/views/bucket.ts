import { h } from '../dom.ts';
import type { Route } from '../main.ts';
import { jobsPanel } from './jobs.ts';
import { objectsPanel } from './objects.ts';
import { queuePanel } from './queue.ts';
import { templatesPanel } from './templates.ts';

/** One bucket, with a tab per area (issue #9 §2–5). Tabs are links: keyboard and history work as usual. */
const TABS = [
  ['objects', 'Objects'],
  ['queue', 'Smart Audio queue'],
  ['templates', 'Templates'],
  ['jobs', 'Jobs'],
] as const;

export interface Panel {
  el: HTMLElement;
  dispose?: () => void;
}

export function bucketView(_route: Route, bucket: string, region: string, tab: string): Panel {
  const base = `#/b/${encodeURIComponent(bucket)}/${encodeURIComponent(region)}`;
  const nav = h('nav', { class: 'tabs', 'aria-label': 'Bucket sections' },
    h('a', { href: '#/' }, '← Buckets'),
    ...TABS.map(([id, label]) => h('a', { href: `${base}/${id}`, 'aria-current': id === tab ? 'page' : undefined }, label)));
  const panel: Panel =
    tab === 'queue' ? queuePanel(bucket, region)
    : tab === 'templates' ? templatesPanel(bucket, region)
    : tab === 'jobs' ? jobsPanel(bucket, region)
    : objectsPanel(bucket, region);
  const title = TABS.find(([id]) => id === tab)?.[1] ?? 'Objects';
  const el = h('section', { 'aria-labelledby': 'bucket-title' },
    h('h1', { id: 'bucket-title', tabindex: '-1' }, `${bucket} — ${title}`), h('p', { class: 'hint' }, `Region ${region}`), nav, panel.el);
  return { el, dispose: panel.dispose };
}
