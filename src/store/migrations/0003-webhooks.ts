import type { Migration } from './types.ts';

// Webhook endpoints, and one delivery row per (event, endpoint) written in the event's own
// transaction. `next_attempt_at` (ms since epoch) is null once a delivery is finished; the
// worker claims due rows by moving it forward by a lease before sending.
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
    { kind: 'addColumn', table: 'events', column: '_delivery_success', type: 'integer' },
  ],
};
