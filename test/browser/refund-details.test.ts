// The customer's refund page in a real browser: the merchant makes a link for a refund or a
// return waiting for bank details, the customer opens it (desktop and phone), makes a
// mistake, corrects it and submits; the refund moves on, checked through the SDK, and the
// link is then spent. Test accounts of Stripe's docs settle at once, as the test helper does.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { fund, intent } from '../integration/payments-helpers.ts';
import { assertBooks, rejectsWith } from '../integration/refund-helpers.ts';
import { describeInChromium, PHONE } from './chromium.ts';

interface Link {
  object: string;
  refund: string;
  url: string;
  expires_at: number;
}

async function linkFor(server: TestServer, refund: string): Promise<{ status: number; body: Link & { error?: { param?: string; message: string } } }> {
  const reply = await server.request('POST', `/cashbook/v1/refunds/${refund}/bank_details_link`);
  return reply as { status: number; body: Link & { error?: { param?: string; message: string } } };
}

describeInChromium('refund bank details page in Chromium', ({ page, visit, expectClean, problems }) => {
  const text = () => page().innerText('body');

  async function customerWithReturn(stripe: Stripe, currency: string, amount: number) {
    const customer = await stripe.customers.create({ email: 'jenny.rosen@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    await fund(stripe, customer.id, 5_000, currency);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency, amount });
    assert.equal(refund.status, 'requires_action');
    return { customer, refund };
  }

  describeEachStore('refund bank details page', (server) => {
    it('eur return: a bad IBAN is refused on the page, a good one moves the return to pending, and the link is spent', async () => {
      const { stripe } = server();
      const { refund } = await customerWithReturn(stripe, 'eur', 1_250);
      const { status, body: link } = await linkFor(server(), refund.id);
      assert.equal(status, 200);
      assert.deepEqual([link.object, link.refund, link.expires_at], ['refund_bank_details_link', refund.id, refund.next_action!.display_details!.expires_at]);
      assert.match(link.url, /\/refund_details\/test_[0-9A-Za-z]{32}$/);

      await expectClean(await visit(link.url));
      assert.match(await text(), /is refunding you\s+12\.50 EUR/);
      await page().getByLabel('Account holder name').fill('Jenny Rosen');
      await page().getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 01');
      await page().getByRole('button', { name: 'Send my refund to this account' }).click();
      await page().getByRole('alert').waitFor();
      assert.match(await page().getByRole('alert').innerText(), /IBAN is not valid/);
      assert.equal(await page().getByLabel('Account holder name').inputValue(), 'Jenny Rosen', 'what was typed is kept');
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'requires_action', 'a refused form changes nothing');

      await page().getByLabel('IBAN').fill('GB82 WEST 1234 5698 7654 32');
      await page().getByRole('button', { name: 'Send my refund to this account' }).click();
      await page().getByText('Thank you.').waitFor();
      assert.deepEqual(problems(), []);
      const pending = await stripe.refunds.retrieve(refund.id);
      assert.equal(pending.status, 'pending');
      const events = (await stripe.events.list({ type: 'refund.updated', limit: 1 })).data;
      assert.equal((events[0].data.object as Stripe.Refund).status, 'pending');

      await visit(link.url);
      assert.match(await text(), /We have your bank details/);
      const again = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'account_holder_name=Mallory&iban=DE89370400440532013000' });
      assert.equal(again.status, 409, 'a link is used once');
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'pending');
      const later = await linkFor(server(), refund.id);
      assert.deepEqual([later.status, later.body.error?.param], [400, 'refund'], 'no new link once details are in');
      await assertBooks(server());
    });

    it('gbp payment refund on a phone: sort code and account number; a Stripe test account settles at once', async () => {
      const { stripe } = server();
      const customer = await stripe.customers.create({ email: 'uk@example.com' });
      await fund(stripe, customer.id, 3_000, 'gbp');
      const paid = await intent(stripe, customer.id, 3_000, { currency: 'gbp' });
      assert.equal(paid.status, 'succeeded');
      const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 1_000 });
      assert.equal(refund.status, 'requires_action');
      const { body: link } = await linkFor(server(), refund.id);
      await expectClean(await visit(link.url, PHONE));
      assert.match(await text(), /10\.00 GBP/);
      await page().getByLabel('Account holder name').fill('Sam Smith');
      await page().getByLabel('Sort code').fill('10-88-00');
      await page().getByLabel('Account number').fill('0001234');
      await page().getByRole('button', { name: 'Send my refund to this account' }).click();
      await page().getByRole('alert').waitFor();
      assert.match(await page().getByRole('alert').innerText(), /8 digits/);
      await page().getByLabel('Account number').fill('00012345');
      await page().getByLabel('Account number').press('Enter');
      await page().getByText('Thank you.').waitFor();
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'succeeded');
      await assertBooks(server());
    });

    it('usd return: the routing number check digit is checked; links are refused where they cannot apply', async () => {
      const { stripe } = server();
      const { refund } = await customerWithReturn(stripe, 'usd', 700);
      const { body: link } = await linkFor(server(), refund.id);
      await expectClean(await visit(link.url));
      await page().getByLabel('Account holder name').fill('Pat Doe');
      await page().getByLabel('Routing number').fill('110000001');
      await page().getByLabel('Account number').fill('000999888777');
      await page().getByRole('button', { name: 'Send my refund to this account' }).click();
      await page().getByRole('alert').waitFor();
      assert.match(await page().getByRole('alert').innerText(), /routing number is not valid/);
      await page().getByLabel('Routing number').fill('021000021');
      await page().getByRole('button', { name: 'Send my refund to this account' }).click();
      await page().getByText('Thank you.').waitFor();
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'pending');

      const jpy = await customerWithReturn(stripe, 'jpy', 500);
      const refused = await linkFor(server(), jpy.refund.id);
      assert.deepEqual([refused.status, refused.body.error?.param], [400, 'refund']);
      const missing = await linkFor(server(), 're_doesnotexist');
      assert.equal(missing.status, 404);
      const unknown = await fetch(link.url.replace(/test_.*/, `test_${'x'.repeat(32)}`));
      assert.equal(unknown.status, 404);
      await assert.rejects(stripe.refunds.cancel(refund.id), rejectsWith(400));
    });
  });
});
