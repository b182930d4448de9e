// Helpers shared by the payment-intents* and reconciliation* suites (not a test file itself).
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { assertCashLedger } from '../support/invariants.ts';

export type Mode = 'automatic' | 'manual';

export async function newCustomer(stripe: Stripe, mode?: Mode): Promise<Stripe.Customer> {
  return stripe.customers.create(mode ? { cash_balance: { settings: { reconciliation_mode: mode } } } : {});
}

export async function fund(stripe: Stripe, customer: string, amount: number, currency = 'usd', reference?: string) {
  return stripe.testHelpers.customers.fundCashBalance(customer, { amount, currency, ...(reference ? { reference } : {}) });
}

export async function balanceOf(stripe: Stripe, customer: string, currency = 'usd'): Promise<number> {
  return (await stripe.customers.retrieveCashBalance(customer)).available?.[currency] ?? 0;
}

/** A customer_balance intent; `fundingType` false leaves out the bank-transfer funding option. */
export async function intent(
  stripe: Stripe,
  customer: string,
  amount: number,
  options: { currency?: string; confirm?: boolean; fundingType?: boolean; extra?: Partial<Stripe.PaymentIntentCreateParams> } = {},
): Promise<Stripe.PaymentIntent> {
  const currency = options.currency ?? 'usd';
  const type = { usd: 'us_bank_transfer', eur: 'eu_bank_transfer', gbp: 'gb_bank_transfer', jpy: 'jp_bank_transfer', mxn: 'mx_bank_transfer' }[currency] as Stripe.PaymentIntentCreateParams.PaymentMethodOptions.CustomerBalance.BankTransfer.Type;
  return stripe.paymentIntents.create({
    amount,
    currency,
    customer,
    payment_method_types: ['customer_balance'],
    payment_method_data: { type: 'customer_balance' },
    ...(options.fundingType === false
      ? {}
      : {
          payment_method_options: {
            customer_balance: {
              funding_type: 'bank_transfer',
              bank_transfer: { type, ...(currency === 'eur' ? { eu_bank_transfer: { country: 'NL' } } : {}) },
            },
          },
        }),
    confirm: options.confirm ?? true,
    ...options.extra,
  } as Stripe.PaymentIntentCreateParams);
}

/** Ledger rows of a customer, oldest first, as [type, net_amount, payment_intent?]. */
export async function ledger(stripe: Stripe, customer: string): Promise<[string, number, string?][]> {
  const rows: Stripe.CustomerCashBalanceTransaction[] = [];
  for await (const row of stripe.customers.listCashBalanceTransactions(customer, { limit: 100 })) rows.push(row);
  return rows.reverse().map((row) => {
    const pi = row.applied_to_payment?.payment_intent ?? row.unapplied_from_payment?.payment_intent;
    return pi ? [row.type, row.net_amount, typeof pi === 'string' ? pi : pi.id] : [row.type, row.net_amount];
  });
}

/** Event types (oldest first) emitted after `sinceEventId` whose object is linked to `ids`. */
export async function eventsSince(stripe: Stripe, sinceEventId: string | undefined, ids: string[]): Promise<string[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100, ...(sinceEventId ? { ending_before: sinceEventId } : {}) })) {
    events.push(event);
    if (events.length > 500) break;
  }
  // Paging backwards from a cursor, the SDK already yields oldest first.
  return (sinceEventId ? events : events.reverse())
    .filter((event) => {
      const object = event.data.object as unknown as Record<string, unknown>;
      return ids.some((id) => object.id === id || object.customer === id || object.payment_intent === id);
    })
    .map((event) => event.type);
}

export async function lastEventId(stripe: Stripe): Promise<string | undefined> {
  return (await stripe.events.list({ limit: 1 })).data[0]?.id;
}

export async function checkLedger(stripe: Stripe, ...customers: string[]): Promise<void> {
  for (const customer of customers) await assertCashLedger(stripe, customer);
}

export async function rejectsUnexpectedState(promise: Promise<unknown>, status: string, verb?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, 400);
    assert.equal(error.type, 'StripeInvalidRequestError');
    assert.equal(error.code, 'payment_intent_unexpected_state');
    assert.equal((error.raw as { payment_intent?: { status: string } }).payment_intent?.status, status);
    if (verb) assert.match(error.message, verb);
    return true;
  });
}
