// The customer's refund page and its link, through the public API and plain HTTP (the same
// page in Chromium: test/browser/refund-details.test.ts): what the page says for each state
// of the refund (pending: on its way; succeeded: paid; canceled or failed: no longer valid),
// a link used once even when the refund waits for details again (a failing test account),
// concurrent submissions included, and the 45-day window read on the customer's test clock
// for the link as for the refund.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { linkRefusal, type OpenedLink } from '../../src/resources/refund-details/service.ts';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { fund } from './payments-helpers.ts';
import { advanceClock, assertBooks, DAY } from './refund-helpers.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const GOOD_LIVE_STYLE = 'account_holder_name=Jenny+Rosen&iban=GB82WEST12345698765432'; // not a Stripe test account: waits in pending for a payment file
const TEST_SUCCEEDS = 'account_holder_name=Jenny+Rosen&iban=DE89370400440532013000';
const TEST_FAILS = 'account_holder_name=Jenny+Rosen&iban=DE62370400440532013001';

async function returnOf(stripe: Stripe, amount = 1_000, extra: Partial<Stripe.CustomerCreateParams> = {}): Promise<{ customer: Stripe.Customer; refund: Stripe.Refund }> {
  const customer = await stripe.customers.create({ email: 'link@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } }, ...extra });
  await fund(stripe, customer.id, amount, 'eur');
  const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount });
  assert.equal(refund.status, 'requires_action');
  return { customer, refund };
}

async function linkFor(s: TestServer, refund: string): Promise<{ status: number; body: { url: string; expires_at: number; created: number; error?: { param?: string; message: string } } }> {
  return s.request('POST', `/cashbook/v1/refunds/${refund}/bank_details_link`);
}

async function open(url: string): Promise<{ status: number; html: string }> {
  const reply = await fetch(url);
  return { status: reply.status, html: await reply.text() };
}

async function submit(url: string, body: string): Promise<{ status: number; html: string }> {
  const reply = await fetch(url, { method: 'POST', headers: FORM, body });
  return { status: reply.status, html: await reply.text() };
}

const hasForm = (html: string) => /<form method="post">/.test(html);

/** The refund's refund.updated statuses, oldest first. */
async function updates(stripe: Stripe, refund: string): Promise<string[]> {
  const events = (await stripe.events.list({ type: 'refund.updated', limit: 100 })).data;
  return events.filter((e) => (e.data.object as Stripe.Refund).id === refund).reverse().map((e) => (e.data.object as Stripe.Refund).status!);
}

describeEachStore('refund bank details link', (server) => {
  it('says what happened to the refund: pending is on its way, succeeded is paid, canceled and failed make the link invalid', async () => {
    const s = server();
    const { stripe } = s;

    const pending = await returnOf(stripe);
    const pendingLink = (await linkFor(s, pending.refund.id)).body;
    assert.equal((await submit(pendingLink.url, GOOD_LIVE_STYLE)).status, 200);
    assert.equal((await stripe.refunds.retrieve(pending.refund.id)).status, 'pending');
    const onItsWay = await open(pendingLink.url);
    assert.deepEqual([onItsWay.status, hasForm(onItsWay.html)], [200, false]);
    assert.match(onItsWay.html, /the refund is on its way/);
    assert.equal((await submit(pendingLink.url, TEST_SUCCEEDS)).status, 409);

    const succeeded = await returnOf(stripe);
    const paidLink = (await linkFor(s, succeeded.refund.id)).body;
    assert.equal((await submit(paidLink.url, TEST_SUCCEEDS)).status, 200);
    assert.equal((await stripe.refunds.retrieve(succeeded.refund.id)).status, 'succeeded');
    const paid = await open(paidLink.url);
    assert.deepEqual([paid.status, hasForm(paid.html)], [200, false]);
    assert.match(paid.html, /This refund has been paid to your bank account/);
    assert.doesNotMatch(paid.html, /on its way/);
    const paidPost = await submit(paidLink.url, TEST_SUCCEEDS);
    assert.equal(paidPost.status, 409);
    assert.match(paidPost.html, /has been paid/);

    const canceled = await returnOf(stripe);
    const canceledLink = (await linkFor(s, canceled.refund.id)).body;
    assert.equal((await stripe.refunds.cancel(canceled.refund.id)).status, 'canceled');
    const failed = await returnOf(stripe);
    const failedLink = (await linkFor(s, failed.refund.id)).body;
    assert.equal((await stripe.testHelpers.refunds.expire(failed.refund.id)).status, 'failed');
    for (const [refund, link, status] of [[canceled.refund, canceledLink, 'canceled'], [failed.refund, failedLink, 'failed']] as const) {
      const gone = await open(link.url);
      assert.deepEqual([gone.status, hasForm(gone.html)], [404, false], status);
      assert.match(gone.html, /This link is no longer valid/);
      assert.doesNotMatch(gone.html, /on its way|has been paid/);
      const posted = await submit(link.url, TEST_SUCCEEDS);
      assert.equal(posted.status, 404, status);
      assert.match(posted.html, /no longer valid/);
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, status, 'a refused submission changes nothing');
      const fresh = await linkFor(s, refund.id);
      assert.deepEqual([fresh.status, fresh.body.error?.param], [400, 'refund']);
    }
    await assertBooks(s);
  });

  it('is used once: a failing test account sends the return back to requires_action, and the spent link never shows the form again; a new link does', async () => {
    const s = server();
    const { stripe } = s;
    const { customer, refund } = await returnOf(stripe, 2_000);
    const link = (await linkFor(s, refund.id)).body;
    const first = await submit(link.url, TEST_FAILS);
    assert.equal(first.status, 200, first.html);
    const bounced = await stripe.refunds.retrieve(refund.id);
    assert.equal(bounced.status, 'requires_action', 'the bank sent it back: details are needed again');
    assert.deepEqual(await updates(stripe, refund.id), ['pending', 'succeeded', 'requires_action']);

    const reopened = await open(link.url);
    assert.deepEqual([reopened.status, hasForm(reopened.html)], [404, false]);
    assert.match(reopened.html, /This link has already been used/);
    const second = await submit(link.url, TEST_SUCCEEDS);
    assert.equal(second.status, 404);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'requires_action', 'the spent link changed nothing');
    assert.deepEqual(await updates(stripe, refund.id), ['pending', 'succeeded', 'requires_action']);

    // The merchant sends a new link; two submissions through it at once take effect once.
    const fresh = (await linkFor(s, refund.id)).body;
    assert.notEqual(fresh.url, link.url);
    const page = await open(fresh.url);
    assert.deepEqual([page.status, hasForm(page.html)], [200, true]);
    const both = await Promise.all([submit(fresh.url, TEST_FAILS), submit(fresh.url, TEST_FAILS)]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 404], 'one submission, the other refused as used');
    assert.deepEqual(await updates(stripe, refund.id), ['pending', 'succeeded', 'requires_action', 'pending', 'succeeded', 'requires_action']);
    const third = (await linkFor(s, refund.id)).body;
    assert.equal((await submit(third.url, TEST_SUCCEEDS)).status, 200);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.eur ?? 0, 0, 'the return left the cash balance once');
    await assertBooks(s);
  });

  it("reads the 45-day window on the customer's test clock: a link on a clock a year back works, until the clock passes the window", async () => {
    const s = server();
    const { stripe } = s;
    const start = Math.floor(Date.now() / 1000) - 365 * DAY;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: 'refund link' });
    const { refund } = await returnOf(stripe, 1_500, { test_clock: clock.id });
    assert.equal(refund.created, start);
    const made = await linkFor(s, refund.id);
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.deepEqual([made.body.expires_at, made.body.created], [start + 45 * DAY, start], "the window and the link's time are the clock's");
    assert.ok(made.body.expires_at < Date.now() / 1000, 'long past on the wall clock');
    const page = await open(made.body.url);
    assert.deepEqual([page.status, hasForm(page.html)], [200, true], 'open: the clock is inside the window');

    await advanceClock(stripe, clock.id, start + 44 * DAY);
    assert.deepEqual([(await open(made.body.url)).status, (await stripe.refunds.retrieve(refund.id)).status], [200, 'requires_action'], 'a day before the window closes');
    const dayBefore = await linkFor(s, refund.id);
    assert.deepEqual([dayBefore.status, dayBefore.body.created], [200, start + 44 * DAY]);

    await advanceClock(stripe, clock.id, start + 46 * DAY);
    assert.deepEqual([(await stripe.refunds.retrieve(refund.id)).status], ['failed'], 'the window closed on the clock');
    for (const url of [made.body.url, dayBefore.body.url]) {
      const closed = await open(url);
      assert.deepEqual([closed.status, hasForm(closed.html)], [404, false]);
      assert.match(closed.html, /no longer valid/);
      assert.equal((await submit(url, TEST_SUCCEEDS)).status, 404);
    }
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'failed', 'nothing changed');
    const fresh = await linkFor(s, refund.id);
    assert.deepEqual([fresh.status, fresh.body.error?.param], [400, 'refund'], 'no fresh link');
    await assertBooks(s);
  });

  it('a link past its window on the clock while the refund still waits (its expiry job not yet run) is refused as expired', () => {
    // The moment between the window's end and the expiry job, which the API cannot hold still: the rule itself.
    const opened = (now: number, used_at: number | null = null) => ({ link: { id: 'test_x', created: 0, account_id: 'acct', livemode: false, refund: 're_x', expires_at: 1_000, used_at }, refund: { status: 'requires_action' }, now }) as unknown as OpenedLink;
    assert.equal(linkRefusal(opened(999)), null);
    assert.deepEqual(linkRefusal(opened(1_000)), { state: 'expired' });
    assert.deepEqual(linkRefusal(opened(999, 500)), { state: 'used' });
  });
});
