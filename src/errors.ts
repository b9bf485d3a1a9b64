/** One problem with one field of a request. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error whose code, status and message are safe to show to API callers.
 * The HTTP error middleware renders it as `{ error: { code, message, details? } }`.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(problems: FieldProblem[], message = 'The request is invalid.') {
    super(400, 'validation_failed', message, problems);
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
    this.name = 'UnauthorizedError';
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(404, code, message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
    this.name = 'ConflictError';
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string, retryAfterSeconds?: number) {
    super(503, code, message, undefined, retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {});
    this.name = 'ServiceUnavailableError';
  }
}

/** A 429 error whose code names the limit that was reached and whose `Retry-After` header gives the wait in seconds. */
export class TooManyRequestsError extends AppError {
  constructor(code: string, message: string, retryAfterSeconds: number, details?: unknown) {
    super(429, code, message, details, { 'Retry-After': String(retryAfterSeconds) });
    this.name = 'TooManyRequestsError';
  }
}
