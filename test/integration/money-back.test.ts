// Money that comes back into a cash balance (a failed refund, a canceled payment, a canceled
// return) follows the unreconciled-funds rules like a funding: returned at 75 days, swept at
// 90 (spec refunds §2, §6). A 75-day return that comes to nothing keeps its funding's age;
// a reversed funding is no money to return; money that repays the merchant's overdraft
// cover goes back to the merchant, never to the customer. Each through the SDK on a clock.
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent } from './payments-helpers.ts';
import { advanceClock, assertBooks, DAY, merchantBalance } from './refund-helpers.ts';

describeEachStore('money back into a cash balance ages like a funding', (server) => {
  afterEach(async () => assertBooks(server()));

  async function clocked(stripe: Stripe, mode: 'manual' | 'automatic' = 'manual') {
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const cus = await stripe.customers.create({ email: 'back@example.com', test_clock: clock.id, cash_balance: { settings: { reconciliation_mode: mode } } });
    const at = (days: number) => advanceClock(stripe, clock.id, start + days * DAY);
    return { cus, start, at };
  }

  /** The customer's cash entries, oldest first, as [type, net_amount, day]. */
  async function rows(stripe: Stripe, customer: string, start: number): Promise<[string, number, number][]> {
    const all: Stripe.CustomerCashBalanceTransaction[] = [];
    for await (const row of stripe.customers.listCashBalanceTransactions(customer, { limit: 100 })) all.push(row);
    return all.reverse().map((r) => [r.type, r.net_amount, (r.created - start) / DAY]);
  }

  /** Returns (origin customer_balance) of a customer, oldest first, as [amount, status, day created]: told apart by amount and time, as the API does not say whose a return is. */
  async function returnsOf(stripe: Stripe, customer: string, currency: string, start: number): Promise<[number, string, number][]> {
    const found: [number, string, number][] = [];
    for await (const r of stripe.refunds.list({ limit: 100 })) {
      if (r.charge === null && r.currency === currency && r.created >= start) {
        const balanceEntries = await stripe.customers.listCashBalanceTransactions(customer, { limit: 100 });
        if (balanceEntries.data.some((e) => e.type === 'return_initiated' && e.created === r.created && e.net_amount === -r.amount)) found.push([r.amount, r.status ?? '', (r.created - start) / DAY]);
      }
    }
    return found.reverse();
  }

  it('a funding that arrives while an earlier one is out in its 75-day return is still returned at its own day 75', async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe);
    await fund(stripe, cus.id, 100, 'eur');
    await at(76);
    await fund(stripe, cus.id, 50, 'eur');
    await at(91); // the first return ran out: its money came back and was swept in one step
    assert.equal(await balanceOf(stripe, cus.id, 'eur'), 50);
    await at(152);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['return_initiated', -50, 151]], 'the second funding is returned at its day 75');
    await at(170);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-2), [['return_canceled', 50, 166], ['transferred_to_balance', -50, 166]]);
    assert.equal(await balanceOf(stripe, cus.id, 'eur'), 0);
  });

  it("a failed payment refund's money is returned 75 days after it came back, and swept at 90", async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe);
    await fund(stripe, cus.id, 1000);
    const pi = await intent(stripe, cus.id, 600);
    assert.equal(pi.status, 'succeeded');
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    assert.equal(refund.status, 'requires_action');
    await at(46); // the customer never gave bank details: the 600 is back in the cash balance
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['refunded_from_payment', 600, 45]]);
    await at(76); // the funding's own remainder goes back at its day 75, not the refund's money
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['return_initiated', -400, 75]]);
    assert.equal(await balanceOf(stripe, cus.id), 600);
    await at(121);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['return_initiated', -600, 120]], "the refund's money, 75 days after it came back");
    const merchantBefore = await merchantBalance(stripe);
    await at(136);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-2), [['return_canceled', 600, 135], ['transferred_to_balance', -600, 135]]);
    assert.equal(await merchantBalance(stripe), merchantBefore + 600);
  });

  it("a canceled payment's money ages from the cancel", async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe, 'automatic');
    const pi = await intent(stripe, cus.id, 500);
    await fund(stripe, cus.id, 300); // applied to the waiting payment at once
    assert.equal(await balanceOf(stripe, cus.id), 0);
    await at(10);
    await stripe.paymentIntents.cancel(pi.id);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['unapplied_from_payment', 300, 10]]);
    await at(80);
    assert.equal(await balanceOf(stripe, cus.id), 300, 'not returned at the funding\'s day 75: the money was in the payment then');
    await at(86);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['return_initiated', -300, 85]]);
    assert.equal(await balanceOf(stripe, cus.id), 0);
  });

  it('a 75-day return the merchant cancels is swept at the funding\'s day 90, and never returned again', async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe);
    await fund(stripe, cus.id, 1000, 'gbp');
    await at(76);
    const [auto] = (await stripe.refunds.list({ limit: 10 })).data.filter((r) => r.currency === 'gbp' && r.amount === 1000 && r.status === 'requires_action' && r.created === start + 75 * DAY);
    assert.ok(auto, 'the 75-day return');
    await at(77);
    await stripe.refunds.cancel(auto.id);
    assert.equal(await balanceOf(stripe, cus.id, 'gbp'), 1000);
    const merchantBefore = await merchantBalance(stripe, 'gbp');
    await at(91);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-2), [['return_canceled', 1000, 77], ['transferred_to_balance', -1000, 90]]);
    assert.equal(await merchantBalance(stripe, 'gbp'), merchantBefore + 1000);
    await at(200);
    assert.equal((await rows(stripe, cus.id, start)).length, 4, 'nothing more happens to that money');
  });

  it('a funding reversed at once is never returned, and an older funding is returned whole at its day 75', async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe);
    await fund(stripe, cus.id, 137, 'eur');
    await at(1);
    await fund(stripe, cus.id, 53, 'eur', 'reversal_1');
    await at(77);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(2), [['funding_reversed', -53, 1], ['return_initiated', -137, 75]]);
    assert.deepEqual(await returnsOf(stripe, cus.id, 'eur', start), [[137, 'requires_action', 75]]);
  });

  it("money back that repays the merchant's overdraft cover goes to the merchant at day 90, never to the customer", async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe, 'automatic');
    const pi = await intent(stripe, cus.id, 800);
    const merchantBefore = await merchantBalance(stripe);
    // Applied to the waiting payment, then pulled back by the sending bank: the merchant covers the hole.
    await fund(stripe, cus.id, 517, 'usd', 'reversal_2');
    assert.deepEqual((await rows(stripe, cus.id, start)).map((r) => r.slice(0, 2)), [['funded', 517], ['applied_to_payment', -517], ['funding_reversed', -517], ['adjusted_for_overdraft', 517]]);
    assert.equal(await merchantBalance(stripe), merchantBefore - 517);
    await at(5);
    await stripe.paymentIntents.cancel(pi.id); // the 517 in the payment comes back: it is the merchant's cover
    assert.equal(await balanceOf(stripe, cus.id), 517);
    await at(85);
    assert.equal(await balanceOf(stripe, cus.id), 517, 'no 75-day return of the merchant\'s money');
    assert.deepEqual(await returnsOf(stripe, cus.id, 'usd', start), []);
    await at(96);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-1), [['transferred_to_balance', -517, 95]]);
    assert.equal(await merchantBalance(stripe), merchantBefore, 'the merchant has its cover back');
    assert.equal(await balanceOf(stripe, cus.id), 0);
  });
  it("a 75-day return canceled after a newer funding was spent: all of its money is swept at the funding's day 90, none stays", async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe, 'automatic');
    await fund(stripe, cus.id, 100, 'gbp');
    await at(10);
    await fund(stripe, cus.id, 70, 'gbp');
    await at(76); // the first funding's return takes its 100
    const [auto] = (await stripe.refunds.list({ limit: 10 })).data.filter((r) => r.currency === 'gbp' && r.amount === 100 && r.created === start + 75 * DAY);
    assert.ok(auto);
    assert.equal((await intent(stripe, cus.id, 70, { currency: 'gbp' })).status, 'succeeded'); // spends the second
    await at(87);
    await stripe.refunds.cancel(auto.id);
    await at(91);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-2), [['return_canceled', 100, 87], ['transferred_to_balance', -100, 90]]);
    await at(400);
    assert.equal(await balanceOf(stripe, cus.id, 'gbp'), 0, 'nothing left without a deadline');
  });

  it("a reversal while a 75-day return waits takes the money from the return, not the merchant; the rest goes out again and is swept at the funding's day 90", async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe, 'automatic');
    await fund(stripe, cus.id, 100);
    await at(76); // its 75-day return takes the 100 and waits for bank details
    const [auto] = (await stripe.refunds.list({ limit: 10 })).data.filter((r) => r.currency === 'usd' && r.amount === 100 && r.created === start + 75 * DAY);
    assert.ok(auto);
    const pi = await intent(stripe, cus.id, 800);
    const merchantBefore = await merchantBalance(stripe);
    await fund(stripe, cus.id, 80, 'usd', 'reversal_3'); // applied to the payment, then pulled back: the waiting return's money covers it
    assert.equal((await stripe.refunds.retrieve(auto.id)).status, 'canceled');
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-5), [['funded', 80, 76], ['applied_to_payment', -80, 76], ['return_canceled', 100, 76], ['return_initiated', -20, 76], ['funding_reversed', -80, 76]]);
    assert.equal(await merchantBalance(stripe), merchantBefore, 'the merchant covers nothing');
    assert.deepEqual((await returnsOf(stripe, cus.id, 'usd', start)).slice(-1), [[20, 'requires_action', 76]]);
    await at(91); // the new return runs out with its funding's day 90: its 20 are swept
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-2), [['return_canceled', 20, 90], ['transferred_to_balance', -20, 90]]);
    assert.equal(await merchantBalance(stripe), merchantBefore + 20);
    await stripe.paymentIntents.cancel(pi.id); // the 80 in the payment comes back: the customer's
    await at(167);
    assert.deepEqual((await rows(stripe, cus.id, start)).slice(-2), [['unapplied_from_payment', 80, 91], ['return_initiated', -80, 166]]);
    // Every cent accounted for: 180 sent, 80 taken back by the bank, 80 returned, 20 swept to the merchant for the customer.
    assert.equal(await merchantBalance(stripe), merchantBefore + 20);
  });

  it("after a funding reversal the merchant's cover is never returned, however the money moves: spent, canceled, or with new money beside it", async () => {
    const { stripe } = server();
    const { cus, start, at } = await clocked(stripe, 'automatic');
    const merchantBefore = await merchantBalance(stripe, 'eur');
    const first = await intent(stripe, cus.id, 3000, { currency: 'eur' });
    await fund(stripe, cus.id, 1000, 'eur', 'reversal_4'); // applied to the payment, pulled back: the merchant covers 1000
    await stripe.paymentIntents.cancel(first.id); // the 1000 comes back
    const second = await intent(stripe, cus.id, 2000, { currency: 'eur' }); // takes it again
    await stripe.paymentIntents.cancel(second.id); // and gives it back again
    await fund(stripe, cus.id, 1000, 'eur'); // a real transfer now
    assert.equal((await intent(stripe, cus.id, 1000, { currency: 'eur' })).status, 'succeeded'); // paid from the balance
    await at(200);
    assert.deepEqual(await returnsOf(stripe, cus.id, 'eur', start), [], 'no return: all the customer sent that it kept, it spent');
    assert.equal(await balanceOf(stripe, cus.id, 'eur'), 0);
    // The merchant covered 1000, was paid 1000 and swept its 1000 back: it keeps what the customer paid for.
    assert.equal(await merchantBalance(stripe, 'eur'), merchantBefore + 1000);
  });
});
