// 500 concurrent confirms against one cash balance that covers only some of them: the
// balance never goes below zero, exactly the intents that fit succeed, the ledger holds.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, checkLedger, fund, intent, ledger, newCustomer } from './payments-helpers.ts';

const COUNT = 500;

/** Deterministic amounts 100..2099 (a small LCG), so a failure can be replayed. */
function amounts(seed: number): number[] {
  let x = seed;
  return Array.from({ length: COUNT }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return 100 + (x % 2000);
  });
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describeEachStore('payment intents: concurrent confirms', (server) => {
  it(`${COUNT} concurrent confirms without funding_type: only intents that fit succeed, balance never negative`, async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const wanted = amounts(7);
    const total = wanted.reduce((s, a) => s + a, 0);
    const funds = Math.floor(total / 3);
    await fund(stripe, customer.id, funds);
    const intents = await inBatches(wanted, 50, (amount) => intent(stripe, customer.id, amount, { confirm: false, fundingType: false }));
    const results = await Promise.all(intents.map((pi) => stripe.paymentIntents.confirm(pi.id)));

    const succeeded = results.filter((pi) => pi.status === 'succeeded');
    const failed = results.filter((pi) => pi.status !== 'succeeded');
    const spent = succeeded.reduce((s, pi) => s + pi.amount, 0);
    const left = await balanceOf(stripe, customer.id);
    assert.ok(succeeded.length > 0 && failed.length > 0, 'the balance covers some, not all');
    assert.ok(spent <= funds);
    assert.equal(left, funds - spent);
    assert.ok(left >= 0);
    for (const pi of failed) {
      assert.equal(pi.status, 'requires_payment_method');
      assert.equal(pi.last_payment_error?.code, 'payment_intent_payment_attempt_failed');
      // It failed because, when it ran, the balance was short: so it does not fit even now.
      assert.ok(pi.amount > left, `${pi.id} (${pi.amount}) would have fit in ${left}`);
    }
    const rows = await ledger(stripe, customer.id);
    const applied = rows.filter((r) => r[0] === 'applied_to_payment');
    assert.equal(applied.length, succeeded.length, 'one applied_to_payment per succeeded intent');
    assert.deepEqual(new Set(applied.map((r) => r[2])), new Set(succeeded.map((pi) => pi.id)));
    // Replaying the ledger: each confirm took the balance down and never below zero.
    let running = funds;
    for (const [, amount] of applied) {
      running += amount;
      assert.ok(running >= 0);
    }
    await checkLedger(stripe, customer.id);
  });

  it(`${COUNT} concurrent confirms with funding_type in automatic mode: one partial at most, the rest wait`, async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const wanted = amounts(11);
    const funds = Math.floor(wanted.reduce((s, a) => s + a, 0) / 4);
    await fund(stripe, customer.id, funds);
    const intents = await inBatches(wanted, 50, (amount) => intent(stripe, customer.id, amount, { confirm: false }));
    const results = await Promise.all(intents.map((pi) => stripe.paymentIntents.confirm(pi.id)));
    const succeeded = results.filter((pi) => pi.status === 'succeeded');
    const waiting = results.filter((pi) => pi.status === 'requires_action');
    assert.equal(succeeded.length + waiting.length, COUNT);
    const partial = waiting.filter((pi) => pi.next_action!.display_bank_transfer_instructions!.amount_remaining! < pi.amount);
    assert.ok(partial.length <= 1, 'the balance runs out once');
    const spent = succeeded.reduce((s, pi) => s + pi.amount, 0) + partial.reduce((s, pi) => s + pi.amount - pi.next_action!.display_bank_transfer_instructions!.amount_remaining!, 0);
    const left = await balanceOf(stripe, customer.id);
    assert.equal(left, funds - spent);
    assert.equal(left, 0, 'automatic mode applies the whole short balance');
    assert.ok(succeeded.length > 0 && waiting.length > 0);
    await checkLedger(stripe, customer.id);
  });
});
