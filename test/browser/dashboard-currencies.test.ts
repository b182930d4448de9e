// The dashboard in a real browser, part four: amounts in every currency as the server reads
// them, and only the actions the server would take. A camt.053 of credits in CLF (four
// decimals), KWD (three) and JPY (none) to an account no customer has is imported through the
// API; the unmatched transfers list shows each with its own decimals, offers Assign only for
// JPY (which a cash balance holds) and Return for none of them (Cashbook pays out EUR, GBP and
// USD only), saying why in place. Typed amounts: more decimals than the currency has, and more
// than the largest amount, are refused with a message saying so, never read as another amount.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { minorUnitExponent, MAX_AMOUNT_MINOR } from '../../src/core/money.ts';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { camt } from '../integration/camt-fixture.ts';
import { balanceOf, fund } from '../integration/payments-helpers.ts';
import { assertCardsFit, describeInChromium, finishAction, openDashboard, performAction, PHONE, screenshot, settled, waitForText } from './chromium.ts';

async function importStatement(server: TestServer, body: string): Promise<{ lines: { status: string; amount: number; currency: string; unmatched_transfer: string | null }[] }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/xml' }, body });
  const json = await reply.json();
  assert.equal(reply.status, 200, JSON.stringify(json));
  return json as { lines: { status: string; amount: number; currency: string; unmatched_transfer: string | null }[] };
}

describeInChromium('dashboard currencies and limits in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');

  /** Types `amount` into the open dialog's Amount field, asks for the review, and returns the dialog's alert. */
  async function refused(amount: string, pattern: RegExp): Promise<void> {
    await dialog().getByLabel('Amount').fill(amount);
    await dialog().getByRole('button', { name: 'Review' }).click();
    await waitForText(dialog().getByRole('alert'), pattern);
    assert.equal(await dialog().getByRole('button', { name: /^(Create|Simulate|Return|Credit|Debit)/ }).count(), 0, `${amount}: no review step to confirm`);
  }

  describeEachStore('dashboard currencies and limits', (server) => {
    it("serves the server's own minor units table: every currency's decimals match core/money.ts", async () => {
      const { url } = server();
      const reply = await fetch(`${url}/dashboard/ui/currencies.js`);
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type')!, /^text\/javascript/);
      assert.match(reply.headers.get('content-security-policy')!, /script-src 'self'/);
      const source = await reply.text();
      const exponents = JSON.parse(/MINOR_UNIT_EXPONENTS = (\{[^}]*\});/.exec(source)![1]) as Record<string, number>;
      for (const code of ['clf', 'uyw', 'kwd', 'bhd', 'jpy', 'krw', 'eur', 'usd', 'xyz']) assert.equal(exponents[code] ?? 2, minorUnitExponent(code), code);
      assert.match(source, new RegExp(`MAX_AMOUNT = ${MAX_AMOUNT_MINOR};`));
    });

    it('shows unmatched CLF, KWD and JPY credits with their own decimals, and offers only what the server would do, saying why', async () => {
      const s = server();
      const imported = await importStatement(s, camt('053', '08', 'NL02ABNA0123456789', [
        { amount: '1.2345', currency: 'CLF', ref: 'CLF-1', creditorAccount: 'NL02ABNA0123456789', debtorName: 'Santiago Ltda', debtorIban: 'DE89370400440532013000', remittance: 'UF invoice' },
        { amount: '12.345', currency: 'KWD', ref: 'KWD-1', creditorAccount: 'NL02ABNA0123456789', debtorName: 'Kuwait Trading', debtorIban: 'DE89370400440532013000', remittance: 'KWD invoice' },
        { amount: '5000', currency: 'JPY', ref: 'JPY-1', creditorAccount: 'NL02ABNA0123456789', debtorName: 'Tokyo KK', debtorIban: 'DE89370400440532013000', remittance: 'JPY invoice' },
      ]));
      assert.deepEqual(imported.lines.map((l) => [l.status, l.amount, l.currency]), [['unmatched', 12345, 'clf'], ['unmatched', 12345, 'kwd'], ['unmatched', 5000, 'jpy']]);
      const [clf, kwd, jpy] = imported.lines.map((l) => l.unmatched_transfer!);

      await openDashboard(tab, s.url, s.key, '#/transfers');
      await page().getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
      assert.match(await row(clf).innerText(), /1\.2345 CLF/);
      assert.match(await row(kwd).innerText(), /12\.345 KWD/);
      assert.match(await row(jpy).innerText(), /5,000 JPY/);
      assert.doesNotMatch(await row(jpy).innerText(), /50\.00/);

      // KWD and CLF: a cash balance holds neither and no payment file pays either: nothing is offered, and the row says why.
      for (const [id, code] of [[kwd, 'KWD'], [clf, 'CLF']] as const) {
        assert.equal(await row(id).getByRole('button').count(), 0, `${code}: no Assign or Return`);
        const text = await row(id).innerText();
        assert.match(text, /Cannot be assigned: a cash balance holds USD, EUR, GBP, JPY, MXN only\./);
        assert.match(text, /Cannot be returned: payment files pay out EUR, GBP, USD only\./);
        assert.match(text, /Pay it back to the sender outside Cashbook/);
        // The server refuses both, as the page says it would.
        for (const action of ['assign', 'return']) {
          const reply = await s.request('POST', `/cashbook/v1/unmatched_transfers/${id}/${action}`, action === 'assign' ? { form: `customer=${(await s.stripe.customers.create({})).id}` } : {});
          assert.equal(reply.status, 400, `${code} ${action}`);
        }
      }
      // JPY: a cash balance holds it, so it can be assigned; it cannot be paid back.
      assert.deepEqual(await row(jpy).getByRole('button').allInnerTexts(), ['Assign…']);
      assert.match(await row(jpy).innerText(), /Cannot be returned: payment files pay out EUR, GBP, USD only\./);
      assert.doesNotMatch(await row(jpy).innerText(), /Cannot be assigned/);
      await assertCardsFit(page());
      await screenshot(page(), 'transfers-currencies-desktop');

      const taro = await s.stripe.customers.create({ name: 'Taro Yamada' });
      const review = await performAction(page(), row(jpy).getByRole('button', { name: 'Assign…' }), 'Assign 5,000 JPY', async (d) => {
        await d.getByLabel('Customer').fill(taro.id);
      });
      assert.match(review, /Amount\s+5,000 JPY/);
      await finishAction(page());
      assert.equal(await balanceOf(s.stripe, taro.id, 'jpy'), 5000);
      await waitForText(row(jpy), /assigned/);
      assert.deepEqual(problems(), []);

      await openDashboard(tab, s.url, s.key, '#/transfers', PHONE);
      await expectClean(200);
      assert.match(await row(kwd).innerText(), /12\.345 KWD[\s\S]*Cannot be assigned[\s\S]*Cannot be returned/);
      await screenshot(page(), 'transfers-currencies-phone');
    });

    it('refuses an amount too large (naming the largest) and more decimals than the currency has, in EUR and JPY', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Ines Input', email: 'ines@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, 5000, 'eur');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);

      await page().getByRole('button', { name: 'New payment…' }).click();
      await dialog().getByLabel('Currency').selectOption('eur');
      await refused('99999999999999', /This amount is too large: enter at most 999,999\.99 EUR/);
      await refused('1000000', /too large: enter at most 999,999\.99 EUR/);
      await refused('0,001', /EUR has 2 decimals: enter at most 2 digits after the decimal point/);
      await refused('0.001', /EUR has 2 decimals/);
      await refused('1.000,005', /EUR has 2 decimals/);
      await refused('0', /greater than zero/);
      await dialog().getByLabel('Currency').selectOption('jpy');
      await refused('99999999999999', /too large: enter at most 99,999,999 JPY/);
      await refused('1.5', /JPY has no decimals: enter a whole number of JPY/);
      await refused('1,5', /JPY has no decimals/);
      // What a currency allows still reads as typed: 999,999.99 EUR (the largest), 1,500 EUR grouped, 0,50 EUR.
      await dialog().getByLabel('Currency').selectOption('eur');
      for (const [typed, shown] of [['999999.99', '999,999.99 EUR'], ['1,500', '1,500.00 EUR'], ['0,50', '0.50 EUR']]) {
        await dialog().getByLabel('Amount').fill(typed);
        await dialog().getByRole('button', { name: 'Review' }).click();
        await dialog().getByRole('button', { name: `Create and confirm ${shown}` }).waitFor();
        await dialog().getByRole('button', { name: 'Back' }).click();
      }
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.equal((await stripe.paymentIntents.list({ customer: customer.id })).data.length, 0, 'nothing was sent');

      // The same rules where the amount has its own maximum (the cash balance): the decimals are refused as such.
      await page().getByRole('button', { name: 'Return funds to bank…' }).click();
      await refused('0,001', /EUR has 2 decimals/);
      await refused('99999999999999', /Enter at most 50\.00 EUR/);
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.deepEqual(problems(), []);
    });
  });
});
