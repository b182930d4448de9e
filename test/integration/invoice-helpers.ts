// Helpers shared by the credit-balance and invoice suites (not a test file itself).
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import type { TestServer } from '../support/server.ts';

/** Events of a type, newest first, through the events API. */
export async function eventsOf(server: TestServer, type: string): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of server.stripe.events.list({ type, limit: 100 })) events.push(event);
  return events;
}

/** The credit balance equals the sum of its transactions, per currency, and `balance` is the customer currency's. */
export async function assertCreditLedger(stripe: Stripe, customerId: string): Promise<Record<string, number>> {
  const entries: Stripe.CustomerBalanceTransaction[] = [];
  for await (const entry of stripe.customers.listBalanceTransactions(customerId, { limit: 100 })) entries.push(entry);
  entries.reverse(); // oldest first
  const running: Record<string, number> = {};
  for (const entry of entries) {
    assert.ok(Number.isSafeInteger(entry.amount) && entry.amount !== 0, `bad amount on ${entry.id}`);
    assert.equal(entry.ending_balance, (running[entry.currency] ?? 0) + entry.amount, `ending_balance chain broken at ${entry.id}`);
    running[entry.currency] = entry.ending_balance;
  }
  const customer = (await stripe.customers.retrieve(customerId, { expand: ['invoice_credit_balance'] })) as Stripe.Customer;
  assert.deepEqual(customer.invoice_credit_balance, running, 'per-currency credit balance = sum of its transactions');
  assert.equal(customer.balance, customer.currency ? (running[customer.currency] ?? 0) : 0, 'balance is the customer currency credit balance');
  return running;
}

/** An invoice's amounts add up (the same invariants the server asserts). */
export function assertInvoiceAmounts(invoice: Stripe.Invoice): void {
  const lines = invoice.lines.data.reduce((sum, line) => sum + line.amount, 0);
  assert.equal(invoice.subtotal, lines, 'subtotal = sum of lines');
  assert.equal(invoice.total, invoice.subtotal, 'no tax or discounts: total = subtotal');
  assert.equal(invoice.amount_remaining, invoice.amount_due - invoice.amount_paid, 'amount_remaining = amount_due - amount_paid');
  assert.ok(invoice.amount_paid >= 0 && invoice.amount_paid <= invoice.amount_due);
  if (invoice.status === 'draft') assert.equal(invoice.ending_balance, null);
  else assert.equal(invoice.amount_due, invoice.total + invoice.starting_balance - invoice.ending_balance!, 'amount_due = total + starting_balance - ending_balance');
  if (invoice.status === 'paid') assert.equal(invoice.amount_remaining, 0);
}
