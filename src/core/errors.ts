// Expected failures are a closed list: each has a fixed HTTP status and Stripe error type.
// An unexpected exception is never one of these; it becomes a 500 that hides its text.

export type StripeErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error' | 'card_error';

export interface ApiErrorOptions {
  status?: number;
  type?: StripeErrorType;
  code?: string;
  param?: string;
  /** Extra fields of the error object (payment_intent, charge, ...). */
  extra?: Record<string, unknown>;
  /** Response headers to send with the error (Stripe-Should-Retry, ...). */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.status = options.status ?? 400;
    this.type = options.type ?? 'invalid_request_error';
    this.code = options.code;
    this.param = options.param;
    this.extra = options.extra;
    this.headers = options.headers;
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { type: this.type, message: this.message };
    if (this.code !== undefined) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param !== undefined) error.param = this.param;
    if (this.extra) Object.assign(error, this.extra);
    return { error };
  }
}

/** A broken invariant is a bug: it must crash the operation, never become a 4xx. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

export const errors = {
  missing: (param: string) =>
    new ApiError(`Missing required param: ${param}.`, { code: 'parameter_missing', param }),
  unknownParam: (param: string) =>
    new ApiError(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param }),
  invalid: (param: string, message: string, code?: string) => new ApiError(message, { code, param }),
  noSuch: (objectName: string, id: string, param = 'id') =>
    new ApiError(`No such ${objectName}: '${id}'`, { status: 404, code: 'resource_missing', param }),
};
