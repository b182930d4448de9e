import { authHeaders, type Scenario } from '../scenario.ts';
import { seedCustomers, seedLedger } from '../seed.ts';

/** GET cash_balance of a customer with a funded balance. */
export const retrieveCashBalance: Scenario<{ customer: string }> = {
  name: 'GET cash_balance',
  server: 'cashbook',
  seed: async (setup) => {
    const [customer] = await seedCustomers(setup, 1, 'balance');
    await seedLedger(setup, customer, 'usd', 10);
    return { customer };
  },
  requests: (target, { customer }) => [{ method: 'GET', path: `/v1/customers/${customer}/cash_balance`, headers: authHeaders(target) }],
};
