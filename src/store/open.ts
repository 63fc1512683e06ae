import type { MetadataStore } from './store.ts';
import { openSqliteStore } from './sqlite/open.ts';
import { openPostgresStore } from './postgres/open.ts';

/** Whether a `--store` value names a PostgreSQL database. */
export const isPostgresUrl = (s: string | undefined): s is string => s !== undefined && /^postgres(ql)?:\/\//i.test(s);

/**
 * Opens the metadata store `--store` names (issue 8 §1): a `postgres://` URL,
 * or — the embedded default, `sqlite` or unset — the SQLite file in the data
 * directory.
 */
export async function openMetadataStore(store: string | undefined, sqliteFile: string, options: { poolSize?: number } = {}): Promise<MetadataStore> {
  if (isPostgresUrl(store)) return openPostgresStore(store, undefined, { maxConnections: options.poolSize });
  return openSqliteStore(sqliteFile);
}
