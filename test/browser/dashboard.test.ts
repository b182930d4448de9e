// The dashboard in a real browser, part one: what it serves, signing in, the customer list
// (names, search by email / text / metadata / id, paging both ways with a page size), one
// customer's cash balance settings (the simulated transfer in the customer's currency, the
// reconciliation mode with the account's own default, the virtual bank accounts as they are,
// issued only on request), new customers, events
// (filter by type, paging, the JSON of one), at desktop and phone width with no console error
// or failed request. What the page shows and does is checked through the official SDK.
// The money actions are in dashboard-money.test.ts, unmatched transfers in
// dashboard-transfers.test.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { fund, ledger } from '../integration/payments-helpers.ts';
import { assertCardsFit, assertNoHorizontalOverflow, describeInChromium, openDashboard, performAction, PHONE, screenshot, settled, waitForText } from './chromium.ts';

const MODULES = ['app.js', 'ui/api.js', 'ui/bank-details.js', 'ui/currencies.js', 'ui/customer.js', 'ui/customers.js', 'ui/dialog.js', 'ui/dom.js', 'ui/events.js', 'ui/intents.js', 'ui/latin.js', 'ui/money.js', 'ui/paged.js', 'ui/payments.js', 'ui/refunds.js', 'ui/sender-account.js', 'ui/settings.js', 'ui/shell.js', 'ui/transfers.js'];

describeInChromium('dashboard in Chromium', (tab) => {
  const { page, visit, expectClean, problems } = tab;
  const ids = (selector: string) => page().locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  /** Clicks a pager button and waits for the list to show other rows. */
  async function pageTo(list: string, name: string): Promise<void> {
    const before = await ids(list);
    await page().getByRole('button', { name }).click();
    await settled(page());
    await page().waitForFunction(([selector, old]) => JSON.stringify([...document.querySelectorAll(`${selector} tbody tr`)].map((row) => row.getAttribute('data-id'))) !== old, [list, JSON.stringify(before)] as const);
  }
  async function search(text: string): Promise<void> {
    await page().getByLabel('Search customers').fill(text);
    await page().getByRole('button', { name: 'Search', exact: true }).click();
    await page().waitForFunction((q) => decodeURIComponent(location.hash).includes(q), text);
    await settled(page());
  }

  describeEachStore('dashboard', (server) => {
    it('serves the page, its modules and a favicon without a key, under a strict content security policy', async () => {
      const { url } = server();
      const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ };
      for (const asset of ['/dashboard', '/dashboard/app.css', '/dashboard/favicon.svg', '/favicon.ico', ...MODULES.map((m) => `/dashboard/${m}`)]) {
        const response = await fetch(url + asset);
        assert.equal(response.status, 200, asset);
        assert.match(response.headers.get('content-security-policy')!, /default-src 'none'; script-src 'self'; style-src 'self'/, asset);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        const extension = asset === '/favicon.ico' ? 'svg' : asset === '/dashboard' ? null : asset.split('.').pop()!;
        assert.match(response.headers.get('content-type')!, extension ? types[extension] : /^text\/html/, asset);
      }
      const html = await (await fetch(`${url}/dashboard`)).text();
      assert.deepEqual(html.match(/<script[^>]*>/g), ['<script type="module" src="/dashboard/app.js">'], 'one module script, nothing inline');
      assert.doesNotMatch(html, /style=/);
      assert.equal((await fetch(`${url}/dashboard/routes.ts`)).status, 404, "the server's own source is not served");
    });

    it('signs in (a wrong key is refused), lists customers with names, searches them and pages both ways', async () => {
      const { url, key, stripe } = server();
      for (let n = 1; n <= 12; n++) await stripe.customers.create({ name: `Pager Person ${String(n).padStart(2, '0')}`, email: `pager-${n}@example.com` });
      const grace = await stripe.customers.create({ name: 'Grace Hopper', email: 'grace@example.com', metadata: { plan: 'gold' } });
      await fund(stripe, grace.id, 1234, 'eur');

      await expectClean(await visit(`${url}/dashboard`, PHONE));
      await page().getByRole('heading', { name: 'Sign in with a secret key' }).waitFor();
      await screenshot(page(), 'sign-in-phone');
      await expectClean(await visit(`${url}/dashboard`));
      await screenshot(page(), 'sign-in-desktop');
      await page().getByLabel('Secret key').fill('sk_test_not_a_key_of_this_server');
      await page().getByRole('button', { name: 'Open dashboard' }).click();
      await waitForText(page().locator('#error'), /Invalid API Key provided/);
      assert.match(await page().innerText('main'), /Sign in with a secret key/, 'a refused key signs nobody in');
      assert.equal(await page().evaluate(() => sessionStorage.length), 0);
      problems().splice(0); // the 401 above was the point

      await page().getByLabel('Secret key').fill(key);
      await page().getByRole('button', { name: 'Open dashboard' }).click();
      await page().getByRole('heading', { name: 'Customers' }).waitFor();
      await settled(page());
      assert.equal(await page().innerText('#mode'), 'Test mode');
      const graceRow = page().locator(`tr[data-id="${grace.id}"]`);
      assert.match(await graceRow.innerText(), /Grace Hopper[\s\S]*grace@example\.com[\s\S]*12\.34 EUR/);

      // Paging: 10 a page, older then newer again, each page what the API's list says.
      await page().getByRole('combobox', { name: 'customers per page' }).selectOption('10');
      await settled(page());
      const first = await stripe.customers.list({ limit: 10 });
      assert.deepEqual(await ids('#customers'), first.data.map((c) => c.id));
      assert.ok(await page().getByRole('button', { name: 'Newer customers' }).isDisabled());
      await pageTo('#customers', 'Older customers');
      const second = await stripe.customers.list({ limit: 10, starting_after: first.data.at(-1)!.id });
      assert.deepEqual(await ids('#customers'), second.data.map((c) => c.id));
      assert.match(await page().innerText('#customers .pager'), /Page 2/);
      await pageTo('#customers', 'Newer customers');
      assert.deepEqual(await ids('#customers'), first.data.map((c) => c.id));
      assert.ok(await page().getByRole('button', { name: 'Newer customers' }).isDisabled());
      await page().getByRole('combobox', { name: 'customers per page' }).selectOption('25');
      await settled(page());
      assert.deepEqual(await ids('#customers'), (await stripe.customers.list({ limit: 25 })).data.map((c) => c.id));
      await assertCardsFit(page());
      await screenshot(page(), 'customers-desktop');

      // Search: an email and a name (the search API, which finds test-clock customers too), metadata, an id.
      await search('grace@example.com');
      assert.deepEqual(await ids('#customers'), [grace.id]);
      await search('Hopper');
      assert.deepEqual(await ids('#customers'), [grace.id]);
      assert.match(await page().innerText('main'), /name~'Hopper' OR email~'Hopper'/);
      await search('plan=gold');
      assert.deepEqual(await ids('#customers'), [grace.id]);
      await search(grace.id);
      assert.deepEqual(await ids('#customers'), [grace.id]);
      await search('nobody-by-this-name');
      assert.match(await page().innerText('#customers'), /No customers match/);
      // A search of 12 customers pages too: forward with next_page, back through what was seen.
      await page().getByLabel('Search customers').fill('Pager Person');
      await page().getByLabel('Search customers').press('Enter');
      await page().waitForFunction(() => location.hash.includes('Pager'));
      await settled(page());
      await page().getByRole('combobox', { name: 'customers per page' }).selectOption('10');
      await settled(page());
      const found = await stripe.customers.search({ query: "name~'Pager Person' OR email~'Pager Person'", limit: 10 });
      assert.deepEqual(await ids('#customers'), found.data.map((c) => c.id));
      await pageTo('#customers', 'Older customers');
      const rest = await stripe.customers.search({ query: "name~'Pager Person' OR email~'Pager Person'", limit: 10, page: found.next_page! });
      assert.deepEqual(await ids('#customers'), rest.data.map((c) => c.id));
      assert.equal(rest.data.length, 2);
      await pageTo('#customers', 'Newer customers');
      assert.deepEqual(await ids('#customers'), found.data.map((c) => c.id));
      await screenshot(page(), 'customers-search-desktop');
      await page().getByRole('link', { name: 'Clear search' }).click();
      await page().waitForFunction(() => location.hash === '#/customers');
      await settled(page());
      assert.deepEqual(problems(), []);

      // A phone: the list is stacked cards, nothing runs off the screen.
      await openDashboard(tab, url, key, '#/customers', PHONE);
      await expectClean(200);
      assert.match(await graceRow.innerText(), /Grace Hopper/);
      await screenshot(page(), 'customers-phone');
      await openDashboard(tab, url, key, `#/customers?q=${encodeURIComponent('Pager Person')}`, PHONE);
      await expectClean(200);
      assert.equal((await ids('#customers')).length, 10);
      await screenshot(page(), 'customers-search-phone');
    });

    it('makes a new customer from the list: it opens, and the API has it', async () => {
      const { url, key, stripe } = server();
      await openDashboard(tab, url, key, '#/customers');
      const form = page().locator('form', { has: page().getByRole('button', { name: 'New customer' }) });
      await form.getByLabel('Email').fill('new.person@example.com');
      await form.getByLabel('Name').fill('Nora New');
      await page().getByRole('button', { name: 'New customer' }).dblclick(); // a double click is one customer
      await page().getByRole('heading', { name: 'Nora New' }).waitFor();
      await settled(page());
      const made = (await stripe.customers.list({ email: 'new.person@example.com' })).data;
      assert.equal(made.length, 1, 'one customer for a double click');
      const [madeOne] = made;
      assert.deepEqual([madeOne.name, madeOne.email], ['Nora New', 'new.person@example.com']);
      assert.equal(await page().innerText('#customer-id'), madeOne.id);
      assert.ok(new RegExp(`#/customers/${madeOne.id}$`).test(page().url()));
      assert.deepEqual(problems(), []);
    });

    it('a EUR-only customer: the simulated transfer is in EUR, "account default" shows the account\'s mode, the mode saves, bank details per currency', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Émilie Euro', email: 'emilie@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, 1234, 'eur');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      await page().getByRole('heading', { name: 'Émilie Euro' }).waitFor();
      assert.equal(await page().innerText('.balance[data-currency="eur"] .value'), '12.34 EUR');

      // The account's default is automatic, though this customer is manual.
      const mode = page().getByRole('combobox', { name: 'Reconciliation' });
      assert.equal(await mode.inputValue(), 'manual');
      assert.equal(await mode.locator('option[value=merchant_default]').innerText(), 'Account default (automatic)');

      // Simulate a transfer: EUR by default; a mistyped amount is refused before any request.
      await page().getByRole('button', { name: 'Simulate bank transfer…' }).click();
      const dialog = page().getByRole('dialog');
      assert.equal(await dialog.getByLabel('Currency').inputValue(), 'eur');
      await dialog.getByLabel('Amount').fill('12.345');
      await dialog.getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog.getByRole('alert'), /EUR has 2 decimals: enter at most 2 digits after the decimal point/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.equal((await ledger(stripe, customer.id)).length, 1, 'nothing was sent');
      const review = await performAction(page(), page().getByRole('button', { name: 'Simulate bank transfer…' }), 'Simulate 25.00 EUR', async (d) => {
        await d.getByLabel('Amount').fill('25,00'); // a decimal comma, as Europeans type it
        await d.getByLabel('Reference').fill('DASH-1');
      });
      assert.match(review, /Transfer in\s+25\.00 EUR[\s\S]*DASH-1/);
      await settled(page());
      assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.eur, 3734);
      const newest = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 1 })).data[0];
      assert.equal(newest.funded?.bank_transfer.reference, 'DASH-1');
      await waitForText(page().locator('.balance[data-currency="eur"] .value'), /^37\.34 EUR$/);
      assert.match(await page().locator(`#ledger tr[data-id="${newest.id}"]`).innerText(), /funded\s+25\.00 EUR\s+37\.34 EUR\s+DASH-1/);

      // The reconciliation mode, saved and read back through the API.
      for (const [choice, expected, usingDefault] of [['automatic', 'automatic', false], ['merchant_default', 'automatic', true], ['manual', 'manual', false]] as const) {
        await mode.selectOption(choice);
        await page().getByRole('button', { name: 'Save' }).click();
        await settled(page());
        const settings = (await stripe.customers.retrieveCashBalance(customer.id)).settings;
        assert.deepEqual([settings.reconciliation_mode, settings.using_merchant_default], [expected, usingDefault]);
        await waitForText(mode.locator('option:checked'), choice === 'merchant_default' ? /Account default \(automatic\)/ : new RegExp(choice, 'i'));
      }

      // Its bank accounts: none issued yet for the EUR it holds, and looking makes none.
      const eurRegion = page().getByRole('region', { name: 'EUR bank account' });
      assert.match(await eurRegion.innerText(), /No EUR bank account issued yet/);
      const existing = async () => (await stripe.rawRequest('GET', `/cashbook/v1/customers/${customer.id}/funding_instructions`, {})) as unknown as { data: Stripe.FundingInstructions[] };
      assert.deepEqual((await existing()).data, [], 'showing the page issued no account');
      // Asked for: an IBAN in Germany, then shown after a reload too, the same one the API gives.
      assert.equal(await page().locator('#bank-accounts').getByLabel('Currency').inputValue(), 'eur', 'the held currency without an account first');
      await page().getByLabel('IBAN country').selectOption('DE');
      await page().getByRole('button', { name: 'Get bank details for EUR' }).click();
      await settled(page());
      const issued = (await existing()).data;
      assert.equal(issued.length, 1);
      const iban = issued[0].bank_transfer.financial_addresses[0].iban!;
      assert.equal(iban.country, 'DE');
      const again = await stripe.customers.createFundingInstructions(customer.id, { currency: 'eur', funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'DE' } } });
      assert.equal(again.bank_transfer.financial_addresses[0].iban!.iban, iban.iban, 'POST gets the same account, it makes no second one');
      await page().reload();
      await page().locator('#customer-id').waitFor();
      await settled(page());
      const eurShown = await waitForText(eurRegion, /IBAN/);
      for (const value of [iban.iban, iban.bic, iban.account_holder_name]) assert.ok(eurShown.includes(value), `${value} in ${eurShown}`);
      // Another currency, on request only.
      assert.equal(await page().getByRole('region', { name: 'USD bank account' }).count(), 0, 'no USD held, none issued: nothing shown');
      await page().locator('#bank-accounts').getByLabel('Currency').selectOption('usd');
      assert.ok(await page().getByLabel('IBAN country').isHidden(), 'a country is only asked for EUR');
      await page().getByRole('button', { name: 'Get bank details for USD' }).click();
      await settled(page());
      const usd = (await existing()).data.find((i) => i.currency === 'usd')!;
      const aba = usd.bank_transfer.financial_addresses.find((a) => a.type === 'aba')!.aba!;
      const usdShown = await waitForText(page().getByRole('region', { name: 'USD bank account' }), /ABA/);
      for (const value of [aba.routing_number, aba.account_number, aba.bank_name]) assert.ok(usdShown.includes(value), `${value} in ${usdShown}`);
      assert.ok(await eurRegion.isVisible(), 'both stay shown');
      assert.equal((await existing()).data.length, 2);
      assert.deepEqual(problems(), []);
      await assertCardsFit(page());
      await screenshot(page(), 'customer-desktop');

      await openDashboard(tab, url, key, `#/customers/${customer.id}`, PHONE);
      await expectClean(200);
      await screenshot(page(), 'customer-phone');
      // The dialogs fit a phone too.
      await page().getByRole('button', { name: 'Simulate bank transfer…' }).click();
      await page().getByRole('dialog').waitFor();
      await assertNoHorizontalOverflow(page());
      await screenshot(page(), 'dialog-simulate-phone');
      await page().keyboard.press('Escape');
      await settled(page());
      assert.equal((await ledger(stripe, customer.id)).length, 2, 'Escape sent nothing');
    });

    it('events: filtered by type, paged both ways, each opened as JSON; then the key is forgotten', async () => {
      const { url, key, stripe } = server();
      for (let n = 0; n < 12; n++) await stripe.customers.create({ email: `event-${n}@example.com` });
      await openDashboard(tab, url, key, '#/events');
      await page().getByRole('heading', { name: 'Events' }).waitFor();
      await page().getByLabel('Event type').fill('customer.created');
      await page().getByRole('button', { name: 'Filter' }).click();
      await page().waitForFunction(() => location.hash === '#/events?type=customer.created');
      await settled(page());
      await page().getByRole('combobox', { name: 'events per page' }).selectOption('10');
      await settled(page());
      const first = await stripe.events.list({ type: 'customer.created', limit: 10 });
      assert.deepEqual(await ids('#events'), first.data.map((e) => e.id));
      for (const type of await page().locator('#events td.type').allInnerTexts()) assert.equal(type, 'customer.created');
      await pageTo('#events', 'Older events');
      const second = await stripe.events.list({ type: 'customer.created', limit: 10, starting_after: first.data.at(-1)!.id });
      assert.deepEqual(await ids('#events'), second.data.map((e) => e.id));
      await pageTo('#events', 'Newer events');
      assert.deepEqual(await ids('#events'), first.data.map((e) => e.id));
      await assertCardsFit(page());
      await screenshot(page(), 'events-desktop');

      // A prefix filter, then one event on its own page, as JSON.
      await page().getByLabel('Event type').fill('customer.*');
      await page().getByLabel('Event type').press('Enter');
      await page().waitForFunction(() => location.hash.endsWith('customer.*'));
      await settled(page());
      const newest = first.data[0];
      await page().getByRole('link', { name: `Event ${newest.id} (customer.created)` }).click();
      await page().getByRole('heading', { name: 'customer.created' }).waitFor();
      await settled(page());
      const shown = JSON.parse(await page().innerText('pre.json')) as Stripe.Event;
      assert.deepEqual(shown, JSON.parse(JSON.stringify(await stripe.events.retrieve(newest.id))));
      await screenshot(page(), 'event-desktop');
      assert.deepEqual(problems(), []);

      await openDashboard(tab, url, key, '#/events', PHONE);
      await expectClean(200);
      await screenshot(page(), 'events-phone');
      await openDashboard(tab, url, key, `#/events/${newest.id}`, PHONE);
      await expectClean(200);
      await screenshot(page(), 'event-phone');
      // The longest event types wrap on the narrowest phones too.
      const funded = await stripe.customers.create({ email: 'narrow@example.com' });
      await stripe.testHelpers.customers.fundCashBalance(funded.id, { amount: 100, currency: 'eur' });
      await openDashboard(tab, url, key, '#/events', { width: 360, height: 740 });
      await expectClean(200);
      assert.ok((await page().locator('#events td.type').allInnerTexts()).some((t) => t.replace(/\s/g, '') === 'customer_cash_balance_transaction.created'));
      await assertCardsFit(page());
      await assertNoHorizontalOverflow(page());

      await page().getByRole('button', { name: 'Forget key' }).click();
      await page().getByRole('heading', { name: 'Sign in with a secret key' }).waitFor();
      assert.equal(await page().evaluate(() => sessionStorage.length), 0);
      assert.deepEqual(problems(), []);
    });
  });
});
