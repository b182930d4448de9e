// The dashboard in a real browser, part six: it offers only what the server would do, and says
// why where it offers nothing. An unmatched transfer whose sender is named in no Latin letter
// (`日本 太郎`), or whose account a payment file of its currency cannot pay (USD without an ABA
// routing number), is not offered Return…, by the server's own rules (mirrored in ui/latin.js
// and ui/sender-account.js, and checked against them here); a transfer shows the bank's
// booking date, not only when it was imported; a waiting payment is not offered an empty cash
// balance; and a dialog that cancels something is left by "Keep …", with the cash a cancelled
// payment gives back in its review.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { balanceOf, fund, intent } from '../integration/payments-helpers.ts';
import { camt053, type Entry } from '../integration/live-helpers.ts';
import { hasLatinLetter } from '../../src/core/payment-files/latin.ts';
import { senderPayoutAccount } from '../../src/core/payment-files/sender-account.ts';
import { assertCardsFit, describeInChromium, finishAction, openDashboard, performAction, PHONE, screenshot, settled, waitForText } from './chromium.ts';

async function importStatement(server: TestServer, entries: Entry[]): Promise<{ lines: { status: string; unmatched_transfer: string | null; booking_date: string | null }[] }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/xml' }, body: camt053(entries) });
  assert.equal(reply.status, 200);
  return (await reply.json()) as { lines: { status: string; unmatched_transfer: string | null; booking_date: string | null }[] };
}

// Names in many scripts, with letters the server spells out, marks it drops, and spaces.
const NAMES = ['日本 太郎', 'Ærø Øst', 'Łukasz Żółw', 'ß', 'Ἀθηνᾶ Παπαδοπούλου', 'Иван Петров', '김민준', 'محمد', '  ', '123 456', 'ＡＢＣ', 'Ǆ', 'Ø', 'þ', 'ı', 'x', '日本 A', 'e\u0301', '😀', '-'];

type Sender = { name: string | null; iban: string | null; bic: string | null; account: string | null; clearing: string | null };
const sender = (name: string | null, fields: Partial<Sender> = {}): Sender => ({ name, iban: null, bic: null, account: null, clearing: null, ...fields });
// Senders as statements give them, for each currency: what a payment back to them needs.
const SENDERS: [string, Sender][] = [
  ['eur', sender('Jan Jansen', { iban: 'NL39RABO0300065264' })],
  ['eur', sender('Jan Jansen', { iban: 'NL39 RABO 0300 0652 64' })],
  ['eur', sender('Jan Jansen', { iban: 'NL39RABO0300065265' })],
  ['eur', sender('Jan Jansen', { account: 'de89370400440532013000' })],
  ['eur', sender('Jan Jansen', { account: '0300065264' })],
  ['eur', sender('日本 太郎', { iban: 'NL39RABO0300065264' })],
  ['eur', sender(`${'日'.repeat(70)}A`, { iban: 'NL39RABO0300065264' })],
  ['eur', sender('   ', { iban: 'NL39RABO0300065264' })],
  ['eur', sender(null, { iban: 'NL39RABO0300065264' })],
  ['gbp', sender('Jane Smith', { clearing: '40-47-84', account: '70872490' })],
  ['gbp', sender('Jane Smith', { clearing: '404784', account: '7087249' })],
  ['gbp', sender('Jane Smith', { iban: 'GB82WEST12345698765432' })],
  ['gbp', sender('Jane Smith', { iban: 'DE89370400440532013000' })],
  ['gbp', sender('Jane Smith', { account: '70872490' })],
  ['usd', sender('John Doe', { clearing: '011000015', account: '000123456789' })],
  ['usd', sender('John Doe', { clearing: '011000016', account: '000123456789' })],
  ['usd', sender('John Doe', { clearing: '011000015', account: '123' })],
  ['usd', sender('John Doe', { account: '000123456789' })],
  ['usd', sender('Иван Петров', { clearing: '011000015', account: '000123456789' })],
  ['jpy', sender('Taro Yamada', { account: '1234567' })],
];

/** Whether the server would send a transfer back to `sender` (unmatched.ts returnTransfer, amounts aside). */
function serverTakes(currency: string, from: Sender): boolean {
  const payout = senderPayoutAccount(currency, from);
  return payout.ok && hasLatinLetter(payout.account.account_holder_name);
}

describeInChromium('dashboard offers what the server does, in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');

  describeEachStore('dashboard offers', (server) => {
    it('the page reads a Latin letter in a name, and the account a payment back needs, as the server does', async () => {
      const { url, key } = server();
      await openDashboard(tab, url, key, '#/customers');
      const shown = await page().evaluate(async ([module, names]) => {
        const latin = (await import(module)) as { hasLatinLetter(name: string): boolean };
        return names.map((name) => latin.hasLatinLetter(name));
      }, ['/dashboard/ui/latin.js', NAMES] as const);
      assert.deepEqual(shown, NAMES.map((name) => hasLatinLetter(name)));
      assert.ok(shown.includes(true) && shown.includes(false), 'both answers are checked');
      const offered = await page().evaluate(async ([module, senders]) => {
        const account = (await import(module)) as { whyNoPaymentBack(currency: string, sender: unknown): string | null };
        return senders.map(([currency, from]) => account.whyNoPaymentBack(currency, from) === null);
      }, ['/dashboard/ui/sender-account.js', SENDERS] as const);
      assert.deepEqual(offered, SENDERS.map(([currency, from]) => serverTakes(currency, from)));
      assert.ok(offered.filter(Boolean).length >= 5 && offered.filter((o) => !o).length >= 5, 'both answers are checked');
    });

    it('unmatched transfers: no Return… for a sender named without a Latin letter (the server refuses it), and the bank’s booking date', async () => {
      const s = server();
      const { url, key } = s;
      const imported = await importStatement(s, [
        { amount: '12.00', currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: '日本 太郎', iban: 'DE89370400440532013000', ref: 'JP-1', remittance: 'From Tokyo' },
        { amount: '13.00', currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: 'Ærø Øst', iban: 'DE89370400440532013000', ref: 'DK-1', remittance: 'From Ærø' },
        { amount: '14.00', currency: 'USD', ownAccount: 'NL02ABNA0123456789', name: 'John Doe', iban: 'DE89370400440532013000', ref: 'US-1', remittance: 'No routing number' },
      ]);
      assert.deepEqual(imported.lines.map((l) => [l.status, l.booking_date]), [['unmatched', '2026-12-02'], ['unmatched', '2026-12-02'], ['unmatched', '2026-12-02']]);
      const [japanese, danish, american] = imported.lines.map((l) => l.unmatched_transfer!);
      const transfer = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${japanese}`)).body as { created: number };

      // Far west of UTC, where the bank's day read as midnight UTC would be the day before.
      await tab.withContext({ timezoneId: 'America/Los_Angeles', locale: 'en-US' }, async (own, seen) => {
        await own.goto(`${url}/dashboard#/transfers`);
        await own.getByLabel('Secret key').fill(key);
        await own.getByRole('button', { name: 'Open dashboard' }).click();
        await own.getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
        await settled(own);
        const booked = await own.locator(`tr[data-id="${japanese}"] td[data-label="Booked by the bank"]`).innerText();
        assert.match(booked, /^Dec 2, 2026\s+imported /, booked);
        const imported = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Los_Angeles' }).format(new Date(transfer.created * 1000));
        assert.ok(booked.includes(`imported ${imported}`), `${booked} shows the import time ${imported}`);
        assert.equal(await own.locator(`tr[data-id="${japanese}"] td time[datetime="2026-12-02"]`).count(), 1);
        assert.match((await own.locator('#transfers thead').textContent())!, /Booked by the bank/);
        assert.deepEqual(seen, []);
      });

      await openDashboard(tab, url, key, '#/transfers');
      await page().getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
      assert.deepEqual(await row(japanese).getByRole('button').allInnerTexts(), ['Assign…'], 'no Return… for a name the server refuses');
      assert.match(await row(japanese).innerText(), /Cannot be returned: the sender’s name has no Latin letter, which a payment file needs to name the account it pays\./);
      const refused = await s.request('POST', `/cashbook/v1/unmatched_transfers/${japanese}/return`);
      assert.equal(refused.status, 400, 'as the row says');
      assert.match(refused.body.error.message, /has no Latin letter/);
      // USD is paid back by ABA routing number, which the statement does not give for this sender.
      assert.deepEqual(await row(american).getByRole('button').allInnerTexts(), ['Assign…']);
      assert.match(await row(american).innerText(), /Cannot be returned: the statement does not give the sender’s ABA routing number and account number\./);
      assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${american}/return`)).status, 400, 'as the row says');
      await assertCardsFit(page());
      await screenshot(page(), 'transfers-no-latin-desktop');

      // Ærø Øst is spelled out (AEro Ost): offered, and the server takes it.
      await performAction(page(), row(danish).getByRole('button', { name: 'Return…' }), 'Return 13.00 EUR');
      await finishAction(page());
      await waitForText(row(danish), /returned/);
      assert.equal((await s.request('GET', `/cashbook/v1/unmatched_transfers/${danish}`)).body.status, 'returned');
      assert.deepEqual(problems(), []);

      await openDashboard(tab, url, key, '#/transfers', PHONE);
      await expectClean(200);
      assert.match(await row(japanese).innerText(), /no Latin letter/);
      await screenshot(page(), 'transfers-no-latin-phone');
    });

    it('a waiting payment is offered no empty cash balance (the server refuses it); once funded it is', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Nil Balance', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      const waiting = await intent(stripe, customer.id, 2000, { currency: 'eur' });
      assert.equal(waiting.status, 'requires_action');
      await assert.rejects(stripe.paymentIntents.applyCustomerBalance(waiting.id, {}), (error: { statusCode?: number }) => error.statusCode === 400, 'the server refuses an empty balance');

      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      assert.equal(await row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }).count(), 0);
      assert.match(await row(waiting.id).innerText(), /No cash balance to apply: the customer holds no EUR\./);
      assert.deepEqual(await row(waiting.id).getByRole('button').allInnerTexts(), ['Cancel…']);
      await openDashboard(tab, url, key, '#/payments');
      assert.equal(await row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }).count(), 0, 'nor on the Payments tab');
      assert.match(await row(waiting.id).innerText(), /No cash balance to apply/);
      await screenshot(page(), 'payments-nothing-to-apply');

      // A balance in another currency does not count; one in EUR does.
      await fund(stripe, customer.id, 500, 'usd');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      assert.match(await row(waiting.id).innerText(), /the customer holds no EUR/);
      await fund(stripe, customer.id, 500, 'eur');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      await row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }).waitFor();
      await openDashboard(tab, url, key, '#/payments');
      await row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }).waitFor();
      assert.doesNotMatch(await row(waiting.id).innerText(), /No cash balance to apply/);
      assert.deepEqual(problems(), []);
    });

    it('cancel dialogs are left with "Keep …", and a payment’s review says how much cash goes back', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ email: 'keep@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, 500, 'eur');
      const waiting = await intent(stripe, customer.id, 2000, { currency: 'eur' });
      await stripe.paymentIntents.applyCustomerBalance(waiting.id, {});
      const unconfirmed = await intent(stripe, customer.id, 700, { currency: 'eur', confirm: false });
      assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0);

      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      await row(waiting.id).getByRole('button', { name: 'Cancel…' }).click();
      await dialog().getByRole('button', { name: 'Cancel payment' }).waitFor();
      assert.deepEqual(await dialog().getByRole('button').allInnerTexts(), ['Keep payment', 'Cancel payment'], 'no "Cancel" beside "Cancel payment"');
      assert.match(await dialog().innerText(), /Amount\s+20\.00 EUR[\s\S]*Back to the cash balance\s+5\.00 EUR \(the cash already applied\)/);
      await dialog().getByRole('button', { name: 'Keep payment' }).click();
      await settled(page());
      assert.equal((await stripe.paymentIntents.retrieve(waiting.id)).status, 'requires_action', 'kept');

      await performAction(page(), row(waiting.id).getByRole('button', { name: 'Cancel…' }), 'Cancel payment');
      await finishAction(page());
      assert.equal((await stripe.paymentIntents.retrieve(waiting.id)).status, 'canceled');
      assert.equal(await balanceOf(stripe, customer.id, 'eur'), 500, 'the 5.00 EUR the review named came back');
      const review = await performAction(page(), row(unconfirmed.id).getByRole('button', { name: 'Cancel…' }), 'Cancel payment');
      assert.match(review, /Back to the cash balance\s+nothing: no cash was applied/);
      await finishAction(page());

      // A return: "Keep return" beside "Cancel return of …", on its page and in the Refunds list.
      const ret = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 300 });
      await openDashboard(tab, url, key, `#/refunds/${ret.id}`);
      await page().getByRole('button', { name: 'Cancel return…' }).click();
      await dialog().getByRole('button', { name: 'Cancel return of 3.00 EUR' }).waitFor();
      assert.deepEqual(await dialog().getByRole('button').allInnerTexts(), ['Keep return', 'Cancel return of 3.00 EUR']);
      await screenshot(page(), 'cancel-return-review');
      await dialog().getByRole('button', { name: 'Keep return' }).click();
      await settled(page());
      assert.equal((await stripe.refunds.retrieve(ret.id)).status, 'requires_action');
      await openDashboard(tab, url, key, '#/refunds');
      await row(ret.id).getByRole('button', { name: 'Cancel…' }).click();
      await dialog().getByRole('button', { name: 'Cancel return of 3.00 EUR' }).waitFor();
      assert.deepEqual(await dialog().getByRole('button').allInnerTexts(), ['Keep return', 'Cancel return of 3.00 EUR']);
      await page().keyboard.press('Escape');
      await settled(page());
      assert.deepEqual(problems(), []);
    });
  });
});
