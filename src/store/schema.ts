/** Table types for the query builder; SQL lives in `migrations/`. Columns are snake_case. */
export interface CredentialsTable {
  secret_id: string;
  secret_key: string;
  appid: string;
  kind: 'root' | 'sub';
  name: string;
  policy: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface BucketsTable {
  name: string;
  appid: string;
  region: string;
  created_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface Database {
  credentials: CredentialsTable;
  buckets: BucketsTable;
  schema_migrations: SchemaMigrationsTable;
}
