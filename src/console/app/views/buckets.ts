import { ApiFailure, ciHost, ciRegionalHost, cosHost, cosServiceHost, sendXml, send } from '../api.ts';
import { act, field, h, input, showError, showOk } from '../dom.ts';
import type { Route } from '../main.ts';
import { kids, text } from '../xml.ts';

/**
 * Buckets (issue #9 §2): the key's buckets (GET Service), which have Smart
 * Audio (GET /asrbucket on the regional CI host), create a bucket, enable or
 * disable Smart Audio, open one.
 */
interface BucketRow {
  name: string;
  region: string;
  created: string;
  smartAudio: boolean | undefined;
}

const bucketHref = (b: { name: string; region: string }, tab = 'objects') => `#/b/${encodeURIComponent(b.name)}/${encodeURIComponent(b.region)}/${tab}`;

export function bucketsView(route: Route): { el: HTMLElement } {
  const { session } = route;
  const tbody = h('tbody');
  const table = h('table', { class: 'list' }, h('caption', {}, 'Buckets of this key'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Bucket'), h('th', { scope: 'col' }, 'Region'), h('th', { scope: 'col' }, 'Smart Audio'), h('th', { scope: 'col' }, 'Actions'))), tbody);
  const note = h('p', { class: 'hint' });

  async function load(): Promise<void> {
    let rows: BucketRow[] = [];
    try {
      const r = await sendXml({ method: 'GET', host: cosServiceHost(session.region), path: '/' });
      rows = kids(r && kids(r, 'Buckets')[0], 'Bucket').map((b) => ({ name: text(b, 'Name'), region: text(b, 'Location'), created: text(b, 'CreationDate'), smartAudio: undefined }));
      note.textContent = '';
    } catch (err) {
      if (err instanceof ApiFailure && err.isPermission) note.textContent = 'This key may not list buckets (cos:GetService); open a bucket by name below.';
      else throw err;
    }
    try {
      const enabled = new Set<string>();
      for (let page = 1; page < 100; page++) {
        const r = await sendXml({ method: 'GET', host: ciRegionalHost(session.region), path: '/asrbucket', query: { pageNumber: String(page), pageSize: '100' } });
        const list = kids(r, 'AsrBucketList');
        for (const b of list) enabled.add(text(b, 'BucketId'));
        if (list.length < 100) break;
      }
      for (const row of rows) row.smartAudio = enabled.has(row.name);
    } catch (err) {
      if (!(err instanceof ApiFailure && err.isPermission)) throw err;
    }
    tbody.replaceChildren(...rows.map(rowEl));
    if (rows.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 4 }, 'No buckets yet.')));
  }

  function rowEl(b: BucketRow): HTMLElement {
    const toggle = h('button', { type: 'button' }, b.smartAudio ? 'Disable Smart Audio' : 'Enable Smart Audio');
    toggle.addEventListener('click', () => act(toggle, async () => {
      const enabling = !b.smartAudio;
      if (!enabling && !confirm(`Disable Smart Audio on ${b.name}? Its queue is deleted and waiting jobs are cancelled.`)) return;
      await sendXml({ method: enabling ? 'POST' : 'DELETE', host: ciHost(b.name, b.region), path: '/asrbucket' });
      showOk(`Smart Audio ${enabling ? 'enabled' : 'disabled'} on ${b.name}.`);
      await load();
    }));
    return h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: bucketHref(b) }, b.name)),
      h('td', {}, b.region),
      h('td', {}, b.smartAudio === undefined ? 'unknown' : b.smartAudio ? 'Enabled' : 'Off'),
      h('td', {}, toggle, ' ', h('a', { href: bucketHref(b, 'jobs'), class: 'button-link' }, 'Jobs')));
  }

  const suffix = session.appid ? `-${session.appid}` : '-<APPID>';
  const name = input('bucket', '', { required: true, placeholder: `demo${suffix}`, pattern: '[a-z0-9][a-z0-9-]*-[0-9]+' });
  const region = input('region', session.region, { required: true });
  const create = h('button', { type: 'submit' }, 'Create bucket');
  const createForm = h('form', { class: 'card', 'aria-labelledby': 'create-bucket' }, h('h2', { id: 'create-bucket' }, 'Create a bucket'),
    h('div', { class: 'row' }, field('Bucket name', name, `Form <name>${suffix}: lower-case letters, digits and hyphens.`), field('Region', region)), create);
  createForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (session.appid && !/-\d+$/.test(name.value)) name.value += suffix;
    void act(create, async () => {
      await send({ method: 'PUT', host: cosHost(name.value.trim(), region.value.trim()), path: '/' });
      showOk(`Bucket ${name.value} created.`);
      name.value = '';
      await load();
    });
  });

  const openName = input('open-bucket', '', { required: true });
  const openRegion = input('open-region', session.region, { required: true });
  const openForm = h('form', { class: 'card', 'aria-labelledby': 'open-bucket' }, h('h2', { id: 'open-bucket' }, 'Open a bucket by name'),
    h('div', { class: 'row' }, field('Bucket name', openName), field('Region', openRegion)), h('button', { type: 'submit' }, 'Open'));
  openForm.addEventListener('submit', (e) => { e.preventDefault(); location.hash = bucketHref({ name: openName.value.trim(), region: openRegion.value.trim() }); });

  const refresh = h('button', { type: 'button' }, 'Refresh');
  refresh.addEventListener('click', () => act(refresh, load));
  const el = h('section', { 'aria-labelledby': 'buckets-title' }, h('div', { class: 'title-row' }, h('h1', { id: 'buckets-title', tabindex: '-1' }, 'Buckets'), refresh), note, table, createForm, openForm);
  load().catch((err) => showError(err));
  return { el };
}
