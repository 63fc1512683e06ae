import type { Kysely } from 'kysely';
import type { Database, JobState } from './schema.ts';

/**
 * Read-only job counts for the metrics scrape (issue #8 §4). Only unfinished
 * jobs are counted here: they are few, and `jobs_claim (state, …)` finds them
 * without a table scan, so a scrape stays cheap with 100k finished jobs in the
 * table. Finished jobs are counted by the worker that finished them
 * (`smart_audio_jobs_finished_total`).
 */
export const ACTIVE_JOB_STATES: readonly JobState[] = ['Submitted', 'Running', 'Pause'];

export interface ActiveJobCount {
  tag: string;
  state: JobState;
  count: number;
}

export async function countActiveJobs(db: Kysely<Database>): Promise<ActiveJobCount[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['tag', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ACTIVE_JOB_STATES)
    .groupBy(['tag', 'state'])
    .execute();
  return rows.map((r) => ({ tag: r.tag, state: r.state, count: Number(r.n) }));
}

/** `created_at` of the oldest job still waiting to run, or undefined when none waits. */
export async function oldestWaitingJobCreatedAt(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min<number>('created_at').as('t'))
    .where('state', '=', 'Submitted')
    .executeTakeFirst();
  return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
}
