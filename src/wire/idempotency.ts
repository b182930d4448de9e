// Idempotency: a POST with a key runs once; its status and body are stored in the same
// transaction as its effect, and a retry with the same key gets them back.
import { createHash } from 'node:crypto';
import { ApiError } from '../core/errors.ts';
import type { IdempotencyRecord } from '../store/types.ts';

export const MAX_KEY_LENGTH = 255;
/** Keys are kept at least this long (Stripe: 24 hours). */
export const KEY_RETENTION_SECONDS = 24 * 60 * 60;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  // A form sends every value as text: `amount=100` and JSON's `"amount": 100` are one request.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

/** Hash of the decoded parameters, so encoding differences (a[]= vs a[0]=, a form or JSON) do not matter. */
export function requestHash(params: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(params ?? {}))).digest('base64url');
}

export function checkKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) {
    throw new ApiError(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`, { param: 'Idempotency-Key' });
  }
}

export function inFlightError(key: string): ApiError {
  return new ApiError(
    `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
    { status: 409, type: 'idempotency_error', code: 'idempotency_key_in_use', headers: { 'Stripe-Should-Retry': 'true' } },
  );
}

/** The path a key is tied to: percent-decoded, so `cus%5F1` and `cus_1` are one endpoint. */
export function keyPath(url: string): string {
  const path = url.split('?')[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // the router answers a malformed one before any route runs
  }
}

/** Checks a stored record against a retry; throws when the retry is a different request. */
export function checkReplay(record: IdempotencyRecord, method: string, path: string, hash: string): void {
  if (record.method !== method || record.path !== path) {
    throw new ApiError(
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${method} ${path}' vs '${record.method} ${record.path}'). Try using a key other than '${record.key}' if you meant to execute a different request.`,
      { type: 'idempotency_error' },
    );
  }
  if (record.requestHash !== hash) {
    throw new ApiError(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${record.key}' if you meant to execute a different request.`,
      { type: 'idempotency_error' },
    );
  }
}
