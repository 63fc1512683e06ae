import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../../src/config/load.ts';
import { openStore } from '../../../src/main.ts';
import { adminQuery, createTestDatabase } from '../../helpers/postgres.ts';

/**
 * `--store-pool-size` (issue 8 §1 operations): a process never holds more
 * PostgreSQL connections than configured, however many queries it has in
 * flight; bad values are refused at start-up.
 */
describe('PostgreSQL pool size', () => {
  test('20 concurrent queries on --store-pool-size 3 use at most 3 connections', async () => {
    const db = await createTestDatabase();
    try {
      const config = loadConfig({ store: db.url, 'store-pool-size': '3', 'data-dir': '/nonexistent-unused' }, {});
      const store = await openStore(config);
      try {
        let peak = 0;
        const count = async () => {
          const [row] = await adminQuery<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'smart-audio'`, [db.name]);
          peak = Math.max(peak, Number(row!.n));
        };
        const queries = Array.from({ length: 20 }, () => sql`SELECT pg_sleep(0.05)`.execute(store.db));
        const sampler = (async () => {
          for (let i = 0; i < 8; i++) {
            await count();
            await new Promise((r) => setTimeout(r, 30));
          }
        })();
        await Promise.all([...queries, sampler]);
        assert.ok(peak >= 2, `the pool opened ${peak} connection(s); the queries should have run in parallel`);
        assert.ok(peak <= 3, `the pool opened ${peak} connections; the limit is 3`);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  test('a pool size outside 1…1000 is refused at start-up', () => {
    assert.throws(() => loadConfig({ 'store-pool-size': '0' }, {}), /--store-pool-size: 1 to 1000, got 0/);
    assert.throws(() => loadConfig({ 'store-pool-size': 'many' }, {}), /expected an integer/);
  });
});
