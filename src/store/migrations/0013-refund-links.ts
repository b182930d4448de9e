import type { Migration } from './types.ts';

/** Links to the customer's refund bank-details page: tokens under the `_public` pseudo-account. */
export const refundLinks: Migration = {
  version: 13,
  name: 'refund-links',
  steps: [{ kind: 'objectTable', table: 'refund_links', columns: {}, indexes: [] }],
};
