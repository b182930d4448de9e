// The dashboard in a real browser, part five: what the merchant is told about money going back
// to a bank, in live mode as a merchant runs it (statements imported over HTTP). Cashbook sends
// no email in any mode, so a return or a refund to the bank says so and says what to do next:
// make the bank details link on its page (which the test then does) and send it. A currency no
// payment file pays (JPY) says that no link can be made, and offers none. An unmatched transfer
// sent back whose payment the sender's bank returned (MD07) shows the bank's reason, open again.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent } from '../integration/payments-helpers.ts';
import { camt053, liveAccount, liveVirtualAccount, MASTER, newFile } from '../integration/live-helpers.ts';
import { assertCardsFit, describeInChromium, finishAction, openAs as openSignedIn, performAction, PHONE, screenshot, settled, waitForText } from './chromium.ts';

const NO_EMAIL_TOLD = /is emailed|are emailed|Emailed to/i;

describeInChromium('dashboard bank details next steps in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');
  const openAs = (url: string, key: string, hash: string, viewport?: { width: number; height: number }) => openSignedIn(tab, url, key, hash, viewport);

  describeEachStore('dashboard bank details next steps', (server) => {
    it('live mode: a return and a refund to the bank say that Cashbook sends no email and that the merchant makes the link, which the return page then makes', async () => {
      const live = await liveAccount(server());
      const { stripe } = live;
      const customer = await stripe.customers.create({ name: 'Lena Live', email: 'lena.live@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      const iban = await liveVirtualAccount(stripe, customer.id, 'eur');
      const funded = await live.importStatement(camt053([{ amount: '80.00', currency: 'EUR', ownAccount: iban, name: 'Lena Live', iban: 'DE89370400440532013000', ref: 'IN-DASH-1' }]));
      assert.deepEqual(funded.lines.map((l) => l.status), ['funded']);
      await openAs(live.s.url, live.key, `#/customers/${customer.id}`);
      assert.equal(await page().locator('#mode').innerText(), 'Live mode');

      await page().getByRole('button', { name: 'Return funds to bank…' }).click();
      const intro = await dialog().innerText();
      assert.doesNotMatch(intro, NO_EMAIL_TOLD);
      assert.match(intro, /Cashbook sends no email, in test or live mode[\s\S]*make a bank details link there and send it to the customer yourself/);
      await dialog().getByLabel('Amount').fill('30');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await dialog().getByRole('button', { name: 'Return 30.00 EUR' }).waitFor();
      const review = await dialog().innerText();
      assert.doesNotMatch(review, NO_EMAIL_TOLD);
      assert.match(review, /Bank details\s+From the customer, through a bank details link you make on its page and send them yourself \(Cashbook sends no email\)/);
      await dialog().getByRole('button', { name: 'Return 30.00 EUR' }).click();
      const outcome = await waitForText(dialog().getByRole('status'), /Return of 30\.00 EUR created: requires action/);
      assert.match(outcome, /Cashbook sends no email[\s\S]*open the return, make a bank details link there and send it to the customer yourself/);
      const [ret] = (await stripe.refunds.list({ limit: 1 })).data;
      assert.deepEqual([ret.status, ret.instructions_email], ['requires_action', 'lena.live@example.com']);

      // The next step, where the outcome points: the return's page makes the link.
      await dialog().getByRole('link', { name: `See return ${ret.id}` }).click();
      await page().getByRole('heading', { name: 'Return of cash balance: 30.00 EUR' }).waitFor();
      await settled(page());
      const waiting = await page().locator('main .card').innerText();
      assert.match(waiting, /Customer email\s+lena\.live@example\.com \(not emailed: Cashbook sends no email\)/);
      assert.match(waiting, /Cashbook sends no email: make a bank details link and send it to the customer yourself/);
      await page().getByRole('button', { name: 'Make a bank details link' }).click();
      await settled(page());
      assert.match(await page().locator('.link-out a').innerText(), /\/refund_details\/live_[0-9A-Za-z]{32}$/);
      await assertCardsFit(page());
      await screenshot(page(), 'return-live-link');

      // A paid payment refunded to the bank: the same truth in the review and the outcome.
      const paid = await intent(stripe, customer.id, 2000, { currency: 'eur' });
      assert.equal(paid.status, 'succeeded');
      await openAs(live.s.url, live.key, `#/customers/${customer.id}`);
      const refundReview = await performAction(page(), row(paid.id).getByRole('button', { name: 'Refund…' }), 'Refund 20.00 EUR', async (d) => {
        await d.getByLabel("The customer's bank account").check();
      });
      assert.doesNotMatch(refundReview, NO_EMAIL_TOLD);
      assert.match(refundReview, /To\s+The customer's bank account\s+Bank details\s+From the customer, through a bank details link you make on its page/);
      const refundOutcome = await finishAction(page(), /Refund of 20\.00 EUR created: requires action/);
      assert.match(refundOutcome, /Cashbook sends no email, in test or live mode[\s\S]*open the refund, make a bank details link there/);
      const [refund] = (await stripe.refunds.list({ payment_intent: paid.id })).data;
      assert.equal(refund.status, 'requires_action');
      assert.deepEqual(problems(), []);
    });

    it('test mode, JPY: no payment file pays it, so the return says no bank details link can be made and its page offers none', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Jun Yen', email: 'jun@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, 5000, 'eur');
      await fund(stripe, customer.id, 3000, 'jpy');
      await openAs(url, key, `#/customers/${customer.id}`);
      await page().getByRole('button', { name: 'Return funds to bank…' }).click();
      await dialog().getByLabel('Currency').selectOption('eur');
      assert.match(await dialog().innerText(), /make a bank details link there/);
      await dialog().getByLabel('Currency').selectOption('jpy');
      const intro = await dialog().innerText();
      assert.doesNotMatch(intro, NO_EMAIL_TOLD);
      assert.match(intro, /no bank details link can be made for JPY/);
      await dialog().getByLabel('Amount').fill('1000');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await dialog().getByRole('button', { name: 'Return 1,000 JPY' }).waitFor();
      assert.match(await dialog().innerText(), /Bank details\s+None can be asked for: Cashbook sends no email, and makes bank details links only in EUR, GBP, USD/);
      await dialog().getByRole('button', { name: 'Return 1,000 JPY' }).click();
      const outcome = await waitForText(dialog().getByRole('status'), /Return of 1,000 JPY created: requires action/);
      assert.match(outcome, /no bank details link can be made for JPY/);
      const [ret] = (await stripe.refunds.list({ limit: 1 })).data;
      await dialog().getByRole('link', { name: `See return ${ret.id}` }).click();
      await page().getByRole('heading', { name: 'Return of cash balance: 1,000 JPY' }).waitFor();
      await settled(page());
      assert.equal(await page().getByRole('button', { name: 'Make a bank details link' }).count(), 0, 'the server refuses a JPY link: none is offered');
      assert.match(await page().locator('main .card').innerText(), /which Cashbook cannot ask for in JPY/);
      assert.equal((await server().request('POST', `/cashbook/v1/refunds/${ret.id}/bank_details_link`)).status, 400, 'as the page says');
      await page().getByRole('button', { name: 'Cancel return…' }).waitFor();
      assert.deepEqual(problems(), []);
    });

    it('live mode: an unmatched transfer sent back and bounced by the bank (MD07) is open again with the reason shown, and can be sent back again', async () => {
      const live = await liveAccount(server());
      await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
      const arrived = await live.importStatement(camt053([{ amount: '15.00', currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: 'Gone Away GmbH', iban: 'DE89370400440532013000', ref: 'IN-DASH-B', remittance: 'Who is this' }]));
      assert.deepEqual(arrived.lines.map((l) => l.status), ['unmatched']);
      const transfer = arrived.lines[0].unmatched_transfer!;

      await openAs(live.s.url, live.key, '#/transfers');
      await page().getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
      await performAction(page(), row(transfer).getByRole('button', { name: 'Return…' }), 'Return 15.00 EUR');
      await finishAction(page());
      await waitForText(row(transfer), /returned[\s\S]*payment back: pending/);
      const file = await newFile(live, 'eur');
      assert.deepEqual(file.unmatched_transfers, [transfer]);
      const paid = await live.importStatement(camt053([{ amount: '15.00', currency: 'EUR', direction: 'DBIT', endToEndId: transfer, ref: 'OUT-DASH-B' }]));
      assert.deepEqual(paid.lines.map((l) => l.status), ['settled']);
      const bounced = await live.importStatement(camt053([{ amount: '15.00', currency: 'EUR', name: 'Gone Away GmbH', iban: 'DE89370400440532013000', endToEndId: transfer, ref: 'RTN-DASH-B', returnReason: 'MD07' }]));
      assert.deepEqual(bounced.lines.map((l) => [l.status, l.unmatched_transfer]), [['returned', transfer]]);
      const reopened = (await live.api('GET', `/cashbook/v1/unmatched_transfers/${transfer}`)).body;
      assert.deepEqual([reopened.status, reopened.return_failure_reason], ['open', 'returned by the receiving bank (MD07)']);

      await openAs(live.s.url, live.key, '#/transfers');
      await page().getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
      const shown = await row(transfer).innerText();
      assert.match(shown, /open[\s\S]*Sent back, but the payment came back: returned by the receiving bank \(MD07\)\. It is open again\./);
      assert.deepEqual(await row(transfer).getByRole('button').allInnerTexts(), ['Assign…', 'Return…']);
      await assertCardsFit(page());
      await screenshot(page(), 'transfer-bounced-desktop');
      await openAs(live.s.url, live.key, '#/transfers', PHONE);
      await expectClean(200);
      assert.match(await row(transfer).innerText(), /returned by the receiving bank \(MD07\)/);
      await screenshot(page(), 'transfer-bounced-phone');

      // Sent back once more, from the dashboard: the next file pays it again.
      await performAction(page(), row(transfer).getByRole('button', { name: 'Return…' }), 'Return 15.00 EUR');
      await finishAction(page());
      await waitForText(row(transfer), /returned/);
      assert.doesNotMatch(await row(transfer).innerText(), /MD07/, 'a transfer on its way back again no longer shows the old bounce');
      const second = await newFile(live, 'eur');
      assert.deepEqual(second.unmatched_transfers, [transfer]);
      assert.deepEqual(problems(), []);
    });
  });
});
