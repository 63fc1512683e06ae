/**
 * Typed domain errors. Domain code throws these; only `http/errors/api-error.ts`
 * (`toApiError`) maps them to wire codes (spec/errors.md §7).
 */

/** A request value breaks a documented rule. The message names the field and the value received. */
export class ValidationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
    this.field = field;
  }
}

/** A referenced resource does not exist (template, queue, job, …). `what` is the wire-level name, e.g. `TemplateNotFound`. */
export class NotFoundError extends Error {
  readonly what: string;
  constructor(what: string, message: string) {
    super(`${what}: ${message}`);
    this.name = 'NotFoundError';
    this.what = what;
  }
}

/** A uniqueness rule is broken (e.g. `TemplateNameDuplicate`). */
export class ConflictError extends Error {
  readonly what: string;
  constructor(what: string, message: string) {
    super(`${what}: ${message}`);
    this.name = 'ConflictError';
    this.what = what;
  }
}
