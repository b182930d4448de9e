import type { Migration } from './types.ts';

/**
 * A pending fan-out is a mark on the event row instead of a `webhook_outbox` row: an event with
 * matching endpoints is written with `_fanout_due_at` (ms since epoch) and the endpoints in
 * its stored data, and a partial index holds only the marked events. The request then pays one
 * index entry instead of a row in a table with three indexes (measured in process: the outbox
 * row and its commit pages were two thirds of what an event with endpoints added to its
 * request). Rows already in `webhook_outbox` are still fanned out.
 */
export const eventFanout: Migration = {
  version: 8,
  name: 'event-fanout',
  steps: [
    { kind: 'addColumn', table: 'events', column: '_fanout_due_at', type: 'integer' },
    {
      kind: 'sql',
      sqlite: 'CREATE INDEX events_fanout_due ON events (_fanout_due_at, seq) WHERE _fanout_due_at IS NOT NULL',
      postgres: 'CREATE INDEX events_fanout_due ON events (_fanout_due_at, seq) WHERE _fanout_due_at IS NOT NULL',
    },
  ],
};
