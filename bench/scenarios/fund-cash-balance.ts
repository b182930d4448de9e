import { randomUUID } from 'node:crypto';
import { authHeaders, type Scenario } from '../scenario.ts';
import { seedCustomers } from '../seed.ts';

const CUSTOMERS = 100;

/** POST fund_cash_balance as the SDK sends it: Bearer auth and a fresh Idempotency-Key each time. */
export const fundCashBalance: Scenario<{ customers: string[] }> = {
  name: 'POST fund_cash_balance (new Idempotency-Key)',
  server: 'cashbook',
  seed: async (setup) => ({ customers: await seedCustomers(setup, CUSTOMERS, 'fund') }),
  requests: (target, { customers }) => {
    let next = 0;
    return [
      {
        method: 'POST',
        path: '/v1/test_helpers/customers/x/fund_cash_balance',
        headers: { ...authHeaders(target), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'amount=1234&currency=usd',
        setupRequest: (request) => ({
          ...request,
          path: `/v1/test_helpers/customers/${customers[next++ % customers.length]}/fund_cash_balance`,
          headers: { ...request.headers, 'idempotency-key': randomUUID() },
        }),
      },
    ];
  },
};
