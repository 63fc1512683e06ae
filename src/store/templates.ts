import { prefixSuccessor } from '../domain/strings.ts';
import { ConflictError } from '../domain/errors.ts';
import type { Template, TemplateParams, TemplateTag } from '../domain/templates/index.ts';
import type { TemplatesTable } from './schema.ts';
import type { MetadataStore } from './store.ts';

/** Custom templates (spec/templates.md). Official ones are constant data, not rows. */
const toTemplate = (r: TemplatesTable): Template =>
  ({
    id: r.id,
    bucket: r.bucket,
    tag: r.tag as TemplateTag,
    name: r.name,
    category: 'Custom',
    state: 'Normal',
    params: JSON.parse(r.params) as TemplateParams,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }) as Template;

const toRow = (t: Template): TemplatesTable => ({
  id: t.id,
  bucket: t.bucket,
  tag: t.tag,
  name: t.name,
  params: JSON.stringify(t.params),
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

const duplicate = (t: Template) =>
  new ConflictError('TemplateNameDuplicate', `a ${t.tag} template named ${JSON.stringify(t.name)} already exists in bucket ${t.bucket}`);

/** Inserts a template; refuses a duplicate name (per bucket and tag) and more than `maxPerBucket`. */
export async function insertTemplate(store: MetadataStore, t: Template, maxPerBucket: number): Promise<void> {
  await store.writeTx(async (tx) => {
    const clash = await tx.selectFrom('templates').select('id').where('bucket', '=', t.bucket).where('tag', '=', t.tag).where('name', '=', t.name).executeTakeFirst();
    if (clash) throw duplicate(t);
    const { n } = await tx.selectFrom('templates').select((eb) => eb.fn.countAll<number>().as('n')).where('bucket', '=', t.bucket).executeTakeFirstOrThrow();
    if (Number(n) >= maxPerBucket) {
      throw new ConflictError('CreatedTemplateNumLimit', `bucket ${t.bucket} already holds ${n} templates; the limit is ${maxPerBucket}`);
    }
    await tx.insertInto('templates').values(toRow(t)).execute();
  });
}

/** Replaces a template's name and parameters; returns false when it no longer exists. */
export async function replaceTemplate(store: MetadataStore, t: Template): Promise<boolean> {
  return store.writeTx(async (tx) => {
    const clash = await tx
      .selectFrom('templates')
      .select('id')
      .where('bucket', '=', t.bucket)
      .where('tag', '=', t.tag)
      .where('name', '=', t.name)
      .where('id', '!=', t.id)
      .executeTakeFirst();
    if (clash) throw duplicate(t);
    const res = await tx
      .updateTable('templates')
      .set({ name: t.name, params: JSON.stringify(t.params), updated_at: t.updatedAt })
      .where('id', '=', t.id)
      .where('bucket', '=', t.bucket)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  });
}

export async function findTemplate(store: MetadataStore, bucket: string, id: string): Promise<Template | undefined> {
  const r = await store.db.selectFrom('templates').selectAll().where('id', '=', id).where('bucket', '=', bucket).executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

export async function deleteTemplate(store: MetadataStore, bucket: string, id: string): Promise<boolean> {
  const res = await store.db.deleteFrom('templates').where('id', '=', id).where('bucket', '=', bucket).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export interface TemplateFilter {
  bucket: string;
  tags?: readonly string[];
  ids?: readonly string[];
  namePrefix?: string;
  offset: number;
  limit: number;
}

/** Newest first (spec/templates.md §6 → Impl), with the total count for paging. */
export async function listTemplates(store: MetadataStore, f: TemplateFilter): Promise<{ total: number; items: Template[] }> {
  let q = store.db.selectFrom('templates').where('bucket', '=', f.bucket);
  if (f.tags) q = q.where('tag', 'in', f.tags.length > 0 ? [...f.tags] : ['']);
  if (f.ids) q = q.where('id', 'in', f.ids.length > 0 ? [...f.ids] : ['']);
  // substr counts characters (code points), not UTF-16 units: `.length` would miss astral Han names.
  if (f.namePrefix) {
    // A range on the (bucket, tag, name) index instead of substr(): text compares byte-wise (UTF-8 = code point order).
    q = q.where('name', '>=', f.namePrefix);
    const upper = prefixSuccessor(f.namePrefix);
    if (upper !== undefined) q = q.where('name', '<', upper);
  }
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
  return { total: Number(n), items: rows.map(toTemplate) };
}
