import type { Migration } from './types.ts';

// PaymentIntents paid from the cash balance, their PaymentMethods and Charges, and the tokens
// of the hosted bank-transfer instructions pages (stored under the pseudo-account '_public',
// since the page is reached without an API key).
export const payments: Migration = {
  version: 2,
  name: 'payments',
  steps: [
    {
      kind: 'objectTable',
      table: 'payment_intents',
      columns: { customer: 'text', currency: 'text', status: 'text', invoice: 'text' },
      indexes: [['customer', 'seq'], ['customer', 'currency', 'status']],
    },
    { kind: 'objectTable', table: 'payment_methods', columns: { customer: 'text' }, indexes: [] },
    {
      kind: 'objectTable',
      table: 'charges',
      columns: { customer: 'text', payment_intent: 'text' },
      indexes: [['customer', 'seq'], ['payment_intent', 'seq']],
    },
    { kind: 'objectTable', table: 'hosted_instructions', columns: {}, indexes: [] },
  ],
};
