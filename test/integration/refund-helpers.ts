// Helpers for the refund*, return*, reversal*, test-clock* and balance* suites (not a test file).
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
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
 * The books after a test: every invariant `cashbook verify` checks (cash ledgers, the
 * double-entry journal, the merchant balance, intents, refunds, invoices, 75/90-day jobs),
 * over the whole database in one snapshot (src/verify/).
 */
export async function assertBooks(server: TestServer): Promise<void> {
  await assertAllCashLedgers(server.stripe);
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
