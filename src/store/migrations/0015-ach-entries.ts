import type { Migration } from './types.ts';

/**
 * NACHA entries carry only the last 15 characters of a payment's id (the entry's individual
 * id field), and banks' BAI2 files may echo just that: one row per entry of a NACHA file,
 * keyed by that 15-character id, names the refund or returned unmatched transfer it pays, so
 * settlement finds it.
 */
export const achEntries: Migration = {
  version: 15,
  name: 'ach-entries',
  steps: [{ kind: 'objectTable', table: 'ach_entries', columns: {}, indexes: [] }],
};
