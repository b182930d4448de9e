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
  ids: IdGenerator;
}
