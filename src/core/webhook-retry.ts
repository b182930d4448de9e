// The webhook retry schedule, pure: when the next attempt is due after a failed one.

/** Seconds between attempts: entry i is the wait after failed attempt i+1. */
export type RetrySchedule = readonly number[];

// The spec's suggestion: exponential backoff over three days in live mode
// (1 min, 5 min, 30 min, 2 h, 5 h, 10 h, then every 12 h: the last retry at ~66 h, within 72 h) ...
export const LIVE_SCHEDULE: RetrySchedule = [60, 300, 1800, 7200, 18000, 36000, 43200, 43200, 43200, 43200];
// ... and three retries over a few hours in test mode, as Stripe's sandboxes do.
export const TEST_SCHEDULE: RetrySchedule = [300, 1800, 7200];

/**
 * Milliseconds-since-epoch of the next attempt after `attempts` failed attempts (1-based),
 * or null when the schedule is exhausted and the delivery has failed for good.
 */
export function nextAttemptAt(schedule: RetrySchedule, attempts: number, failedAtMs: number): number | null {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  const wait = schedule[attempts - 1];
  return wait === undefined ? null : failedAtMs + Math.round(wait * 1000);
}

/** Parses `60,300,1800` (seconds, decimals allowed); throws on anything else. */
export function parseSchedule(text: string): RetrySchedule {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`invalid retry schedule: ${text}`);
  return values;
}
