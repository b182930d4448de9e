import { randomUUID } from 'node:crypto';
import { authHeaders, type Scenario } from '../scenario.ts';
import { seedCustomers } from '../seed.ts';

/** POST fund_cash_balance as the SDK sends it: Bearer auth and a fresh Idempotency-Key each time, round-robin over `count` customers. */
function fundCustomers(count: number, name: string): Scenario<{ customers: string[] }> {
  return {
    name,
    server: 'cashbook',
    seed: async (setup) => ({ customers: await seedCustomers(setup, count, `fund${count}`) }),
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
}

export const fundCashBalance = fundCustomers(100, 'POST fund_cash_balance (new Idempotency-Key)');
/** Fewer customers than connections, so requests for one balance overlap (issue 17 asks for 20). */
export const fundTwentyCustomers = fundCustomers(20, 'POST fund_cash_balance (20 customers)');
