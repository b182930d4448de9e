// Test clock advances run in the background, in small transactions: the advance answers
// `advancing` at once, other requests keep being served while hundreds of deadlines run,
// and an advance cut off by kill -9 resumes on the next start and runs each job once.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { startScheduler } from '../../src/resources/scheduler/worker.ts';
import { startServerProcess } from '../support/process.ts';
import { databaseUrlFor, sdk } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund } from './payments-helpers.ts';
import { advanceClock, assertBooks, DAY, merchantBalance, rejectsWith } from './refund-helpers.ts';

const FUNDINGS = 600;

/** A customer without an email on a new clock: each funding comes with a day-75 and a day-90 job. */
async function clockedCustomer(stripe: Stripe) {
  const start = Math.floor(Date.now() / 1000);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({ test_clock: clock.id, cash_balance: { settings: { reconciliation_mode: 'manual' } } });
  return { clock, customer, start };
}

/** `count` fundings of 1..count minor units, `parallel` at a time; resolves to their sum. */
async function fundMany(stripe: Stripe, customer: string, count: number, parallel = 8): Promise<number> {
  let next = 0;
  let total = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) {
      const amount = ++next;
      await fund(stripe, customer, amount);
      total += amount;
    }
  }));
  return total;
}

async function waitReady(stripe: Stripe, clockId: string, withinMs = 120_000): Promise<Stripe.TestHelpers.TestClock> {
  for (const deadline = Date.now() + withinMs; ;) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === 'ready') return clock;
    assert.ok(Date.now() < deadline, `test clock ${clockId} still ${clock.status} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeEachStore('test clock advances in the background', (server, kind) => {
  it(`an advance over ${FUNDINGS} fundings answers at once, and other customers' requests are served throughout`, async (t) => {
    const { stripe } = server();
    const { clock, customer, start } = await clockedCustomer(stripe);
    const total = await fundMany(stripe, customer.id, FUNDINGS);
    // On a clock of its own that never moves: its fundings' 75/90-day jobs stay off the real
    // clock, so the catch-up test below runs only its own jobs (thousands more made it 30–85 s on PostgreSQL).
    const otherClock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const other = await stripe.customers.create({ email: 'other@example.com', test_clock: otherClock.id });
    const merchantBefore = await merchantBalance(stripe);

    const started = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 100 * DAY });
    assert.deepEqual([started.status, started.frozen_time], ['advancing', start], 'Stripe answers advancing with the frozen time unchanged');
    await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 200 * DAY }), rejectsWith(400, { param: 'test_clock' }));
    await assert.rejects(stripe.testHelpers.testClocks.del(clock.id), rejectsWith(400, { param: 'test_clock' }), 'not deleted half advanced');

    // Two clients of another customer: fundings and GET /v1/balance, back to back, each timed.
    const began = performance.now();
    let advancing = true;
    let served = 0;
    let otherFunded = 0;
    let longestMs = 0;
    const client = async (n: number) => {
      for (let i = 0; advancing; i++) {
        const sent = performance.now();
        if ((n + i) % 2 === 0) {
          await fund(stripe, other.id, 7);
          otherFunded += 7;
        } else {
          await stripe.balance.retrieve();
        }
        if (!advancing) break; // this one may have ended after the advance: not counted
        served++;
        longestMs = Math.max(longestMs, performance.now() - sent);
      }
    };
    const clients = [client(0), client(1)];
    const ready = await waitReady(stripe, clock.id);
    advancing = false;
    const advanceMs = performance.now() - began;
    await Promise.all(clients);

    t.diagnostic(`advance ${advanceMs.toFixed(0)} ms; ${served} requests of another customer served meanwhile, the longest ${longestMs.toFixed(1)} ms`);
    assert.equal(ready.frozen_time, start + 100 * DAY);
    // Every funding was swept at day 90, once: the clock's work all ran.
    const sweeps = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 100 }).autoPagingToArray({ limit: 10_000 });
    assert.equal(sweeps.filter((row) => row.type === 'transferred_to_balance').length, FUNDINGS);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    assert.equal(await merchantBalance(stripe), merchantBefore + total);
    assert.equal(await balanceOf(stripe, other.id), otherFunded);
    // Served throughout: before, the advance was one transaction and nothing else ran until it
    // ended. Now it is dozens of slices with requests between them. Counts and a ratio to the
    // advance's own length, not a wall-clock bound, so a slow machine does not fail it.
    assert.ok(served >= 20, `only ${served} requests of another customer were served during a ${advanceMs.toFixed(0)} ms advance`);
    assert.ok(longestMs < advanceMs / 3, `a request waited ${longestMs.toFixed(0)} ms of a ${advanceMs.toFixed(0)} ms advance`);
    const events = await stripe.events.list({ type: 'test_helpers.test_clock.ready', limit: 5 });
    assert.ok(events.data.some((event) => (event.data.object as Stripe.TestHelpers.TestClock).id === clock.id));
    await assertBooks(server());
  });

  it('a clock keeps its objects at its own time while advancing, and accepts a new advance once ready', async () => {
    const { stripe } = server();
    const { clock, customer, start } = await clockedCustomer(stripe);
    await fund(stripe, customer.id, 300);
    const ready = await advanceClock(stripe, clock.id, start + 91 * DAY);
    assert.equal(ready.frozen_time, start + 91 * DAY);
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 10 })).data;
    assert.deepEqual(rows.map((row) => [row.type, row.created]), [['transferred_to_balance', start + 90 * DAY], ['funded', start]]);
    const again = await advanceClock(stripe, clock.id, start + 92 * DAY);
    assert.equal(again.frozen_time, start + 92 * DAY);
  });

  it('the real-clock scheduler catching up on hundreds of due jobs serves other requests between its slices', async (t) => {
    const { stripe, store } = server();
    const customer = await stripe.customers.create(); // on the real clock
    // Due jobs: a dozen slices on SQLite with 300; PostgreSQL's slices are a job or two each (8 ms),
    // so it gets fewer, and SQLite more, to keep the catch-up long enough to measure requests against.
    const fundings = kind === 'postgres' ? 150 : 600;
    await fundMany(stripe, customer.id, fundings);
    const other = await stripe.customers.create();
    let running = true;
    let served = 0;
    let longestMs = 0;
    const client = async () => {
      while (running) {
        const sent = performance.now();
        // A write that schedules no job (a funding would add work the catch-up must do too).
        await stripe.customers.update(other.id, { metadata: { at: String(served) } });
        await stripe.balance.retrieve();
        if (!running) break;
        served++;
        longestMs = Math.max(longestMs, performance.now() - sent);
      }
    };
    const clients = [client(), client()];
    const began = performance.now();
    // 91 days from now: each funding's day-75 and day-90 jobs are due at once.
    const scheduler = startScheduler({ store, clock: { nowSeconds: () => Math.floor(Date.now() / 1000) + 91 * DAY }, intervalMs: 3_600_000 });
    await scheduler.stop(); // resolves when the catch-up run has finished
    const catchUpMs = performance.now() - began;
    running = false;
    await Promise.all(clients);
    t.diagnostic(`catch-up ${catchUpMs.toFixed(0)} ms; ${served} request pairs served meanwhile, the longest ${longestMs.toFixed(1)} ms`);
    const rows = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 100 }).autoPagingToArray({ limit: 10_000 });
    assert.equal(rows.filter((row) => row.type === 'transferred_to_balance').length, fundings);
    assert.ok(served >= 10, `only ${served} request pairs were served during a ${catchUpMs.toFixed(0)} ms catch-up`);
    assert.ok(longestMs < catchUpMs / 3, `a request pair waited ${longestMs.toFixed(0)} ms of a ${catchUpMs.toFixed(0)} ms catch-up`);
    await assertBooks(server());
  });

  it('advances started back to back by several clients all end ready (none is lost while a run is finishing)', async () => {
    const { stripe } = server();
    const { clock, customer } = await clockedCustomer(stripe);
    await fundMany(stripe, customer.id, 20, 4);
    let refused = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let round = 0; round < 8; round++) {
        const { frozen_time } = await stripe.testHelpers.testClocks.retrieve(clock.id);
        try {
          await advanceClock(stripe, clock.id, frozen_time + 5 * DAY);
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 400) throw error;
          refused++; // another client's advance was running: Stripe refuses a second one
        }
      }
    }));
    const ready = await waitReady(stripe, clock.id);
    assert.equal(ready.status, 'ready');
    assert.ok(refused < 32, 'some advances ran');
    await assertBooks(server());
  });

  it('an advance cut off by kill -9 resumes on the next start and runs each job once', async () => {
    const databaseUrl = await databaseUrlFor(kind);
    const key = 'sk_test_cashbook_advance_resume_000000000';
    let child = await startServerProcess({ databaseUrl, apiKey: key, logLevel: 'error' });
    try {
      let stripe = sdk(child.url, key);
      const { clock, customer, start } = await clockedCustomer(stripe);
      const total = await fundMany(stripe, customer.id, 150);
      const merchantBefore = await merchantBalance(stripe);
      await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 100 * DAY });
      // Kill once some of the work has run (or at once if it was quick): either way nothing is lost.
      for (let i = 0; i < 200; i++) {
        const rows = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 1 });
        if (rows.data[0]?.type === 'transferred_to_balance') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await child.kill('SIGKILL');
      child = await startServerProcess({ databaseUrl, apiKey: key, logLevel: 'error' });
      stripe = sdk(child.url, key);
      const ready = await waitReady(stripe, clock.id);
      assert.equal(ready.frozen_time, start + 100 * DAY);
      const rows = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 100 }).autoPagingToArray({ limit: 10_000 });
      assert.equal(rows.filter((row) => row.type === 'transferred_to_balance').length, 150, 'each funding swept exactly once');
      assert.equal(await balanceOf(stripe, customer.id), 0);
      assert.equal(await merchantBalance(stripe), merchantBefore + total);
    } finally {
      await child.stop();
    }
  });
  it('an advance whose process dies is taken up by another process on the same database', async () => {
    const databaseUrl = await databaseUrlFor(kind);
    const key = 'sk_test_cashbook_advance_takeover_0000000';
    const first = await startServerProcess({ databaseUrl, apiKey: key, logLevel: 'error' });
    const second = await startServerProcess({ databaseUrl, apiKey: key, logLevel: 'error' });
    try {
      const viaFirst = sdk(first.url, key);
      const { clock, customer, start } = await clockedCustomer(viaFirst);
      await fundMany(viaFirst, customer.id, 150);
      await viaFirst.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 100 * DAY });
      for (let i = 0; i < 200; i++) {
        const rows = await viaFirst.customers.listCashBalanceTransactions(customer.id, { limit: 1 });
        if (rows.data[0]?.type === 'transferred_to_balance') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await first.kill('SIGKILL');
      // The second process never restarts: it finds the unfinished advance on its own.
      const viaSecond = sdk(second.url, key);
      const ready = await waitReady(viaSecond, clock.id, 40_000);
      assert.equal(ready.frozen_time, start + 100 * DAY);
      const rows = await viaSecond.customers.listCashBalanceTransactions(customer.id, { limit: 100 }).autoPagingToArray({ limit: 10_000 });
      assert.equal(rows.filter((row) => row.type === 'transferred_to_balance').length, 150, 'each funding swept exactly once');
      assert.equal(await balanceOf(viaSecond, customer.id), 0);
    } finally {
      await first.kill('SIGKILL');
      await second.stop();
    }
  });
});
