import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { OffsetClock } from '../../../src/store/clock.ts';
import { PG_ADMIN_URL } from '../../helpers/postgres.ts';

/**
 * The deployment-wide clock (src/store/clock.ts): a host whose clock is off
 * still stamps leases, run_after and next_at in the database's time.
 */
describe('OffsetClock', () => {
  test('a local clock 5 minutes slow reads the server time, to within the round trip', async () => {
    let local = 1_000_000;
    const skew = 300_000;
    // Each query takes 20 ms out and 5 ms back: the midpoint estimate is off by at most half the round trip.
    const clock = new OffsetClock(async () => {
      local += 20;
      const server = local + skew;
      local += 5;
      return server;
    }, () => local);
    assert.equal(clock.now(), local, 'before the first sync: the local clock');
    await clock.sync();
    const err = clock.now() - (local + skew);
    assert.ok(Math.abs(err) <= 12.5, `off by ${err} ms`);
  });

  test('the fastest of several samples wins (a slow round trip says less)', async () => {
    let local = 0;
    const delays = [[400, 0], [1, 1], [0, 300]];
    let i = 0;
    const clock = new OffsetClock(async () => {
      const [out, back] = delays[i++ % delays.length]!;
      local += out!;
      const server = local + 1000;
      local += back!;
      return server;
    }, () => local);
    await clock.sync(3);
    assert.equal(clock.offset, 1000);
  });

  test('a failed re-sync keeps the last estimate', async () => {
    let fail = false;
    const clock = new OffsetClock(async () => {
      if (fail) throw new Error('database restarting');
      return Date.now() + 60_000;
    });
    await clock.sync();
    const before = clock.offset;
    fail = true;
    await assert.rejects(clock.sync());
    assert.equal(clock.offset, before);
    assert.ok(Math.abs(before - 60_000) < 50);
  });

  test('against a real PostgreSQL: a host clock 10 minutes behind still yields the server time', async (t) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch {
      t.skip('PostgreSQL is not reachable on 127.0.0.1:5432');
      return;
    }
    try {
      const serverMs = async () => Number((await client.query<{ ms: string }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms')).rows[0]!.ms);
      const clock = new OffsetClock(serverMs, () => Date.now() - 600_000);
      await clock.sync();
      const a = clock.now();
      const server = await serverMs();
      const b = clock.now();
      assert.ok(server >= a - 20 && server <= b + 20, `server ${server} not within [${a}, ${b}] ± 20 ms`);
    } finally {
      await client.end();
    }
  });
});
