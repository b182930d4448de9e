import type { Migration } from './types.ts';

/** The bank ranges virtual accounts are issued in (resources/virtual-account-ranges), one row per transfer type and country. */
export const virtualAccountRanges: Migration = {
  version: 18,
  name: 'virtual-account-ranges',
  steps: [{ kind: 'objectTable', table: 'virtual_account_ranges', columns: { type: 'text', country: 'text' }, indexes: [] }],
};
