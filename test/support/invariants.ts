// Ledger invariants, checked through the public API: for every customer and currency, the
// cash balance equals the sum of its entries and each ending_balance follows from the last.
import assert from 'node:assert/strict';
import type Stripe from 'stripe';

export async function assertCashLedger(stripe: Stripe, customerId: string): Promise<void> {
  const entries: Stripe.CustomerCashBalanceTransaction[] = [];
  for await (const entry of stripe.customers.listCashBalanceTransactions(customerId, { limit: 100 })) entries.push(entry);
  entries.reverse(); // oldest first
  const running: Record<string, number> = {};
  for (const entry of entries) {
    const previous = running[entry.currency] ?? 0;
    assert.equal(entry.ending_balance, previous + entry.net_amount, `ending_balance chain broken at ${entry.id}`);
    assert.ok(Number.isSafeInteger(entry.net_amount) && entry.net_amount !== 0, `bad net_amount on ${entry.id}`);
    running[entry.currency] = entry.ending_balance;
  }
  const balance = await stripe.customers.retrieveCashBalance(customerId);
  for (const [currency, amount] of Object.entries(balance.available ?? {})) {
    assert.equal(amount, running[currency] ?? 0, `balance ${currency} differs from the sum of its entries`);
    assert.ok(amount >= 0, `negative ${currency} balance`);
  }
  for (const currency of Object.keys(running)) assert.ok(balance.available && currency in balance.available, `currency ${currency} missing from balance`);
}

export async function assertAllCashLedgers(stripe: Stripe): Promise<number> {
  let count = 0;
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    await assertCashLedger(stripe, customer.id);
    count++;
  }
  return count;
}
