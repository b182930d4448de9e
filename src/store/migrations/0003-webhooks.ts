import type { Migration } from './types.ts';

// Webhooks. An event with matching endpoints gets one small `webhook_outbox` row in its own
// transaction (the request pays one insert, however many endpoints); the worker fans it out
// into one `webhook_deliveries` row per endpoint. `next_attempt_at` (ms since epoch) is null
// once a delivery is finished; the worker claims due rows by moving it forward by a lease.
export const webhooks: Migration = {
  version: 3,
  name: 'webhooks',
  steps: [
    { kind: 'objectTable', table: 'webhook_endpoints', columns: { status: 'text', livemode: 'integer' }, indexes: [] },
    {
      kind: 'objectTable',
      table: 'webhook_deliveries',
      columns: { endpoint: 'text', status: 'text', next_attempt_at: 'integer' },
      indexes: [['endpoint', 'next_attempt_at']],
    },
    { kind: 'objectTable', table: 'webhook_outbox', columns: { due_at: 'integer' }, indexes: [] },
    // The worker reads the outbox across accounts, oldest first.
    { kind: 'sql', sqlite: 'CREATE INDEX webhook_outbox_due ON webhook_outbox (due_at, seq)', postgres: 'CREATE INDEX webhook_outbox_due ON webhook_outbox (due_at, seq)' },
    { kind: 'addColumn', table: 'events', column: '_delivery_success', type: 'integer' },
  ],
};
