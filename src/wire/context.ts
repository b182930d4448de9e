import type { Clock } from '../core/clock.ts';
import type { IdGenerator } from '../core/ids.ts';

/** Who is asking and with what: handed to every service call. */
export interface RequestContext {
  accountId: string;
  livemode: boolean;
  requestId: string | null;
  /** Null for work that no API request caused (reconciliation after a transfer, sweeps). */
  idempotencyKey: string | null;
  clock: Clock;
  /** The request's (or process's) own clock, when `clock` is a test clock's time instead. */
  requestClock?: Clock;
  ids: IdGenerator;
}

/** A context for work no API request caused (reconciliation of a transfer, schedulers, sweeps). */
export function systemContext(accountId: string, livemode: boolean, clock: Clock, ids: IdGenerator): RequestContext {
  return { accountId, livemode, requestId: null, idempotencyKey: null, clock, ids };
}
