// The dashboard in a real browser, part seven: what a page shows is the server's state now,
// not what this tab saw earlier. A bank details link the customer has used is no longer shown
// to send (the return is pending); the account's default reconciliation mode is read each time
// a customer page opens; a new key starts at the customer list, not on the last key's page;
// the list shows a credit balance in every currency it is kept in; and customers on test
// clocks, which the plain list leaves out as Stripe's does, are found by email (search and the
// Assign dialog, where two customers with one email are still told apart) and by clock id.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund } from '../integration/payments-helpers.ts';
import { camt053, liveAccount } from '../integration/live-helpers.ts';
import { describeInChromium, finishAction, openDashboard, performAction, screenshot, settled, waitForText } from './chromium.ts';

const IBAN_GIVEN = 'account_holder_name=Carla+Muller&iban=GB82WEST12345698765432';

describeInChromium('dashboard shows the current state, in Chromium', (tab) => {
  const { page, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');
  /** Goes to `hash` in the same tab (no reload: what the tab remembers stays). */
  async function go(hash: string): Promise<void> {
    await page().evaluate((to) => (location.hash = to), hash);
    await page().waitForFunction((to) => location.hash === to, hash);
    await settled(page());
  }
  async function search(text: string): Promise<void> {
    await page().getByLabel('Search customers').fill(text);
    await page().getByRole('button', { name: 'Search', exact: true }).click();
    await page().waitForFunction((q) => decodeURIComponent(location.hash).includes(q), text);
    await settled(page());
  }
  const ids = (selector: string) => page().locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

  describeEachStore('dashboard current state', (server) => {
    it('a bank details link the customer used is not offered again: the return page shows it pending', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Carla Muller', email: 'carla@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, 5000, 'eur');
      const ret = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 1000 });
      await openDashboard(tab, url, key, `#/refunds/${ret.id}`);
      await page().getByRole('button', { name: 'Make a bank details link' }).click();
      await settled(page());
      const link = await page().locator('.link-out a').getAttribute('href');
      assert.match(link!, /\/refund_details\/test_[0-9A-Za-z]{32}$/);
      assert.match(await page().locator('main .card').innerText(), /Every link made works until the customer gives their details through one of them/);
      await page().getByRole('button', { name: 'Make another link' }).waitFor();

      // The customer gives their details through it; the merchant comes back in the same tab.
      const submitted = await fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: IBAN_GIVEN });
      assert.equal(submitted.status, 200);
      assert.equal((await stripe.refunds.retrieve(ret.id)).status, 'pending');
      await go('#/refunds');
      await go(`#/refunds/${ret.id}`);
      const card = await page().locator('main .card').innerText();
      assert.match(card, /Status\s+pending/);
      assert.doesNotMatch(card, /Send the customer this link/, 'the spent link is not offered');
      assert.equal(await page().locator('.link-out').count(), 0);
      assert.equal(await page().getByRole('button', { name: /link/ }).count(), 0, 'nor is a new one');
      assert.match(card, /The customer has given their bank details/);
      await screenshot(page(), 'return-pending-after-link');

      // A page left open while the customer submits: the refused click shows where the return is now.
      const second = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 500 });
      await go(`#/refunds/${second.id}`);
      await page().getByRole('button', { name: 'Make a bank details link' }).click();
      await settled(page());
      const secondLink = await page().locator('.link-out a').getAttribute('href');
      assert.equal((await fetch(secondLink!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: IBAN_GIVEN })).status, 200);
      await page().getByRole('button', { name: 'Make another link' }).click();
      await waitForText(page().locator('#error'), /is pending: a bank details link is only for a refund waiting for bank details/);
      await settled(page());
      await waitForText(page().locator('main .card'), /Status\s+pending/);
      assert.equal(await page().locator('.link-out').count(), 0);
      assert.equal(await page().getByRole('button', { name: /link/ }).count(), 0);
      assert.deepEqual(problems().filter((p) => !p.startsWith('console: Failed to load resource')).map((p) => p.replace(/ .*/, '')), ['400:'], 'the one refused request');
    });

    it('"Account default" is read when a customer page opens, after the account changed it', async () => {
      const { url, key, stripe } = server();
      const ada = await stripe.customers.create({ name: 'Ada Default' });
      const bob = await stripe.customers.create({ name: 'Bob Default' });
      const option = () => page().getByRole('combobox', { name: 'Reconciliation' }).locator('option[value=merchant_default]');
      await openDashboard(tab, url, key, `#/customers/${ada.id}`);
      assert.equal(await option().innerText(), 'Account default (automatic)');
      const changed = await server().request('POST', '/cashbook/v1/account', { form: 'default_reconciliation_mode=manual' });
      assert.equal(changed.body.default_reconciliation_mode, 'manual');
      await go(`#/customers/${bob.id}`);
      assert.equal(await option().innerText(), 'Account default (manual)');
      await go(`#/customers/${ada.id}`);
      assert.equal(await option().innerText(), 'Account default (manual)');
      await server().request('POST', '/cashbook/v1/account', { form: 'default_reconciliation_mode=automatic' });
      await go('#/customers');
      await go(`#/customers/${ada.id}`);
      assert.equal(await option().innerText(), 'Account default (automatic)');
      assert.deepEqual(problems(), []);
    });

    it('another key starts at the customer list: after Forget key, and after a key is refused', async () => {
      const s = server();
      const { url, key, stripe } = s;
      const customer = await stripe.customers.create({ name: 'Old Key Customer', email: 'old@example.com' });
      await fund(stripe, customer.id, 1000, 'eur');
      const ret = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 300 });
      const live = await liveAccount(s);
      const liveCustomer = await live.stripe.customers.create({ name: 'Live Key Customer' });

      await openDashboard(tab, url, key, `#/refunds/${ret.id}`);
      await page().getByRole('button', { name: 'Forget key' }).click();
      await page().getByLabel('Secret key').fill(live.key);
      await page().getByRole('button', { name: 'Open dashboard' }).click();
      await page().getByRole('heading', { name: 'Customers' }).waitFor();
      await settled(page());
      assert.equal(await page().evaluate(() => location.hash), '#/customers');
      assert.ok(await page().locator('#error').isHidden(), 'no error banner');
      await row(liveCustomer.id).waitFor();
      assert.equal(await page().innerText('#mode'), 'Live mode');

      // The key stops working (revoked, say) on a customer page; another key signs in.
      await go(`#/customers/${liveCustomer.id}`);
      await page().evaluate(() => sessionStorage.setItem('cashbook.secret_key', 'sk_live_no_longer_valid'));
      await page().evaluate(() => (location.hash = '#/payments'));
      await page().getByRole('heading', { name: 'Sign in with a secret key' }).waitFor();
      await page().getByLabel('Secret key').fill(key);
      await page().getByRole('button', { name: 'Open dashboard' }).click();
      await page().getByRole('heading', { name: 'Customers' }).waitFor();
      await settled(page());
      assert.equal(await page().evaluate(() => location.hash), '#/customers');
      await row(customer.id).waitFor();
      assert.deepEqual(problems().filter((p) => !p.startsWith('console: Failed to load resource')).map((p) => p.replace(/ .*/, '')), ['401:'], 'the refused key');
      problems().splice(0);

      // A tab opened at an address signs in there.
      await page().evaluate(() => sessionStorage.clear());
      await openDashboard(tab, url, key, `#/refunds/${ret.id}`);
      await page().getByRole('heading', { name: 'Return of cash balance: 3.00 EUR' }).waitFor();
      assert.deepEqual(problems(), []);
    });

    it('the list shows the credit balance in every currency', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Two Credits', email: 'two-credits@example.com' });
      await stripe.customers.createBalanceTransaction(customer.id, { amount: -1000, currency: 'eur' });
      await stripe.customers.createBalanceTransaction(customer.id, { amount: -250, currency: 'usd' });
      const got = (await stripe.customers.retrieve(customer.id, { expand: ['invoice_credit_balance'] })) as unknown as { invoice_credit_balance: Record<string, number> };
      assert.deepEqual(got.invoice_credit_balance, { eur: -1000, usd: -250 });
      await openDashboard(tab, url, key, '#/customers');
      const credit = await row(customer.id).locator('td[data-label="Credit balance"]').innerText();
      assert.deepEqual(credit.split('\n').map((line) => line.trim()).filter(Boolean).sort(), ['−10.00 EUR', '−2.50 USD']);
      await search('two-credits@example.com');
      assert.match(await row(customer.id).locator('td[data-label="Credit balance"]').innerText(), /−10\.00 EUR[\s\S]*−2\.50 USD|−2\.50 USD[\s\S]*−10\.00 EUR/);
      await search(customer.id);
      assert.match(await row(customer.id).locator('td[data-label="Credit balance"]').innerText(), /−10\.00 EUR[\s\S]*−2\.50 USD|−2\.50 USD[\s\S]*−10\.00 EUR/);
      assert.deepEqual(problems(), []);
    });

    it('customers on test clocks: found by email in the list and in the Assign dialog, listed by clock id, and the list says so', async () => {
      const s = server();
      const { url, key, stripe } = s;
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_796_000_000 });
      const solo = await stripe.customers.create({ name: 'Solo Clock', email: 'solo-clock@example.com', test_clock: clock.id });
      const twinOnClock = await stripe.customers.create({ name: 'Twin Clock', email: 'twin@example.com', test_clock: clock.id });
      const twin = await stripe.customers.create({ name: 'Twin Plain', email: 'twin@example.com' });
      for (const customer of [solo, twin]) {
        await stripe.customers.createFundingInstructions(customer.id, { currency: 'eur', funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } } });
      }
      assert.deepEqual((await stripe.customers.list({ email: 'solo-clock@example.com' })).data, [], 'the list leaves clock customers out, as Stripe');

      await openDashboard(tab, url, key, '#/customers');
      const listed = await ids('#customers');
      assert.ok(listed.includes(twin.id) && !listed.includes(solo.id) && !listed.includes(twinOnClock.id), 'the plain list leaves clock customers out');
      assert.match(await page().locator('#customers').innerText(), /Customers on test clocks are not listed here \(as at Stripe\): a search finds them, or search for a test clock’s id \(clock_…\) to list its customers\./);
      await search('solo-clock@example.com');
      assert.deepEqual(await ids('#customers'), [solo.id]);
      assert.equal(await page().locator('#test-clock-note').count(), 0, 'a search leaves nobody out');
      await search('twin@example.com');
      assert.deepEqual((await ids('#customers')).sort(), [twin.id, twinOnClock.id].sort());
      await search(clock.id);
      assert.deepEqual((await ids('#customers')).sort(), [solo.id, twinOnClock.id].sort());
      await screenshot(page(), 'customers-test-clock');

      const reply = await fetch(`${url}/cashbook/v1/bank_statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' },
        body: camt053(['1', '2'].map((n) => ({ amount: `${n}0.00`, currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: `Sender ${n}`, iban: 'DE89370400440532013000', ref: `CLK-${n}` }))),
      });
      const statement = (await reply.json()) as { lines: { unmatched_transfer: string }[] };
      const [ten, twenty] = statement.lines.map((l) => l.unmatched_transfer);
      await openDashboard(tab, url, key, '#/transfers');
      await row(ten).getByRole('button', { name: 'Assign…' }).click();
      await dialog().getByLabel('Customer').fill('twin@example.com');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /More than one customer has the email twin@example\.com: enter the customer’s id instead\./);
      await dialog().getByLabel('Customer').fill('solo-clock@example.com');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await dialog().getByRole('button', { name: 'Assign 10.00 EUR' }).waitFor();
      assert.match(await dialog().innerText(), new RegExp(`Into the cash balance of\\s+Solo Clock ${solo.id}`));
      await dialog().getByRole('button', { name: 'Assign 10.00 EUR' }).click();
      await finishAction(page());
      assert.equal(await balanceOf(stripe, solo.id, 'eur'), 1000);
      await performAction(page(), row(twenty).getByRole('button', { name: 'Assign…' }), 'Assign 20.00 EUR', async (d) => {
        await d.getByLabel('Customer').fill(twin.id);
      });
      await finishAction(page());
      assert.equal(await balanceOf(stripe, twin.id, 'eur'), 2000);
      assert.deepEqual(problems(), []);
    });
  });
});
