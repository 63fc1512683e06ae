import assert from 'node:assert/strict';
import { ValidationError } from '../../../../src/domain/errors.ts';

/**
 * Shared assertion for rejected cases: the error is a ValidationError on
 * `field`, and its message names both the field path and the value received
 * (spec/errors.md §7; STYLE.md §3 "put the value received in the message").
 */
export function assertRejects(fn: () => unknown, field: string, value?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
    assert.equal(err.field, field, `field of: ${err.message}`);
    assert.ok(err.message.includes(field), `message should name ${field}: ${err.message}`);
    if (value !== undefined) assert.ok(err.message.includes(value), `message should contain ${JSON.stringify(value)}: ${err.message}`);
    return true;
  });
}

/** A rejected-case row: raw input, expected field path, and the offending value (omitted for "missing"). */
export interface RejectCase<R> {
  n: number;
  desc: string;
  raw: R;
  field: string;
  value?: string;
}

/** An accepted-case row: raw input and the params expected back (deep-equal). */
export interface AcceptCase<R, P> {
  n: number;
  desc: string;
  raw: R;
  want: P;
}
