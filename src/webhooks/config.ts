// Webhook delivery settings; the numbers from the environment (src/config.ts reads the switch and the schedules).
import type { RetrySchedule } from '../core/webhook-retry.ts';

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

/** The worker's numbers: CASHBOOK_WEBHOOK_TIMEOUT_MS, _CONCURRENCY, _POLL_MS, _BATCH and _LEASE_MS. */
export function webhookNumbersFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<WebhookConfig, 'enabled' | 'liveSchedule' | 'testSchedule'> {
  return {
    timeoutMs: number(env.CASHBOOK_WEBHOOK_TIMEOUT_MS, 10_000, 'CASHBOOK_WEBHOOK_TIMEOUT_MS'),
    concurrency: Math.floor(number(env.CASHBOOK_WEBHOOK_CONCURRENCY, 4, 'CASHBOOK_WEBHOOK_CONCURRENCY')),
    pollMs: number(env.CASHBOOK_WEBHOOK_POLL_MS, 200, 'CASHBOOK_WEBHOOK_POLL_MS'),
    batchSize: Math.floor(number(env.CASHBOOK_WEBHOOK_BATCH, 32, 'CASHBOOK_WEBHOOK_BATCH')),
    leaseMs: env.CASHBOOK_WEBHOOK_LEASE_MS ? number(env.CASHBOOK_WEBHOOK_LEASE_MS, 0, 'CASHBOOK_WEBHOOK_LEASE_MS') : undefined,
  };
}
