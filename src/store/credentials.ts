import { sql, type Kysely } from 'kysely';
import { ROOT_CREATE_LOCK } from './dialect.ts';
import type { CredentialRecord, MetadataStore } from './store.ts';
import type { CredentialsTable, Database } from './schema.ts';

const toRecord = (r: CredentialsTable): CredentialRecord => ({
  secretId: r.secret_id,
  secretKey: r.secret_key,
  appid: r.appid,
  kind: r.kind,
  name: r.name,
  policy: r.policy,
  createdAt: Number(r.created_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

export async function findCredential(store: MetadataStore, secretId: string): Promise<CredentialRecord | undefined> {
  const row = await store.db.selectFrom('credentials').selectAll().where('secret_id', '=', secretId).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function listCredentials(store: MetadataStore): Promise<CredentialRecord[]> {
  const rows = await store.db.selectFrom('credentials').selectAll().orderBy('created_at').orderBy('secret_id').execute();
  return rows.map(toRecord);
}

const toRow = (c: Omit<CredentialRecord, 'revokedAt'>): CredentialsTable => ({
  secret_id: c.secretId,
  secret_key: c.secretKey,
  appid: c.appid,
  kind: c.kind,
  name: c.name,
  policy: c.policy,
  created_at: c.createdAt,
  revoked_at: null,
});

/** The oldest active root credential (of `appid`, or of any APPID). */
function activeRoot(db: Kysely<Database>, appid?: string): Promise<CredentialsTable | undefined> {
  let q = db.selectFrom('credentials').selectAll().where('kind', '=', 'root').where('revoked_at', 'is', null);
  if (appid) q = q.where('appid', '=', appid);
  return q.orderBy('created_at').executeTakeFirst();
}

export async function insertCredential(store: MetadataStore, c: Omit<CredentialRecord, 'revokedAt'>): Promise<void> {
  await store.db.insertInto('credentials').values(toRow(c)).execute();
}

/**
 * Makes the credential given by the environment the root credential of its
 * APPID: inserted when new, its key replaced when it changed. Returns whether
 * anything changed.
 */
export async function upsertRootCredential(store: MetadataStore, secretId: string, secretKey: string, appid: string): Promise<boolean> {
  // Insert-if-absent in one statement: several API servers and workers
  // starting at once against one PostgreSQL all run this (issue 8 §3).
  const inserted = await store.db
    .insertInto('credentials')
    .values(toRow({ secretId, secretKey, appid, kind: 'root', name: 'root', policy: null, createdAt: Date.now() }))
    .onConflict((oc) => oc.column('secret_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
  const existing = await findCredential(store, secretId);
  if (!existing) return false;
  if (existing.secretKey === secretKey && existing.appid === appid && existing.kind === 'root' && existing.revokedAt === null) return false;
  await store.db
    .updateTable('credentials')
    .set({ secret_key: secretKey, appid, kind: 'root', policy: null, revoked_at: null })
    .where('secret_id', '=', secretId)
    .execute();
  return true;
}

export async function findActiveRoot(store: MetadataStore, appid?: string): Promise<CredentialRecord | undefined> {
  const row = await activeRoot(store.db, appid);
  return row ? toRecord(row) : undefined;
}

/**
 * The active root credential of `appid` (or of any APPID when none is given),
 * created from `make()` when there is none. Look-up and insert run in one
 * write transaction, serialised across processes (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: an advisory lock), so API servers and workers starting at once
 * on an empty store create one root key, not one each.
 */
export async function findOrCreateRoot(store: MetadataStore, appid: string | undefined, make: () => Omit<CredentialRecord, 'revokedAt'>): Promise<{ record: CredentialRecord; created: boolean }> {
  return store.writeTx(async (tx) => {
    if (store.capabilities.advisoryLocks) await sql`SELECT pg_advisory_xact_lock(${ROOT_CREATE_LOCK})`.execute(tx);
    const row = await activeRoot(tx, appid);
    if (row) return { record: toRecord(row), created: false };
    const c = make();
    await tx.insertInto('credentials').values(toRow(c)).execute();
    return { record: { ...c, revokedAt: null }, created: true };
  });
}

/** Revokes a key; returns false when it does not exist or was already revoked. */
export async function revokeCredential(store: MetadataStore, secretId: string): Promise<boolean> {
  const res = await store.db
    .updateTable('credentials')
    .set({ revoked_at: Date.now() })
    .where('secret_id', '=', secretId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
