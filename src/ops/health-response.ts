import type { Readiness } from './readiness.ts';

/** Bodies of /healthz and /readyz (JSON), shared by the admin listener and the API port. */
export interface HealthAnswer {
  status: number;
  body: string;
}

export function healthz(): HealthAnswer {
  return { status: 200, body: JSON.stringify({ status: 'ok' }) + '\n' };
}

/**
 * `detail`: include each probe's failure message (the admin listener). The
 * public API port names the failing probes only, so no path or backend
 * message leaks to anyone who can reach it.
 */
export async function readyz(readiness: Readiness, detail: boolean): Promise<HealthAnswer> {
  const r = await readiness.report();
  const checks = detail ? r.checks : Object.fromEntries(Object.entries(r.checks).map(([k, v]) => [k, v === 'ok' ? 'ok' : 'failed']));
  return { status: r.ready ? 200 : 503, body: JSON.stringify({ status: r.status, checks }) + '\n' };
}
