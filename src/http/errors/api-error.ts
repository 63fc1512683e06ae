import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { StorageError } from '../../storage/storage.ts';
import { ERRORS, type ErrorName, type WireError } from './table.ts';
import { isStoreUnavailable } from '../../store/unavailable.ts';

/**
 * The one error class that reaches the wire. `name` picks a row of the error
 * table; `detail` replaces the row's default message (it should name the
 * offending field and the value received).
 */
export class ApiError extends Error {
  readonly errorName: ErrorName;
  readonly detail: string | undefined;

  constructor(errorName: ErrorName, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? ERRORS[errorName].ci.message, options);
    this.name = 'ApiError';
    this.errorName = errorName;
    this.detail = detail;
  }

  wire(family: 'ci' | 'cos'): WireError {
    const base = ERRORS[this.errorName][family];
    return { status: base.status, code: base.code, message: this.detail ?? base.message };
  }
}

/** Shorthand used by handlers: `throw apiError('InvalidArgument', 'Tag: unknown value "X"')`. */
export function apiError(errorName: ErrorName, detail?: string): ApiError {
  return new ApiError(errorName, detail);
}

/**
 * Maps anything thrown to an ApiError. Unknown errors become InternalError; the
 * original is kept as `cause` for the log and never shown to the client.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // Domain errors (spec/errors.md §7): rule violations, unknown ids and name
  // clashes are all `400 InvalidArgument`, the message naming what failed.
  if (err instanceof ValidationError || err instanceof NotFoundError || err instanceof ConflictError) {
    return new ApiError('InvalidArgument', err.message, { cause: err });
  }
  // The object store is down or timing out (issue 8 §2): the client should retry, not see a 500.
  if (err instanceof StorageError && err.kind === 'ServiceUnavailable') return new ApiError('ServiceUnavailable', err.message, { cause: err });
  const e = err as { code?: string; statusCode?: number } | undefined;
  // Fastify's own request-level errors (body too large, bad content length).
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('EntityTooLarge', undefined, { cause: err });
  if (e?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new ApiError('EntitySizeNotMatch', undefined, { cause: err });
  // The metadata store is unreachable (PostgreSQL restarting): retryable, not a bug (issue 8).
  if (isStoreUnavailable(err)) return new ApiError('ServiceUnavailable', 'The metadata store is unavailable; retry shortly.', { cause: err });
  return new ApiError('InternalError', undefined, { cause: err });
}
