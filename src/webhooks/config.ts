// Webhook delivery settings from the environment.
import { LIVE_SCHEDULE, TEST_SCHEDULE, parseSchedule, type RetrySchedule } from '../core/webhook-retry.ts';

export interface WebhookConfig {
  /** Run the delivery worker in this process (several processes may share one database). */
  enabled: boolean;
  liveSchedule: RetrySchedule;
  testSchedule: RetrySchedule;
  /** One attempt's limit: connect, send and read the answer. */
  timeoutMs: number;
  /** Attempts in flight per endpoint, so one slow endpoint can't hold up the others. */
  concurrency: number;
  /** How often the worker looks for due deliveries when it has nothing to do. */
  pollMs: number;
  /** Deliveries claimed at once per endpoint. */
  batchSize: number;
  /** Claim lease; by default long enough for a claimed batch at the endpoint's concurrency. */
  leaseMs?: number;
}

function number(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return parsed;
}

export function webhookConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const both = env.CASHBOOK_WEBHOOK_RETRY_SCHEDULE ? parseSchedule(env.CASHBOOK_WEBHOOK_RETRY_SCHEDULE) : undefined;
  return {
    enabled: !['0', 'false', 'off', 'no'].includes((env.CASHBOOK_WEBHOOK_WORKER ?? '').toLowerCase()),
    liveSchedule: both ?? LIVE_SCHEDULE,
    testSchedule: env.CASHBOOK_WEBHOOK_TEST_RETRY_SCHEDULE ? parseSchedule(env.CASHBOOK_WEBHOOK_TEST_RETRY_SCHEDULE) : (both ?? TEST_SCHEDULE),
    timeoutMs: number(env.CASHBOOK_WEBHOOK_TIMEOUT_MS, 10_000, 'CASHBOOK_WEBHOOK_TIMEOUT_MS'),
    concurrency: Math.floor(number(env.CASHBOOK_WEBHOOK_CONCURRENCY, 4, 'CASHBOOK_WEBHOOK_CONCURRENCY')),
    pollMs: number(env.CASHBOOK_WEBHOOK_POLL_MS, 200, 'CASHBOOK_WEBHOOK_POLL_MS'),
    batchSize: Math.floor(number(env.CASHBOOK_WEBHOOK_BATCH, 32, 'CASHBOOK_WEBHOOK_BATCH')),
    leaseMs: env.CASHBOOK_WEBHOOK_LEASE_MS ? number(env.CASHBOOK_WEBHOOK_LEASE_MS, 0, 'CASHBOOK_WEBHOOK_LEASE_MS') : undefined,
  };
}
