// Fast seeding through the services, in large write batches, before the server starts.
import { postCashTransactions, type CashMovementRequest } from '../src/resources/cash-balance/service.ts';
import { createCustomer } from '../src/resources/customers/service.ts';
import type { SeedContext } from './scenario.ts';

export async function seedCustomers(setup: SeedContext, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Math.min(500, count - start);
    await setup.store.write(async (tx) => {
      for (let i = 0; i < batch; i++) ids.push((await createCustomer(tx, setup.ctx, { email: `${label}-${start + i}@bench.example` })).id);
    });
  }
  return ids;
}

/** Books `entries` funded entries of 1.00 each on one customer's cash balance, `batch` per transaction. */
export async function seedLedger(setup: SeedContext, customerId: string, currency: string, entries: number, batch = 2000): Promise<void> {
  for (let done = 0; done < entries; done += batch) {
    const size = Math.min(batch, entries - done);
    const movements: CashMovementRequest[] = Array.from({ length: size }, (_, i) => ({
      type: 'funded',
      netAmount: 100,
      detail: { bank_transfer: { reference: `seed-${done + i}`, type: 'us_bank_transfer', us_bank_transfer: { network: 'ach', sender_name: 'Bench Inc.' } } },
    }));
    await setup.store.write((tx) => postCashTransactions(tx, setup.ctx, customerId, currency, movements));
  }
}
