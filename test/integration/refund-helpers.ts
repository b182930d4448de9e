// Helpers for the refund*, return*, reversal*, test-clock* and balance* suites (not a test file).
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import type { StoredPosting } from '../../src/resources/balance/journal.ts';
import type { TestServer } from '../support/server.ts';
import { assertAllCashLedgers } from '../support/invariants.ts';

export const DAY = 86_400;

/**
 * Advances a test clock as a Stripe integration does: the call answers `advancing` with the
 * frozen time unchanged, then the clock is polled until it is `ready` at the new time.
 */
export async function advanceClock(stripe: Stripe, clockId: string, frozenTime: number): Promise<Stripe.TestHelpers.TestClock> {
  const started = await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: frozenTime });
  assert.equal(started.status, 'advancing');
  for (let polls = 0; ; polls++) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === 'ready') {
      // Another client may have advanced it further since (the random workload's actors).
      assert.ok(clock.frozen_time >= frozenTime, `ready at ${clock.frozen_time}, before ${frozenTime}`);
      return clock;
    }
    assert.equal(clock.status, 'advancing');
    assert.ok(polls < 6000, `test clock ${clockId} still advancing after ${polls} polls`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The books after a test: every cash ledger chains and matches its balance; postings sum to
 * zero per currency over all accounts; each customer's cash account equals its cash balance;
 * the merchant account equals GET /v1/balance and the sum of the balance transactions.
 */
export async function assertBooks(server: TestServer): Promise<void> {
  const { stripe } = server;
  await assertAllCashLedgers(stripe);
  const postings = await server.store.read((tx) => tx.all<StoredPosting>('ledger_postings', DEFAULT_ACCOUNT_ID, {}));
  const byCurrency: Record<string, number> = {};
  const byAccount = new Map<string, number>();
  const journals = new Map<string, Record<string, number>>();
  for (const p of postings) {
    assert.ok(Number.isSafeInteger(p.amount) && p.amount !== 0, `bad posting ${p.id}`);
    byCurrency[p.currency] = (byCurrency[p.currency] ?? 0) + p.amount;
    byAccount.set(`${p.account}|${p.currency}`, (byAccount.get(`${p.account}|${p.currency}`) ?? 0) + p.amount);
    const journal = journals.get(p.journal) ?? {};
    journal[p.currency] = (journal[p.currency] ?? 0) + p.amount;
    journals.set(p.journal, journal);
  }
  for (const [currency, sum] of Object.entries(byCurrency)) assert.equal(sum, 0, `${currency} does not sum to zero over all accounts`);
  for (const [id, sums] of journals) for (const [currency, sum] of Object.entries(sums)) assert.equal(sum, 0, `journal ${id} unbalanced in ${currency}`);
  for await (const customer of stripe.customers.list({ limit: 100 })) {
    const balance = await stripe.customers.retrieveCashBalance(customer.id);
    for (const [currency, amount] of Object.entries(balance.available ?? {})) {
      assert.equal(byAccount.get(`cash_balance:${customer.id}|${currency}`) ?? 0, amount, `cash account of ${customer.id} ${currency}`);
    }
  }
  const txnSums: Record<string, number> = {};
  for await (const txn of stripe.balanceTransactions.list({ limit: 100 })) txnSums[txn.currency] = (txnSums[txn.currency] ?? 0) + txn.net;
  const merchant = await stripe.balance.retrieve();
  for (const [key, sum] of byAccount) {
    const [account, currency] = key.split('|');
    if (account === 'merchant_available') assert.equal(merchant.available.find((e) => e.currency === currency)?.amount, sum, `GET /v1/balance shows the merchant's ${currency}`);
  }
  for (const entry of merchant.available) {
    assert.equal(entry.amount, byAccount.get(`merchant_available|${entry.currency}`) ?? 0, `merchant ${entry.currency} vs postings`);
    assert.equal(entry.amount, txnSums[entry.currency] ?? 0, `merchant ${entry.currency} vs balance transactions`);
  }
}

export async function merchantBalance(stripe: Stripe, currency = 'usd'): Promise<number> {
  return (await stripe.balance.retrieve()).available.find((entry) => entry.currency === currency)?.amount ?? 0;
}

/** Cashbook extension route: submits test bank details for a refund. */
export async function submitBankDetails(server: TestServer, refund: string, account: Record<string, string>) {
  return server.request('POST', `/cashbook/v1/test_helpers/refunds/${refund}/submit_bank_details`, { form: new URLSearchParams(account).toString() });
}

export async function refundToCashBalance(server: TestServer, intent: string, form = '') {
  return server.request('POST', `/cashbook/v1/payment_intents/${intent}/refund_to_cash_balance`, { form });
}

export function rejectsWith(status: number, check: Partial<{ code: string; param: string; type: string }> = {}) {
  return (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status, error.message);
    if (check.code !== undefined) assert.equal(error.code, check.code);
    if (check.param !== undefined) assert.equal(error.param, check.param);
    assert.equal(error.type, check.type ?? 'StripeInvalidRequestError');
    return true;
  };
}

export const US_OK = { routing_number: '110000000', account_number: '000123456789' };
export const US_FAIL = { routing_number: '110000000', account_number: '000111111113' };
export const IBAN_OK = { iban: 'DE89370400440532013000' };
export const IBAN_FAIL = { iban: 'DE89370400440532013003' };
