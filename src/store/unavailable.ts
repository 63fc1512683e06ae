/**
 * Whether an error means the metadata store could not be reached (PostgreSQL
 * down, restarting, or out of connections) rather than that the request was
 * wrong or the code broken. The API answers such errors `503
 * ServiceUnavailable` (spec/errors.md: "temporarily unavailable, retry"), so
 * SDK clients retry; workers retry on their next poll.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
  if (/^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  if (NETWORK_CODES.has(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  // node-postgres' own messages for a dropped or unobtainable connection.
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message);
}
