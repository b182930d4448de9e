// The dashboard in a real browser: what a developer sees and does, checked against what the
// API then says through the official SDK. Sign in with a key (a wrong one is refused), find a
// customer and its balance, simulate a bank transfer from the form (an amount typed wrong is
// refused before any request), refund a payment into the cash balance, cancel an open one,
// pay an invoice from the cash balance, change the reconciliation mode, read the events, on a
// desktop and a phone screen.
import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent, ledger, newCustomer } from '../integration/payments-helpers.ts';
import { describeInChromium, PHONE } from './chromium.ts';

describeInChromium('dashboard in Chromium', ({ page, visit, expectClean, problems }) => {
  const text = (selector = 'main') => page().innerText(selector);
  /** Picks a reconciliation mode and saves it; resolves once the view was rebuilt after the save. */
  async function saveMode(mode: string): Promise<void> {
    const before = await page().$('select[name=reconciliation_mode]');
    await page().selectOption('select[name=reconciliation_mode]', mode);
    await page().click('button:text("Save")');
    await before!.waitForElementState('hidden'); // detached: the page re-rendered after the POST answered
    await page().waitForSelector('select[name=reconciliation_mode]');
  }
  const rowOf = (id: string) => page().locator(`tr[data-id="${id}"]`);

  async function signIn(key: string): Promise<void> {
    await page().fill('#secret-key', key);
    await page().click('button[type=submit]');
    await page().waitForSelector('h1:text("Customers")');
  }

  describeEachStore('dashboard', (server) => {
    it('is served without a key, with a strict content security policy', async () => {
      const { url } = server();
      for (const asset of ['/dashboard', '/dashboard/app.js', '/dashboard/app.css']) {
        const response = await fetch(url + asset);
        assert.equal(response.status, 200, asset);
        assert.match(response.headers.get('content-security-policy')!, /default-src 'none'; script-src 'self'/);
        assert.equal(response.headers.get('cache-control'), 'no-store');
      }
    });

    it('signs in, funds from the form, refunds into the cash balance, cancels, switches mode', async () => {
      const { url, key, stripe } = server();
      const customer = await newCustomer(stripe);
      await stripe.customers.update(customer.id, { email: 'dash@example.com' });
      await fund(stripe, customer.id, 1234, 'eur');

      await expectClean(await visit(`${url}/dashboard`));
      assert.match(await text(), /Sign in with a secret key/);
      await page().fill('#secret-key', 'sk_test_not_a_key_of_this_server');
      await page().click('button[type=submit]');
      await page().waitForSelector('#error:not([hidden])');
      assert.match(await text('#error'), /Invalid API Key provided/);
      assert.match(await text(), /Sign in with a secret key/, 'a refused key signs nobody in');
      problems().splice(0); // the 401 above was the point

      await signIn(key);
      assert.equal(await text('#mode'), 'Test mode');
      const listed = await page().locator('tr', { hasText: 'dash@example.com' }).innerText();
      assert.match(listed, /12\.34 EUR/);

      await page().click('a:text("dash@example.com")');
      await page().waitForSelector(`p.id:text("${customer.id}")`);
      assert.equal(await page().innerText('.balance[data-currency="eur"] .value'), '12.34 EUR');

      // A bank transfer from the form: 50.05 USD, exactly 5005 minor units.
      await page().fill('input[name=amount]', '50.05');
      await page().selectOption('select[name=currency]', 'usd');
      await page().fill('input[name=reference]', 'DASH-1');
      await page().click('button:text("Simulate bank transfer")');
      await page().waitForSelector('.balance[data-currency="usd"]');
      assert.equal(await page().innerText('.balance[data-currency="usd"] .value'), '50.05 USD');
      const rows = await ledger(stripe, customer.id);
      assert.deepEqual(rows.at(-1), ['funded', 5005]);
      const newest = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 1 })).data[0];
      assert.equal(newest.funded?.bank_transfer.reference, 'DASH-1');
      assert.match(await rowOf(newest.id).innerText(), /funded\s+50\.05 USD\s+50\.05 USD\s+DASH-1/);

      // An amount with three decimals is refused in the page: no request, nothing booked.
      await page().fill('input[name=amount]', '12.345');
      await page().click('button:text("Simulate bank transfer")');
      await page().waitForSelector('#error:not([hidden])');
      assert.match(await text('#error'), /Enter an amount like 12\.34 \(USD\)/);
      assert.equal((await ledger(stripe, customer.id)).length, rows.length);

      // A payment the balance covers succeeds at once; the dashboard refunds it into the balance.
      const paid = await intent(stripe, customer.id, 2000);
      assert.equal(paid.status, 'succeeded');
      const open = await intent(stripe, customer.id, 700, { confirm: false });
      await page().reload();
      await page().waitForSelector(`tr[data-id="${paid.id}"]`);
      assert.equal(await page().innerText('.balance[data-currency="usd"] .value'), '30.05 USD');
      await rowOf(paid.id).locator('button:text("Refund to cash balance")').click();
      await page().waitForSelector(`tr[data-id="${paid.id}"] button:disabled`);
      assert.match(await rowOf(paid.id).innerText(), /20\.00 USD\s+succeeded\s+20\.00 USD/);
      assert.equal(await page().innerText('.balance[data-currency="usd"] .value'), '50.05 USD');
      assert.deepEqual((await ledger(stripe, customer.id)).slice(-2).map((r) => [r[0], r[1]]), [['applied_to_payment', -2000], ['refunded_from_payment', 2000]]);
      assert.equal((await stripe.charges.retrieve(paid.latest_charge as string)).amount_refunded, 2000);

      await rowOf(open.id).locator('button:text("Cancel")').click();
      await page().waitForSelector(`tr[data-id="${open.id}"] .status:text("canceled")`);
      assert.equal((await stripe.paymentIntents.retrieve(open.id)).status, 'canceled');

      // An open invoice, paid by hand from the cash balance (20.05 of the 50.05 USD).
      const draft = await stripe.invoices.create({ customer: customer.id, currency: 'usd', collection_method: 'send_invoice', days_until_due: 30, payment_settings: { payment_method_types: ['customer_balance'] } });
      await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 2005, currency: 'usd' });
      await stripe.customers.update(customer.id, { cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      const invoice = await stripe.invoices.finalizeInvoice(draft.id);
      assert.equal(invoice.status, 'open');
      await page().reload();
      await page().waitForSelector(`tr[data-id="${invoice.id}"]`);
      assert.match(await rowOf(invoice.id).innerText(), new RegExp(`${invoice.number}\\s+20\\.05 USD\\s+0\\.00 USD\\s+open`));
      // Its PaymentIntent is open too, but offers no Cancel: the invoice is voided instead.
      const invoiceIntent = (invoice as unknown as { payment_intent: string }).payment_intent;
      assert.match(await rowOf(invoiceIntent).innerText(), /20\.05 USD\s+requires payment method/);
      assert.equal(await rowOf(invoiceIntent).locator('button').count(), 0);
      await rowOf(invoice.id).locator('button:text("Pay from cash balance")').click();
      await page().waitForSelector(`tr[data-id="${invoice.id}"] .status:text("paid")`);
      assert.equal((await stripe.invoices.retrieve(invoice.id)).amount_paid, 2005);
      assert.equal(await page().innerText('.balance[data-currency="usd"] .value'), '30.00 USD');

      await saveMode('automatic');
      assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).settings.reconciliation_mode, 'automatic');
      await saveMode('manual');
      assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).settings.reconciliation_mode, 'manual');
      assert.equal(await page().inputValue('select[name=reconciliation_mode]'), 'manual');
      assert.deepEqual(problems(), []);

      if (process.env.CASHBOOK_SCREENSHOTS) await page().screenshot({ path: path.join(process.env.CASHBOOK_SCREENSHOTS, 'dashboard-customer.png'), fullPage: true });

      // The same page on a phone: everything fits (wide tables scroll inside their cards).
      await expectClean(await visit(`${url}/dashboard`, PHONE));
      await page().click('a:text("dash@example.com")');
      await page().waitForSelector(`tr[data-id="${paid.id}"]`);
      await expectClean(200);
      if (process.env.CASHBOOK_SCREENSHOTS) await page().screenshot({ path: path.join(process.env.CASHBOOK_SCREENSHOTS, 'dashboard-customer-phone.png'), fullPage: true });
    });

    it('lists events and forgets the key', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ email: 'events@example.com' });
      await expectClean(await visit(`${url}/dashboard`));
      if (await page().isVisible('#secret-key')) await signIn(key);
      await page().click('nav a:text("Events")');
      await page().waitForSelector('#events');
      assert.match(await page().locator('#events tr', { hasText: customer.id }).first().innerText(), /customer\.created/);
      if (process.env.CASHBOOK_SCREENSHOTS) await page().screenshot({ path: path.join(process.env.CASHBOOK_SCREENSHOTS, 'dashboard-events.png'), fullPage: true });
      await page().click('#sign-out');
      assert.match(await text(), /Sign in with a secret key/);
      assert.equal(await page().evaluate(() => sessionStorage.length), 0);
      assert.deepEqual(problems(), []);
    });
  });
});
