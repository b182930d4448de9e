import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { startScheduler } from '../../src/resources/scheduler/worker.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent, ledger } from './payments-helpers.ts';
import { advanceClock, assertBooks, DAY, merchantBalance, rejectsWith, submitBankDetails, US_OK } from './refund-helpers.ts';

const now = () => Math.floor(Date.now() / 1000);

describeEachStore('test clocks and the passing of days', (server) => {
  afterEach(async () => assertBooks(server()));

  async function clockedCustomer(stripe: Stripe, options: { email?: string | null; mode?: 'manual' | 'automatic' } = {}) {
    const start = now();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: 'cashbook' });
    const email = options.email === undefined ? 'clock@example.com' : options.email;
    const cus = await stripe.customers.create({
      test_clock: clock.id,
      ...(email ? { email } : {}),
      cash_balance: { settings: { reconciliation_mode: options.mode ?? 'manual' } },
    });
    return { clock, cus, start };
  }

  it('creates, retrieves, lists, advances and deletes test clocks with the SDK', async () => {
    const { stripe } = server();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_700_000_000, name: 'Monthly' });
    assert.match(clock.id, /^clock_/);
    assert.deepEqual([clock.object, clock.frozen_time, clock.name, clock.status, clock.livemode], ['test_helpers.test_clock', 1_700_000_000, 'Monthly', 'ready', false]);
    assert.equal(clock.deletes_after, clock.created + 30 * DAY);
    assert.equal((await stripe.testHelpers.testClocks.retrieve(clock.id)).name, 'Monthly');
    assert.ok((await stripe.testHelpers.testClocks.list({ limit: 100 })).data.some((c) => c.id === clock.id));
    const advanced = await advanceClock(stripe, clock.id, 1_700_000_000 + DAY);
    assert.deepEqual([advanced.status, advanced.frozen_time], ['ready', 1_700_000_000 + DAY]);
    await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_700_000_000 }), rejectsWith(400, { param: 'frozen_time' }));
    await assert.rejects(stripe.testHelpers.testClocks.create({} as Stripe.TestHelpers.TestClockCreateParams), rejectsWith(400, { code: 'parameter_missing', param: 'frozen_time' }));
    const cus = await stripe.customers.create({ test_clock: clock.id, email: 'clocked@example.com' });
    const plain = await stripe.customers.create({ email: 'clocked@example.com' });
    // Stripe: a list without test_clock leaves out customers with test clocks; with it, only that clock's.
    assert.deepEqual((await stripe.customers.list({ email: 'clocked@example.com' })).data.map((c) => c.id), [plain.id]);
    assert.ok(!(await stripe.customers.list({ limit: 100 })).data.some((c) => c.id === cus.id));
    assert.deepEqual((await stripe.customers.list({ test_clock: clock.id })).data.map((c) => c.id), [cus.id]);
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    assert.deepEqual([deleted.id, deleted.deleted], [clock.id, true]);
    const gone = await stripe.events.list({ type: 'customer.deleted', limit: 10 });
    assert.ok(gone.data.some((event) => (event.data.object as Stripe.Customer).id === cus.id), 'its customers go with it, each with customer.deleted');
    await assert.rejects(stripe.testHelpers.testClocks.retrieve(clock.id), rejectsWith(404, { code: 'resource_missing' }));
    assert.equal(((await stripe.customers.retrieve(cus.id)) as Stripe.DeletedCustomer).deleted, true, 'its customers go with it');
    const events = await stripe.events.list({ type: 'test_helpers.test_clock.ready', limit: 1 });
    assert.equal((events.data[0].data.object as Stripe.TestHelpers.TestClock).id, clock.id);
  });

  it("invoices and payments of a clock customer carry the clock's time: an invoice made on day 70 is due on day 100 and a transfer quoting its number pays it", async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe, { mode: 'automatic' });
    const day70 = start + 70 * DAY;
    await advanceClock(stripe, clock.id, day70);
    const draft = await stripe.invoices.create({ customer: cus.id, collection_method: 'send_invoice', days_until_due: 30, payment_settings: { payment_method_types: ['customer_balance'] } });
    await stripe.invoiceItems.create({ customer: cus.id, invoice: draft.id, amount: 1000 });
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    assert.deepEqual([invoice.created, invoice.status_transitions.finalized_at, invoice.due_date], [day70, day70, day70 + 30 * DAY]);
    await fund(stripe, cus.id, 1000, 'usd', invoice.number!);
    assert.equal((await stripe.invoices.retrieve(invoice.id)).status, 'paid', 'not overdue on the clock: reconciliation pays it');
    const pi = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: cus.id, payment_method_types: ['customer_balance'] } as Stripe.PaymentIntentCreateParams);
    assert.equal(pi.created, day70);
    assert.equal((await stripe.paymentIntents.cancel(pi.id)).canceled_at, day70);
  });

  it('a clock whose customer has a return on its way is not deleted until it is done; a plain balance goes with the customer', async () => {
    const { stripe } = server();
    const { clock, cus } = await clockedCustomer(stripe);
    await fund(stripe, cus.id, 900);
    const back = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 400 });
    await assert.rejects(stripe.testHelpers.testClocks.del(clock.id), rejectsWith(400, { param: 'test_clock' }));
    assert.equal((await stripe.testHelpers.testClocks.retrieve(clock.id)).id, clock.id, 'nothing deleted');
    assert.equal((await stripe.refunds.cancel(back.id)).status, 'canceled', 'the return can still be finished');
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    assert.equal(deleted.deleted, true);
    assert.equal(((await stripe.customers.retrieve(cus.id)) as Stripe.DeletedCustomer).deleted, true);
  });

  it('objects of a customer on a test clock get the clock time', async () => {
    const { stripe } = server();
    const { clock, cus } = await clockedCustomer(stripe);
    assert.equal(cus.created, clock.frozen_time);
    assert.equal(cus.test_clock, clock.id);
    await assert.rejects(stripe.customers.create({ test_clock: 'clock_nope' }), rejectsWith(404, { code: 'resource_missing', param: 'test_clock' }));
    const later = clock.frozen_time + 10 * DAY;
    await advanceClock(stripe, clock.id, later);
    const funded = await fund(stripe, cus.id, 500);
    assert.equal(funded.created, later);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 100 });
    assert.equal(refund.created, later);
    assert.equal(refund.next_action?.display_details?.expires_at, later + 45 * DAY);
  });

  it('a payment refund waiting for bank details fails 45 days after creation', async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe);
    await fund(stripe, cus.id, 1000);
    const pi = await intent(stripe, cus.id, 1000);
    assert.equal(pi.status, 'succeeded');
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 600 });
    await advanceClock(stripe, clock.id, start + 45 * DAY - 1);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'requires_action');
    await advanceClock(stripe, clock.id, start + 45 * DAY);
    const failed = await stripe.refunds.retrieve(refund.id);
    assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'unknown']);
    const last = (await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 1 })).data[0];
    assert.deepEqual([last.type, last.net_amount, last.created], ['refunded_from_payment', 600, start + 45 * DAY]);
  });

  it('a return waiting for details fails at 45 days (return_canceled); a settled one does not', async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe);
    await fund(stripe, cus.id, 1000);
    const waiting = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 300 });
    const settled = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 200 });
    await submitBankDetails(server(), settled.id, US_OK);
    await advanceClock(stripe, clock.id, start + 50 * DAY);
    assert.equal((await stripe.refunds.retrieve(waiting.id)).status, 'failed');
    assert.equal((await stripe.refunds.retrieve(settled.id)).status, 'succeeded');
    assert.equal(await balanceOf(stripe, cus.id), 800);
  });

  it('unreconciled funds: automatic return at 75 days, swept to the merchant balance at 90', async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe);
    await fund(stripe, cus.id, 1000);
    assert.equal((await intent(stripe, cus.id, 300)).status, 'succeeded');
    await advanceClock(stripe, clock.id, start + 75 * DAY - 1);
    assert.equal(await balanceOf(stripe, cus.id), 700);
    await advanceClock(stripe, clock.id, start + 80 * DAY);
    assert.equal(await balanceOf(stripe, cus.id), 0);
    const returns = (await stripe.refunds.list({ limit: 10 })).data.filter((r) => r.charge === null && r.amount === 700 && r.created === start + 75 * DAY);
    assert.equal(returns.length, 1);
    assert.equal(returns[0].status, 'requires_action');
    assert.equal(returns[0].next_action?.display_details?.expires_at, start + 90 * DAY);
    const merchantBefore = await merchantBalance(stripe);
    await advanceClock(stripe, clock.id, start + 100 * DAY);
    assert.equal((await stripe.refunds.retrieve(returns[0].id)).status, 'failed');
    assert.deepEqual((await ledger(stripe, cus.id)).slice(-3), [['return_initiated', -700], ['return_canceled', 700], ['transferred_to_balance', -700]]);
    const sweep = (await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 1, expand: ['data.transferred_to_balance.balance_transaction'] })).data[0];
    assert.equal(sweep.created, start + 90 * DAY);
    const txn = sweep.transferred_to_balance!.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual([txn.type, txn.amount, txn.source], ['payment_unreconciled', 700, sweep.id]);
    assert.equal(await merchantBalance(stripe), merchantBefore + 700);
    assert.equal(await balanceOf(stripe, cus.id), 0);
  });

  it('without an email the money waits and is swept at 90 days; one advance runs each deadline in order', async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe, { email: null });
    await fund(stripe, cus.id, 400, 'gbp');
    await advanceClock(stripe, clock.id, start + 10 * DAY);
    await fund(stripe, cus.id, 100, 'gbp');
    await advanceClock(stripe, clock.id, start + 95 * DAY);
    const rows = (await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 10 })).data.reverse();
    assert.deepEqual(rows.map((r) => [r.type, r.net_amount, r.created]), [
      ['funded', 400, start],
      ['funded', 100, start + 10 * DAY],
      ['transferred_to_balance', -400, start + 90 * DAY],
    ]);
    assert.equal(await balanceOf(stripe, cus.id, 'gbp'), 100);
    await advanceClock(stripe, clock.id, start + 101 * DAY);
    assert.equal(await balanceOf(stripe, cus.id, 'gbp'), 0);
  });

  it('an automatic return the customer answers is paid out, not swept', async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe);
    await fund(stripe, cus.id, 900, 'eur');
    await advanceClock(stripe, clock.id, start + 76 * DAY);
    const auto = (await stripe.refunds.list({ limit: 5 })).data.find((r) => r.currency === 'eur' && r.amount === 900 && r.status === 'requires_action')!;
    assert.equal((await submitBankDetails(server(), auto.id, { iban: 'DE89370400440532013000' })).body.status, 'succeeded');
    await advanceClock(stripe, clock.id, start + 120 * DAY);
    assert.equal((await stripe.refunds.retrieve(auto.id)).status, 'succeeded');
    assert.deepEqual((await ledger(stripe, cus.id)).map((r) => r[0]), ['funded', 'return_initiated']);
  });

  it("a clock's customer, its credit balance transactions and their events are dated by the clock", async () => {
    const { stripe } = server();
    const past = Math.floor(Date.now() / 1000) - 3 * DAY;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: past });
    const cus = await stripe.customers.create({ test_clock: clock.id, balance: -500 });
    assert.equal(cus.created, past);
    const adjustment = await stripe.customers.createBalanceTransaction(cus.id, { amount: -200, currency: 'usd' });
    await stripe.customers.update(cus.id, { name: 'Renamed' });
    const entries = await stripe.customers.listBalanceTransactions(cus.id);
    assert.deepEqual(entries.data.map((e) => [e.type, e.created]), [['adjustment', past], ['initial', past]]);
    assert.equal(adjustment.created, past);
    const events = (await stripe.events.list({ limit: 20 })).data.filter((e) => (e.data.object as { id?: string; customer?: string }).id === cus.id || (e.data.object as { customer?: string }).customer === cus.id);
    assert.ok(events.some((e) => e.type === 'customer.created') && events.some((e) => e.type === 'customer.updated'), events.map((e) => e.type).join());
    assert.deepEqual([...new Set(events.map((e) => e.created))], [past], 'every event of the customer at the clock\'s time');
  });

  it("an invoice item of a clock's customer names the clock, and expands it", async () => {
    const { stripe } = server();
    const { clock, cus } = await clockedCustomer(stripe);
    const item = await stripe.invoiceItems.create({ customer: cus.id, amount: 700, currency: 'usd' });
    assert.equal(item.test_clock, clock.id);
    const expanded = await stripe.invoiceItems.retrieve(item.id, { expand: ['test_clock'] });
    assert.equal((expanded.test_clock as Stripe.TestHelpers.TestClock).frozen_time, clock.frozen_time);
  });

  it('payments older than 180 days cannot be refunded', async () => {
    const { stripe } = server();
    const { clock, cus, start } = await clockedCustomer(stripe);
    await fund(stripe, cus.id, 100);
    const pi = await intent(stripe, cus.id, 100);
    await advanceClock(stripe, clock.id, start + 181 * DAY);
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id }), rejectsWith(400, { param: 'payment_intent' }));
  });

  // Last in the suite: the real-clock scheduler acts on every customer without a test clock.
  it('customers on the real clock: the stored jobs run from the periodic scheduler', async () => {
    const { stripe, store } = server();
    const cus = await stripe.customers.create({ email: 'real@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const funded = await fund(stripe, cus.id, 321, 'mxn');
    const at = (days: number) => ({ nowSeconds: () => funded.created + days * DAY });
    await startScheduler({ store, clock: at(74) }).stop();
    assert.equal(await balanceOf(stripe, cus.id, 'mxn'), 321);
    await startScheduler({ store, clock: at(76) }).stop();
    assert.equal(await balanceOf(stripe, cus.id, 'mxn'), 0);
    await startScheduler({ store, clock: at(91) }).stop();
    assert.deepEqual((await ledger(stripe, cus.id)).map((r) => r[0]), ['funded', 'return_initiated', 'return_canceled', 'transferred_to_balance']);
    await startScheduler({ store, clock: at(200) }).stop();
    assert.equal((await ledger(stripe, cus.id)).length, 4, 'each job runs once');
  });
});
