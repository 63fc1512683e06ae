import { TEMPLATE_TAGS, validateTemplateRequest, type TemplateTag } from '../../../domain/templates/index.ts';
import { ci, text } from '../api.ts';
import { act, field, h, input, refusedBeforeSending, select, showError, showOk } from '../dom.ts';
import { kids } from '../xml.ts';
import type { Panel } from './bucket.ts';
import { responsePath, TEMPLATE_FIELDS, templateBody } from './template-fields.ts';

/**
 * Templates of every tag (issue #9 §4): list, create, edit, delete. Before a
 * create/update is sent, the form runs the server's own validators
 * (src/domain/templates), so the message shown is the one the API would
 * answer with (`InvalidArgument`, same text).
 */
export function templatesPanel(bucket: string, region: string): Panel {
  const tbody = h('tbody');
  const filterTag = select('filter-tag', TEMPLATE_TAGS, '', 'All tags');
  const filterCategory = select('filter-category', ['Custom', 'Official'], 'Custom');
  const filterName = input('filter-name', '', { placeholder: 'name prefix' });
  const pageInfo = h('span', { class: 'hint', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button' }, 'Previous');
  const next = h('button', { type: 'button' }, 'Next');
  let page = 1;
  const PAGE = 20;

  async function load(): Promise<void> {
    const r = await ci('GET', bucket, region, '/template', {
      query: { tag: filterTag.value || undefined, category: filterCategory.value, name: filterName.value || undefined, pageNumber: String(page), pageSize: String(PAGE) },
    });
    const list = kids(r, 'TemplateList');
    const total = Number(text(r, 'TotalCount') || list.length);
    tbody.replaceChildren(...list.map(rowEl));
    if (list.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 5 }, 'No templates.')));
    pageInfo.textContent = `Page ${page} of ${Math.max(1, Math.ceil(total / PAGE))} (${total} templates)`;
    prev.disabled = page <= 1;
    next.disabled = page * PAGE >= total;
  }

  function rowEl(t: Element): HTMLElement {
    const id = text(t, 'TemplateId');
    const tag = text(t, 'Tag') as TemplateTag;
    const summary = TEMPLATE_FIELDS[tag]?.map((f) => [f.path.at(-1), text(t, ...responsePath(tag, f.path))]).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(', ');
    // Official templates cannot be changed (spec/templates.md §5, §7): no Edit/Delete for them.
    const official = text(t, 'Category') === 'Official';
    const edit = h('button', { type: 'button', hidden: official }, 'Edit');
    edit.addEventListener('click', () => startEdit(id, tag, text(t, 'Name'), t));
    const del = h('button', { type: 'button', class: 'danger', hidden: official }, 'Delete');
    del.addEventListener('click', () => act(del, async () => {
      if (!confirm(`Delete template ${text(t, 'Name')}?`)) return;
      await ci('DELETE', bucket, region, `/template/${id}`);
      showOk(`Template ${text(t, 'Name')} deleted.`);
      await load();
    }));
    return h('tr', {}, h('th', { scope: 'row' }, text(t, 'Name')), h('td', {}, tag), h('td', {}, h('code', {}, id)), h('td', { class: 'params' }, summary), h('td', {}, edit, ' ', del));
  }

  // --- the form
  const tag = select('tag', TEMPLATE_TAGS, 'VoiceSeparate');
  const name = input('name', '', { maxlength: 200 });
  const fieldsBox = h('fieldset', {}, h('legend', {}, 'Parameters'));
  const formStatus = h('div', { class: 'status', 'aria-live': 'assertive', id: 'template-form-status' });
  const submit = h('button', { type: 'submit' }, 'Create template');
  const cancelEdit = h('button', { type: 'button', hidden: true }, 'Cancel edit');
  const formTitle = h('h2', { id: 'template-form-title' }, 'Create a template');
  let editing: string | undefined;
  let controls = new Map<string, HTMLInputElement | HTMLSelectElement>();

  function renderFields(values?: Map<string, string>): void {
    const t = tag.value as TemplateTag;
    controls = new Map();
    const grid = h('div', { class: 'grid' });
    for (const f of TEMPLATE_FIELDS[t]) {
      const key = f.path.join('.');
      const c = f.options ? select(key, f.options, values?.get(key) ?? '', '(not set)') : input(key, values?.get(key) ?? '');
      controls.set(key, c);
      grid.append(field(f.path.join(' › '), c, f.hint));
    }
    fieldsBox.replaceChildren(h('legend', {}, `${t} parameters`), grid);
  }

  function startEdit(id: string, t: TemplateTag, n: string, el: Element): void {
    editing = id;
    tag.value = t;
    tag.disabled = true;
    name.value = n;
    renderFields(new Map(TEMPLATE_FIELDS[t].map((f) => [f.path.join('.'), text(el, ...responsePath(t, f.path))])));
    formTitle.textContent = `Edit template ${n}`;
    submit.textContent = 'Save template';
    cancelEdit.hidden = false;
    name.focus();
  }

  function resetForm(): void {
    editing = undefined;
    tag.disabled = false;
    name.value = '';
    formTitle.textContent = 'Create a template';
    submit.textContent = 'Create template';
    cancelEdit.hidden = true;
    renderFields();
  }

  const form = h('form', { class: 'card', 'aria-labelledby': 'template-form-title', novalidate: true },
    formTitle, h('div', { class: 'row' }, field('Tag', tag), field('Name', name, 'Letters, digits, Chinese, _ - *; at most 64 characters')), fieldsBox, submit, ' ', cancelEdit, formStatus);
  tag.addEventListener('change', () => renderFields());
  cancelEdit.addEventListener('click', resetForm);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    formStatus.className = 'status';
    formStatus.replaceChildren();
    const values = new Map([...controls].map(([k, c]) => [k, c.value.trim()]));
    const { body, request } = templateBody(tag.value as TemplateTag, name.value.trim(), values);
    try {
      validateTemplateRequest(request);
    } catch (err) {
      if (refusedBeforeSending(err, formStatus)) return;
    }
    void act(submit, async () => {
      try {
        const r = await ci(editing ? 'PUT' : 'POST', bucket, region, editing ? `/template/${editing}` : '/template', { body });
        showOk(`Template ${text(r, 'Template', 'Name')} saved (${text(r, 'Template', 'TemplateId')}).`, formStatus);
        resetForm();
        await load();
      } catch (err) {
        showError(err, formStatus);
      }
    });
  });

  const filters = h('form', { class: 'row', 'aria-label': 'Filter templates' }, field('Tag', filterTag), field('Category', filterCategory), field('Name', filterName), h('button', { type: 'submit' }, 'Show'));
  filters.addEventListener('submit', (e) => { e.preventDefault(); page = 1; void act(undefined, load); });
  // Not act(button, …): it would re-enable the button after load() decided its state.
  prev.addEventListener('click', () => { page--; void act(undefined, load); });
  next.addEventListener('click', () => { page++; void act(undefined, load); });
  renderFields();
  const el = h('div', {},
    filters,
    h('table', { class: 'list' }, h('caption', {}, 'Templates'), h('thead', {}, h('tr', {}, ...['Name', 'Tag', 'TemplateId', 'Parameters', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), tbody),
    h('div', { class: 'pager' }, prev, ' ', next, ' ', pageInfo),
    form);
  load().catch((err) => showError(err));
  return { el };
}
