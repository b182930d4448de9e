import { authHeaders, type Scenario } from '../scenario.ts';
import { seedCustomers, seedLedger } from '../seed.ts';

/** GET cash_balance_transactions?limit=100 of a customer whose ledger holds `entries` entries. */
export function listCashTransactions(entries: number): Scenario<{ customer: string }> {
  return {
    name: `GET cash_balance_transactions?limit=100 (${entries.toLocaleString('en-US')} entries)`,
    server: 'cashbook',
    seed: async (setup) => {
      const [customer] = await seedCustomers(setup, 1, `list${entries}`);
      await seedLedger(setup, customer, 'usd', entries);
      return { customer };
    },
    requests: (target, { customer }) => [
      { method: 'GET', path: `/v1/customers/${customer}/cash_balance_transactions?limit=100`, headers: authHeaders(target) },
    ],
  };
}
