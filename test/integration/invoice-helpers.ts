// Helpers shared by the credit-balance and invoice suites (not a test file itself).
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import type { TestServer } from '../support/server.ts';
import { assertCashLedger } from '../support/invariants.ts';
import { checkInvoiceAmounts } from '../../src/core/invoice.ts';

/** Events of a type, newest first, through the events API. */
export async function eventsOf(server: TestServer, type: string): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of server.stripe.events.list({ type, limit: 100 })) events.push(event);
  return events;
}

/**
 * The auditor's checks on this customer's credit ledger (each balance the sum of its
 * transactions, each ending_balance chained; src/verify), then what the API shows of it:
 * `invoice_credit_balance` per currency, and `balance` the customer currency's.
 */
export async function assertCreditLedger(stripe: Stripe, customerId: string): Promise<Record<string, number>> {
  await assertCashLedger(stripe, customerId);
  const customer = (await stripe.customers.retrieve(customerId, { expand: ['invoice_credit_balance'] })) as Stripe.Customer;
  const running = customer.invoice_credit_balance ?? {};
  assert.equal(customer.balance, customer.currency ? (running[customer.currency] ?? 0) : 0, 'balance is the customer currency credit balance');
  return running;
}

/** An invoice's amounts add up, by the check the server and the auditor run (src/core/invoice.ts). */
export function assertInvoiceAmounts(invoice: Stripe.Invoice): void {
  assert.doesNotThrow(() => checkInvoiceAmounts({ ...invoice, status: invoice.status as never, lineAmounts: invoice.lines.data.map((line) => line.amount) }), `${invoice.id}'s amounts`);
}
