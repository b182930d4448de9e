// The dashboard in a real browser, part four: paging and what surrounds it. A customer's
// payments, invoices, cash balance and credit balance transactions and the refunds list,
// each paged forward and back with a chosen page size (the pages checked against the SDK's
// lists); the words shown while a page loads (the API held back with page.route); a customer
// search whose only match lies behind more than 1,000 newer customers (the search API reads at
// most 1,000 rows a request, so a page may be empty and still have more); the account's own
// default reconciliation mode (GET /cashbook/v1/account) on a fresh server where no customer
// uses it; and dates in the browser's time zone, with UTC on hover.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import type { Page } from 'playwright-core';
import { describeEachStore } from '../support/suite.ts';
import { startTestServer } from '../support/server.ts';
import { DEFAULT_ACCOUNT_ID, type Account } from '../../src/resources/accounts/service.ts';
import { createCustomer } from '../../src/resources/customers/service.ts';
import type { CreateCustomerParams } from '../../src/resources/customers/params.ts';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { systemContext } from '../../src/wire/context.ts';
import { fund, intent } from '../integration/payments-helpers.ts';
import { assertCardsFit, describeInChromium, openDashboard, PHONE, screenshot, settled, signInIfAsked, waitForText } from './chromium.ts';

type Lister = (params: { limit: number; starting_after?: string }) => Promise<{ data: { id: string }[] }>;

describeInChromium('dashboard paging in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const ids = (selector: string) => page().locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  /** Clicks the pager button named `name` in `list` and waits until other rows are shown. */
  async function pageTo(list: string, name: string): Promise<void> {
    const before = JSON.stringify(await ids(list));
    await page().locator(list).getByRole('button', { name, exact: true }).click();
    await page().waitForFunction(([selector, old]) => JSON.stringify([...document.querySelectorAll(`${selector} tbody tr`)].map((row) => row.getAttribute('data-id'))) !== old, [list, before] as const, { timeout: 30_000 });
    await settled(page());
  }
  async function chooseSize(list: string, label: string, size: number): Promise<void> {
    await page().locator(list).getByRole('combobox', { name: `${label} per page`, exact: true }).selectOption(String(size));
    await settled(page());
  }
  /** One list at 10 a page (after 25 a page, if `whole`): older and newer again, each page the SDK's. */
  async function pagesBothWays(list: string, label: string, fetchList: Lister, whole = false): Promise<void> {
    if (whole) {
      await chooseSize(list, label, 25);
      const all = await fetchList({ limit: 25 });
      assert.ok(all.data.length > 10 && all.data.length <= 25, `${label}: ${all.data.length} to page through`);
      assert.deepEqual(await ids(list), all.data.map((o) => o.id), `${label}: 25 a page`);
    }
    await chooseSize(list, label, 10);
    const first = await fetchList({ limit: 10 });
    assert.deepEqual(await ids(list), first.data.map((o) => o.id), `${label}: page 1`);
    assert.ok(await page().locator(list).getByRole('button', { name: `Newer ${label}`, exact: true }).isDisabled());
    await pageTo(list, `Older ${label}`);
    const second = await fetchList({ limit: 10, starting_after: first.data.at(-1)!.id });
    assert.deepEqual(await ids(list), second.data.map((o) => o.id), `${label}: page 2`);
    assert.match(await page().locator(`${list} .pager`).innerText(), /Page 2/);
    await pageTo(list, `Newer ${label}`);
    assert.deepEqual(await ids(list), first.data.map((o) => o.id), `${label}: page 1 again`);
  }
  /** Holds back the API calls whose URL matches `pattern` until the returned release() is called. */
  async function holdBack(target: Page, pattern: RegExp): Promise<() => Promise<void>> {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held: Promise<void>[] = [];
    await target.route(pattern, (route) => {
      held.push(gate.then(() => route.continue()));
    });
    return async () => {
      open();
      await Promise.all(held); // each held request sent on before the route goes
      await target.unroute(pattern);
    };
  }

  describeEachStore('dashboard paging', (server, store) => {
    it("a customer's payments, invoices, cash balance and credit balance transactions, and the refunds list, page both ways with a chosen size, saying so while they load", async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Pia Pager', email: 'pia@example.com' });
      await fund(stripe, customer.id, 10_000);
      await Promise.all([
        (async () => {
          for (let n = 1; n <= 11; n++) await intent(stripe, customer.id, 100 + n, { extra: { description: `Paged ${n}` } });
        })(),
        (async () => {
          for (let n = 1; n <= 11; n++) await stripe.invoices.create({ customer: customer.id, currency: 'usd', collection_method: 'send_invoice', days_until_due: 30 });
        })(),
        (async () => {
          for (let n = 1; n <= 11; n++) await stripe.customers.createBalanceTransaction(customer.id, { amount: -10 * n, currency: 'usd', description: `Credit ${n}` });
        })(),
        (async () => {
          for (let n = 1; n <= 11; n++) await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'usd', amount: 10 + n } as Stripe.RefundCreateParams);
        })(),
      ]);
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      await pagesBothWays('#payments', 'payments', (p) => stripe.paymentIntents.list({ customer: customer.id, ...p }), true);
      await pagesBothWays('#invoices', 'invoices', (p) => stripe.invoices.list({ customer: customer.id, ...p }));
      await pagesBothWays('#ledger', 'transactions', (p) => stripe.customers.listCashBalanceTransactions(customer.id, p), true);
      await pagesBothWays('#credit-ledger', 'credit balance transactions', (p) => stripe.customers.listBalanceTransactions(customer.id, p));
      // While the next page loads, the list says so in words (not only by dimming).
      const ledger = page().locator('#ledger');
      const release = await holdBack(page(), /\/cash_balance_transactions\?/);
      await ledger.getByRole('button', { name: 'Older transactions', exact: true }).click();
      assert.equal(await waitForText(ledger.getByRole('status'), /\S/), 'Loading transactions…');
      assert.ok(await ledger.getByRole('status').isVisible());
      assert.equal(await ledger.getAttribute('aria-busy'), 'true');
      await release();
      await settled(page());
      assert.ok(await ledger.getByRole('status').isHidden(), 'gone once the page is in');
      assert.match(await page().locator('#ledger .pager').innerText(), /Page 2/);
      await assertCardsFit(page());
      await screenshot(page(), 'customer-paged-desktop');

      // A view being opened says so too; then the refunds list pages like the others.
      const releaseRefunds = await holdBack(page(), /\/v1\/refunds\?/);
      await page().getByRole('link', { name: 'Refunds', exact: true }).click();
      await waitForText(page().locator('main'), /^Loading…$/);
      await releaseRefunds();
      await page().getByRole('heading', { name: 'Refunds and returns' }).waitFor();
      await settled(page());
      await pagesBothWays('#refunds', 'refunds', (p) => stripe.refunds.list(p));
      assert.deepEqual(problems(), []);
    });

    it('a search whose match is behind more than 1,000 newer customers: an empty stretch says to look further, and paging goes on to it', async () => {
      const { url, key, stripe } = server();
      const needle = await stripe.customers.create({ name: 'Nadia Needle', email: 'nadia@example.com' });
      // 1,100 newer customers, made by the same service code the API route runs, in one
      // transaction (fast on both stores; the API path is the search integration test's).
      const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
      await server().store.write(async (tx) => {
        for (let n = 0; n < 1_100; n++) await createCustomer(tx, ctx, { email: `hay-${n}@example.com` } as CreateCustomerParams);
      });
      const query = "name~'Nadia Needle' OR email~'Nadia Needle'";
      const stretch = await stripe.customers.search({ query, limit: 10 });
      assert.deepEqual([stretch.data.length, stretch.has_more], [0, true], 'the first request reads 1,000 rows and finds none');

      await openDashboard(tab, url, key, `#/customers?q=${encodeURIComponent('Nadia Needle')}`);
      await chooseSize('#customers', 'customers', 10);
      const list = page().locator('#customers');
      assert.match(await list.innerText(), /No matches in this stretch; look further/);
      assert.doesNotMatch(await list.innerText(), /No customers match/);
      assert.ok(await list.getByRole('button', { name: 'Newer customers' }).isDisabled());
      assert.ok(await list.getByRole('button', { name: 'Older customers' }).isEnabled());
      await screenshot(page(), 'customers-search-stretch-desktop');
      await list.getByRole('button', { name: 'Older customers' }).click();
      await page().locator(`#customers tr[data-id="${needle.id}"]`).waitFor();
      await settled(page());
      const found = await stripe.customers.search({ query, limit: 10, page: stretch.next_page! });
      assert.deepEqual(await ids('#customers'), found.data.map((c) => c.id));
      assert.deepEqual(found.data.map((c) => c.id), [needle.id]);
      assert.match(await list.innerText(), /Page 2/);
      await list.getByRole('button', { name: 'Newer customers' }).click();
      await waitForText(list, /No matches in this stretch/);
      await settled(page());
      assert.match(await list.innerText(), /Page 1/);
      assert.deepEqual(problems(), []);
      await openDashboard(tab, url, key, `#/customers?q=${encodeURIComponent('Nadia Needle')}`, PHONE);
      await expectClean(200);
      await screenshot(page(), 'customers-search-stretch-phone');
    });

    it("shows the account's own default reconciliation mode (GET /cashbook/v1/account) on a fresh server where no customer uses it", async () => {
      const own = await startTestServer({ store });
      try {
        const manual = await own.stripe.customers.create({ name: 'Manny Manual', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
        const readAccount = async () => (await own.stripe.rawRequest('GET', '/cashbook/v1/account', {})) as unknown as Record<string, unknown>;
        const account = await readAccount();
        const fields = ['id', 'object', 'livemode', 'display_name', 'default_reconciliation_mode'];
        assert.deepEqual(Object.fromEntries(fields.map((f) => [f, account[f]])), { id: 'acct_default', object: 'account', livemode: false, display_name: 'Cashbook Merchant', default_reconciliation_mode: 'automatic' });
        await openDashboard(tab, own.url, own.key, `#/customers/${manual.id}`);
        const mode = page().getByRole('combobox', { name: 'Reconciliation' });
        assert.equal(await mode.inputValue(), 'manual');
        assert.equal(await mode.locator('option[value=merchant_default]').innerText(), 'Account default (automatic)');

        // The operator sets the account to manual (in the store here; POST /cashbook/v1/account does the same).
        await own.store.write(async (tx) => {
          const stored = (await tx.get<Account>('accounts', 'acct_default', 'acct_default'))!;
          await tx.update('accounts', 'acct_default', { ...stored, settings: { ...stored.settings, default_reconciliation_mode: 'manual' } } as Account);
        });
        assert.equal((await readAccount()).default_reconciliation_mode, 'manual');
        const automatic = await own.stripe.customers.create({ name: 'Otto Automatic', cash_balance: { settings: { reconciliation_mode: 'automatic' } } });
        await openDashboard(tab, own.url, own.key, `#/customers/${automatic.id}`);
        assert.equal(await mode.inputValue(), 'automatic');
        assert.equal(await mode.locator('option[value=merchant_default]').innerText(), 'Account default (manual)');
        await mode.selectOption('merchant_default');
        await page().getByRole('button', { name: 'Save' }).click();
        await settled(page());
        const settings = (await own.stripe.customers.retrieveCashBalance(automatic.id)).settings;
        assert.deepEqual([settings.reconciliation_mode, settings.using_merchant_default], ['manual', true]);
        await waitForText(mode.locator('option:checked'), /^Account default \(manual\)$/);
        assert.deepEqual(problems(), []);
        assert.deepEqual(own.violations.splice(0), [], 'responses match the schema, never 5xx');
        // Without a key it is refused like any route.
        assert.equal((await fetch(`${own.url}/cashbook/v1/account`)).status, 401);
      } finally {
        await page().goto('about:blank'); // leave the other server's page before it closes
        await own.close();
      }
    });

    it("shows dates in the browser's time zone (a context in America/New_York), with UTC in the title", async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Tess Zone' });
      await tab.withContext({ timezoneId: 'America/New_York', locale: 'en-US' }, async (own, seen) => {
        assert.equal((await own.goto(`${url}/dashboard#/customers/${customer.id}`))?.status(), 200);
        await signInIfAsked(own, key);
        assert.equal(await own.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'America/New_York');
        const created = own.locator('main dl.details time');
        const date = new Date(customer.created * 1000);
        const format = (timeZone: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
        const plain = (text: string) => text.replace(/\s+/g, ' ').trim(); // ICU puts a narrow no-break space before AM/PM
        const shown = plain(await created.innerText());
        assert.equal(shown, plain(format('America/New_York')), 'the local time of New York');
        assert.notEqual(shown, plain(format('UTC')), 'not the UTC time');
        assert.equal(await created.getAttribute('title'), `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`);
        assert.equal(await created.getAttribute('datetime'), date.toISOString());
        await screenshot(own, 'customer-new-york-desktop');
        assert.deepEqual(seen, []);
      });
    });
  });
});
