// The customer's refund page in a real browser: the merchant makes a link for a refund or a
// return waiting for bank details, the customer opens it (desktop and phone), makes a
// mistake, corrects it and submits; the refund moves on, checked through the SDK, and the
// link is then spent. Test accounts of Stripe's docs settle at once, as the test helper does.
// In live mode the whole way: a statement funds the customer, the customer fills the page in,
// and the merchant's next payment file (pain.001, checked field by field and against the XSD)
// pays it. The page's CSP is strict: its one inline style is allowed by its hash only.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { fund, intent } from '../integration/payments-helpers.ts';
import { assertBooks, rejectsWith } from '../integration/refund-helpers.ts';
import { assertPain001, camt053, liveAccount, liveVirtualAccount, MASTER, newFile } from '../integration/live-helpers.ts';
import { assertValidPain001 } from '../support/pain001-schema.ts';
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

    it('live mode: a statement funds the customer, the customer fills the page in on a phone, and the payment file pays the account typed; strict CSP', async () => {
      const live = await liveAccount(server());
      const { stripe } = live;
      const customer = await stripe.customers.create({ email: 'live.page@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      const iban = await liveVirtualAccount(stripe, customer.id, 'eur');
      const funded = await live.importStatement(camt053([{ amount: '80.00', currency: 'EUR', ownAccount: iban, name: 'Zoë Live', iban: 'DE89370400440532013000', ref: 'IN-BR1' }]));
      assert.deepEqual(funded.lines.map((l) => l.status), ['funded']);
      const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 5_500 });
      assert.equal(refund.status, 'requires_action');
      const link = await live.api('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`);
      assert.equal(link.status, 200, JSON.stringify(link.body));
      assert.match(link.body.url, /\/refund_details\/live_[0-9A-Za-z]{32}$/);

      // The headers: no script, no framing, and only the page's own style, by its hash.
      const served = await fetch(link.body.url);
      const html = await served.text();
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
      const hash = createHash('sha256').update(style).digest('base64');
      assert.equal(served.headers.get('content-security-policy'), `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
      assert.doesNotMatch(served.headers.get('content-security-policy')!, /unsafe-inline/);
      assert.deepEqual([served.headers.get('cache-control'), served.headers.get('x-content-type-options'), served.headers.get('referrer-policy')], ['no-store', 'nosniff', 'no-referrer']);
      assert.equal(html.match(/<style>/g)?.length, 1, 'one style element');
      assert.doesNotMatch(html, /style=|<script/);

      await expectClean(await visit(link.body.url, PHONE));
      assert.match(await text(), /Cashbook Merchant is refunding you\s+55\.00 EUR/);
      const button = page().getByRole('button', { name: 'Send my refund to this account' });
      assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(99, 91, 255)', 'the hashed style applies');
      await page().getByLabel('Account holder name').fill('Zoë Live');
      await page().getByLabel('IBAN').fill('fr14 2004 1010 0505 0001 3m02 606');
      await button.click();
      await page().getByText('Thank you.').waitFor();
      assert.deepEqual(problems(), [], 'no CSP violation or other problem');
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'pending');
      await visit(link.body.url, PHONE);
      assert.match(await text(), /the refund is on its way/);

      const account = await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
      assert.equal(account.status, 200);
      const file = await newFile(live, 'eur');
      assert.deepEqual([file.format, file.count, file.amount, file.refunds], ['pain.001.001.09', 1, 5_500, [refund.id]]);
      const xml = await live.content(file.id);
      assertPain001(xml, { messageId: file.id, currency: 'EUR', debtor: { name: 'Cashbook Merchant BV', iban: MASTER, bic: 'ABNANL2A' }, payments: [{ endToEndId: refund.id, amount: '55.00', name: 'Zoe Live', iban: 'FR1420041010050500013M02606' }] });
      await assertValidPain001(xml);
      await assertBooks(live.s);
    });

    it('the CSP blocks any other inline style: one added to the page does not apply and is reported', async () => {
      const { stripe } = server();
      const { refund } = await customerWithReturn(stripe, 'eur', 300);
      const { body: link } = await linkFor(server(), refund.id);
      // The same response with a second, unhashed style: the browser must refuse it.
      await page().route(link.url, async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: (await response.text()).replace('</head>', '<style>body{background:rgb(255, 0, 0)}</style></head>') });
      });
      try {
        assert.equal(await visit(link.url), 200);
        assert.notEqual(await page().evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 0, 0)');
        assert.equal(await page().getByRole('button', { name: 'Send my refund to this account' }).evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(99, 91, 255)');
        assert.ok(problems().some((p) => /Content Security Policy/i.test(p)), `a CSP violation was reported: ${JSON.stringify(problems())}`);
      } finally {
        await page().unroute(link.url);
      }
    });
  });
});
