import { ValidationError } from '../domain/errors.ts';
import type { QueryParam } from '../http/request-target.ts';
import { queryValue } from '../http/request-target.ts';

/**
 * `pageNumber` / `pageSize` of the CI list APIs (spec/buckets-queues.md §2 →
 * Impl): integers, default 1 and 10, pageSize 1..100. Sent-but-empty means
 * default (spec/clients.md §8).
 */
export const MAX_PAGE_SIZE = 100;
const MAX_PAGE_NUMBER = 1_000_000;

export function intQuery(query: QueryParam[], name: string, min: number, max: number, dflt: number): number {
  const v = queryValue(query, name);
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,9}$/.test(v)) throw new ValidationError(name, `${JSON.stringify(v.slice(0, 32))} is not an integer in ${min}..${max}`);
  const n = Number(v);
  if (n < min || n > max) throw new ValidationError(name, `${n} is outside ${min}..${max}`);
  return n;
}

export function parsePaging(query: QueryParam[]): { pageNumber: number; pageSize: number; offset: number } {
  const pageNumber = intQuery(query, 'pageNumber', 1, MAX_PAGE_NUMBER, 1);
  const pageSize = intQuery(query, 'pageSize', 1, MAX_PAGE_SIZE, 10);
  return { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize };
}

/** Comma-separated list query value; empty means "no filter". */
export function listQuery(query: QueryParam[], name: string, maxItems = 100): string[] | undefined {
  const v = queryValue(query, name);
  if (v === undefined || v.trim() === '') return undefined;
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length > maxItems) throw new ValidationError(name, `lists ${items.length} values; at most ${maxItems} are allowed`);
  return items;
}
