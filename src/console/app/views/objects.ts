import { cosHost, getObjectBlob, send, sendXml, upload } from '../api.ts';
import { act, fmtBytes, field, h, input, showError, showOk } from '../dom.ts';
import { stemPlayer } from '../audio/player.ts';
import { kids, text } from '../xml.ts';
import type { Panel } from './bucket.ts';

/** Objects (issue #9 §3): drag-and-drop upload with a progress bar, list with prefix and paging, download, delete. */
export function objectsPanel(bucket: string, region: string): Panel {
  const prefix = input('prefix', '', { placeholder: 'e.g. input/' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Next page');
  let marker = '';
  // One object at a time can be previewed: played, with its waveform and spectrogram.
  const preview = h('div');
  let previewPlayer: { dispose: () => void } | undefined;
  function listen(key: string): void {
    previewPlayer?.dispose();
    const p = stemPlayer([{ label: 'Preview', bucket, region, key }]);
    previewPlayer = p;
    preview.replaceChildren(p.el);
    p.el.querySelector('h2')!.textContent = `Listen: ${key}`;
  }

  async function load(reset = true): Promise<void> {
    if (reset) { marker = ''; tbody.replaceChildren(); }
    const r = await sendXml({ method: 'GET', host: cosHost(bucket, region), path: '/', query: { prefix: prefix.value || undefined, marker: marker || undefined, 'max-keys': '100' } });
    const rows = kids(r, 'Contents').map((c) => ({ key: text(c, 'Key'), size: Number(text(c, 'Size')), modified: text(c, 'LastModified') }));
    for (const o of rows) tbody.append(rowEl(o));
    if (reset && rows.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 4 }, 'No objects.')));
    const truncated = text(r, 'IsTruncated') === 'true';
    marker = text(r, 'NextMarker') || rows.at(-1)?.key || '';
    more.hidden = !truncated;
  }

  function rowEl(o: { key: string; size: number; modified: string }): HTMLElement {
    const play = h('button', { type: 'button' }, 'Listen');
    play.addEventListener('click', () => listen(o.key));
    const dl = h('button', { type: 'button' }, 'Download');
    dl.addEventListener('click', () => act(dl, async () => saveBlob(await getObjectBlob(bucket, region, o.key), o.key)));
    const del = h('button', { type: 'button', class: 'danger' }, 'Delete');
    del.addEventListener('click', () => act(del, async () => {
      if (!confirm(`Delete ${o.key}?`)) return;
      await send({ method: 'DELETE', host: cosHost(bucket, region), path: `/${o.key}` });
      showOk(`Deleted ${o.key}.`);
      await load();
    }));
    return h('tr', {}, h('th', { scope: 'row' }, o.key), h('td', { class: 'num' }, fmtBytes(o.size)), h('td', {}, o.modified.replace('T', ' ').replace(/\.\d+Z$/, 'Z')), h('td', {}, play, ' ', dl, ' ', del));
  }

  // Upload: a real file input (keyboard) inside a drop zone (mouse).
  const file = h('input', { type: 'file', multiple: true, name: 'file' });
  const dest = input('dest', 'input/', {});
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Upload progress' });
  const progressText = h('span', { 'aria-live': 'polite', class: 'hint' });
  const go = h('button', { type: 'submit' }, 'Upload');
  async function uploadFiles(files: File[]): Promise<void> {
    for (const f of files) {
      const key = dest.value.replace(/^\/+/, '') + f.name;
      progress.value = 0;
      await upload(bucket, region, key, f, (x) => {
        progress.value = x;
        progressText.textContent = `${f.name}: ${Math.round(x * 100)} %`;
      });
      progressText.textContent = `Uploaded ${key} (${fmtBytes(f.size)}).`;
    }
    await load();
  }
  const zone = h('form', { class: 'card dropzone', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload audio or video'),
    h('p', {}, 'Drop files here, or choose them:'),
    h('div', { class: 'row' }, field('Files', file), field('Key prefix', dest, 'Keys are <prefix><file name>')),
    go, ' ', progress, ' ', progressText);
  zone.addEventListener('submit', (e) => { e.preventDefault(); void act(go, () => uploadFiles(Array.from(file.files ?? []))); });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void act(go, () => uploadFiles(Array.from(e.dataTransfer?.files ?? [])));
  });

  const filter = h('form', { class: 'row' }, field('Prefix', prefix), h('button', { type: 'submit' }, 'List'));
  filter.addEventListener('submit', (e) => { e.preventDefault(); void act(undefined, () => load()); });
  more.addEventListener('click', () => act(more, () => load(false)));
  const el = h('div', {}, zone, filter,
    h('table', { class: 'list' }, h('caption', {}, 'Objects'), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Size'), h('th', { scope: 'col' }, 'Modified'), h('th', { scope: 'col' }, 'Actions'))), tbody),
    more, preview);
  load().catch((err) => showError(err));
  return { el, dispose: () => previewPlayer?.dispose() };
}

/** Saves a Blob under the key's last path segment. */
export function saveBlob(blob: Blob, key: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: key.split('/').pop() || 'download' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
