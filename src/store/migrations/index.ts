/**
 * Numbered, forward-only migrations. Never edit a released migration: add the
 * next number. SQL is written to run unchanged on SQLite and PostgreSQL
 * (TEXT, BIGINT, INTEGER; no AUTOINCREMENT/SERIAL; times are epoch ms BIGINT).
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'credentials_and_buckets',
    statements: [
      `CREATE TABLE credentials (
        secret_id TEXT PRIMARY KEY,
        secret_key TEXT NOT NULL,
        appid TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('root', 'sub')),
        name TEXT NOT NULL DEFAULT '',
        policy TEXT,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      )`,
      `CREATE INDEX credentials_appid ON credentials (appid)`,
      `CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        appid TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX buckets_appid ON buckets (appid)`,
    ],
  },
];
