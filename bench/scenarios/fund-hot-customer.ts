import { randomUUID } from 'node:crypto';
import { authHeaders, type Scenario } from '../scenario.ts';
import { seedCustomers } from '../seed.ts';

/**
 * Every connection funds the SAME customer: each request must wait for the one before it on
 * that balance row (SQLite: one writer; PostgreSQL: the row lock), so this measures the
 * serial rate of one hot balance.
 */
export const fundHotCustomer: Scenario<{ customer: string }> = {
  name: 'POST fund_cash_balance (one hot customer)',
  server: 'cashbook',
  seed: async (setup) => ({ customer: (await seedCustomers(setup, 1, 'hot'))[0] }),
  requests: (target, { customer }) => [
    {
      method: 'POST',
      path: `/v1/test_helpers/customers/${customer}/fund_cash_balance`,
      headers: { ...authHeaders(target), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=1234&currency=usd',
      setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }),
    },
  ],
};
