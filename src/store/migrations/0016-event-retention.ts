import type { Migration } from './types.ts';

/**
 * When an event leaves the 30-day window: `created` is a test clock's time for a customer on a
 * clock, which may lie weeks in the past, so the window is counted from the later of `created`
 * and the wall-clock time it was recorded. Events of before this migration keep `created`, in
 * the column and in their data (appended as the last key, the others unchanged).
 */
export const eventRetention: Migration = {
  version: 16,
  name: 'event-retention',
  steps: [
    { kind: 'addColumn', table: 'events', column: '_retained_from', type: 'integer' },
    {
      kind: 'sql',
      sqlite: `UPDATE events SET _retained_from = created, data = substr(data, 1, length(data) - 1) || ',"_retained_from":' || created || '}'`,
      postgres: `UPDATE events SET _retained_from = created, data = left(data, length(data) - 1) || ',"_retained_from":' || created || '}'`,
    },
  ],
};
