// The dashboard in a real browser: the Settings page, where the merchant sets up the account
// without curl: its display name, country and default reconciliation mode, its own bank account
// per currency, and the ranges of virtual account numbers its bank gave it. Each change is
// reviewed and then checked through the API; a refused value shows the API's message, puts
// focus on its field and changes nothing. In live mode the page says which currencies give
// customers no bank details yet, and a range set there is what the customer page then issues.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Locator } from 'playwright-core';
import { createAccount } from '../../src/resources/accounts/service.ts';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { liveAccount } from '../integration/live-helpers.ts';
import { assertCardsFit, assertNoHorizontalOverflow, describeInChromium, finishAction, openAs as openSignedIn, performAction, PHONE, screenshot, settled, waitForText } from './chromium.ts';

/** A test-mode account of its own (each test starts from the defaults), and a way to call the API with its key. */
async function testAccount(s: TestServer): Promise<{ key: string; api: (method: string, path: string, form?: string) => Promise<{ status: number; body: any }> }> {
  const { key } = await createAccount(s.store, { now: Math.floor(Date.now() / 1000) });
  return { key, api: (method, path, form) => s.request(method, path, { headers: { authorization: `Bearer ${key}` }, ...(form !== undefined ? { form } : {}) }) };
}

describeInChromium('dashboard settings in Chromium', (tab) => {
  const { page, problems } = tab;
  const dialog = () => page().getByRole('dialog');
  const openAs = (url: string, key: string, hash: string, viewport?: { width: number; height: number }) => openSignedIn(tab, url, key, hash, viewport);
  /** Opens the range dialog and types an EU range of `country` (a bad `prefix` too). */
  const fillEuRange = (country: string, bankName: string, bic: string, prefix: string) => async (form: Locator) => {
    await form.getByLabel('Type').selectOption('eu_bank_transfer');
    await form.getByLabel('IBAN country').selectOption(country);
    await form.getByLabel('Bank name').fill(bankName);
    await form.getByLabel('BIC').fill(bic);
    await form.getByLabel('Prefix').fill(prefix);
  };

  describeEachStore('dashboard settings', (server) => {
    it('sets the account, a merchant bank account per currency and a range from the page, each reviewed first, and shows them after a reload', async () => {
      const { url } = server();
      const { key, api } = await testAccount(server());
      await openAs(url, key, '#/settings');
      await page().getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      assert.equal(await page().getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).getAttribute('aria-current'), 'page');
      assert.match(await page().locator('#account').innerText(), /Display name\s+Cashbook Merchant\s+Country\s+US[\s\S]*Default reconciliation mode\s+Automatic/);
      assert.equal(await page().locator('#range-notice').count(), 0, 'test mode gives bank details without a range: no notice');
      assert.match(await page().locator('#merchant-bank-accounts').innerText(), /No EUR bank account set[\s\S]*No GBP bank account set[\s\S]*No USD bank account set/);
      assert.match(await page().locator('#virtual-account-ranges').innerText(), /No virtual account range set\./);

      // The account: a name, a country typed in lower case, the other mode; the review says what changes.
      const review = await performAction(page(), page().getByRole('button', { name: 'Change account settings…' }), 'Save account settings', async (form) => {
        await form.getByLabel('Display name').fill('  Acme   Rotterdam BV ');
        await form.getByLabel('Country').fill('nl');
        await form.getByLabel('Default reconciliation mode').selectOption('manual');
      });
      assert.match(review, /Display name\s+Acme Rotterdam BV \(was Cashbook Merchant\)/);
      assert.match(review, /Country\s+NL · Netherlands \(was US · United States\)/);
      assert.match(review, /Default reconciliation mode\s+Manual \(was Automatic\)/);
      await finishAction(page());
      const account = (await api('GET', '/cashbook/v1/account')).body;
      assert.deepEqual([account.display_name, account.country, account.default_reconciliation_mode], ['Acme Rotterdam BV', 'NL', 'manual']);

      // Its own bank accounts: EUR by IBAN and BIC, USD by ACH numbers (company id left to its default).
      await performAction(page(), page().getByRole('button', { name: 'Set EUR bank account…' }), 'Set EUR bank account', async (form) => {
        assert.equal(await form.getByLabel('ABA routing number').count(), 0, 'EUR asks for no ACH numbers');
        await form.getByLabel('Account holder name').fill('Acme Rotterdam BV');
        await form.getByLabel('IBAN').fill('nl91 abna 0417 1643 00');
        await form.getByLabel('BIC').fill('abnanl2axxx');
      });
      await finishAction(page());
      const usdReview = await performAction(page(), page().getByRole('button', { name: 'Set USD bank account…' }), 'Set USD bank account', async (form) => {
        assert.equal(await form.getByLabel('IBAN').count(), 0, 'USD asks for no IBAN');
        await form.getByLabel('Account holder name').fill('Acme Inc');
        await form.getByLabel('ABA routing number').fill('021000021');
        await form.getByLabel('Account number').fill('123456789');
      });
      assert.match(usdReview, /Company ID\s+1021000021 \(the default\)/);
      await finishAction(page());
      const accounts = (await api('GET', '/cashbook/v1/merchant_bank_accounts')).body.data;
      assert.deepEqual(accounts.map((a: any) => [a.currency, a.account_holder_name, a.iban ?? a.account_number]).sort(), [['eur', 'Acme Rotterdam BV', 'NL91ABNA0417164300'], ['usd', 'Acme Inc', '123456789']]);
      assert.match(await page().getByRole('region', { name: 'Your EUR bank account' }).innerText(), /Holder\s+Acme Rotterdam BV\s+IBAN\s+NL91ABNA0417164300\s+BIC\s+ABNANL2AXXX/);
      assert.match(await page().getByRole('region', { name: 'Your USD bank account' }).innerText(), /Routing number\s+021000021\s+Account number\s+123456789\s+Company ID\s+1021000021/);

      // Replacing one: the form comes filled with what is set, the review says what it replaces.
      const replaced = await performAction(page(), page().getByRole('button', { name: 'Replace EUR bank account…' }), 'Replace EUR bank account', async (form) => {
        assert.equal(await form.getByLabel('IBAN').inputValue(), 'NL91ABNA0417164300');
        await form.getByLabel('Account holder name').fill('Acme Rotterdam B.V.');
      });
      assert.match(replaced, /Replaces\s+Acme Rotterdam BV NL91ABNA0417164300/);
      await finishAction(page());

      // A range: EU, NL, its bank and the prefix its bank fixed.
      const rangeReview = await performAction(page(), page().getByRole('button', { name: 'Set a range…' }), 'Set NL range', fillEuRange('NL', 'ABN AMRO Bank N.V.', 'ABNANL2AXXX', 'abna04'));
      assert.match(rangeReview, /IBAN country\s+NL[\s\S]*Bank name\s+ABN AMRO Bank N\.V\.\s+BIC\s+ABNANL2AXXX\s+Prefix\s+ABNA04/);
      await finishAction(page());
      const ranges = (await api('GET', '/cashbook/v1/virtual_account_ranges')).body.data;
      assert.deepEqual(ranges.map((r: any) => [r.id, r.country, r.bank_name, r.bic, r.prefix]), [['vbr_eu_nl', 'NL', 'ABN AMRO Bank N.V.', 'ABNANL2AXXX', 'ABNA04']]);
      assert.match(await page().locator('tr[data-id="vbr_eu_nl"]').innerText(), /eu bank transfer · NL[\s\S]*ABN AMRO Bank N\.V\.[\s\S]*ABNANL2AXXX[\s\S]*IBANs NLkk ABNA04…/);

      // Replacing it from its row: the form filled with the range, the review says what it replaces.
      const replacing = await performAction(page(), page().getByRole('button', { name: 'Replace the eu bank transfer range of NL' }), 'Replace NL range', async (form) => {
        assert.deepEqual([await form.getByLabel('IBAN country').inputValue(), await form.getByLabel('BIC').inputValue(), await form.getByLabel('Prefix').inputValue()], ['NL', 'ABNANL2AXXX', 'ABNA04']);
        await form.getByLabel('Prefix').fill('ABNA0417');
      });
      assert.match(replacing, /Prefix\s+ABNA0417\s+Replaces\s+ABN AMRO Bank N\.V\., IBANs NLkk ABNA04… \(accounts already issued keep their numbers and bank details\)/);
      await finishAction(page());
      assert.match(await page().locator('tr[data-id="vbr_eu_nl"]').innerText(), /IBANs NLkk ABNA0417…/);

      // A GB and a US range: each type asks for its own fields only.
      await performAction(page(), page().getByRole('button', { name: 'Set a range…' }), 'Set GB range', async (form) => {
        await form.getByLabel('Type').selectOption('gb_bank_transfer');
        assert.ok(await form.getByLabel('IBAN country').isHidden(), 'GB asks for no IBAN country');
        assert.ok(await form.getByLabel('BIC').isHidden(), 'nor a BIC');
        await form.getByLabel('Bank name').fill('Barclays Bank UK PLC');
        await form.getByLabel('Sort code').fill('20-00-00');
        await form.getByLabel('Prefix').fill('73');
      });
      await finishAction(page());
      await performAction(page(), page().getByRole('button', { name: 'Set a range…' }), 'Set US range', async (form) => {
        await form.getByLabel('Type').selectOption('us_bank_transfer');
        assert.ok(await form.getByLabel('Sort code').isHidden());
        await form.getByLabel('Bank name').fill('JPMorgan Chase Bank, N.A.');
        await form.getByLabel('ABA routing number').fill('021000021');
        await form.getByLabel('Prefix').fill('8888');
        await form.getByLabel('Account number length').fill('10');
        await form.getByLabel('SWIFT/BIC (optional)').fill('CHASUS33XXX');
      });
      await finishAction(page());
      const types = (await api('GET', '/cashbook/v1/virtual_account_ranges')).body.data.map((r: any) => [r.id, r.sort_code ?? r.routing_number, r.prefix, r.account_number_length, r.bic]).sort();
      assert.deepEqual(types, [['vbr_eu_nl', null, 'ABNA0417', null, 'ABNANL2AXXX'], ['vbr_gb_gb', '200000', '73', null, null], ['vbr_us_us', '021000021', '8888', 10, 'CHASUS33XXX']]);

      // After a reload: all of it, read back from the API.
      await page().reload();
      await settled(page());
      assert.match(await page().locator('#account').innerText(), /Display name\s+Acme Rotterdam BV\s+Country\s+NL[\s\S]*Default reconciliation mode\s+Manual/);
      assert.match(await page().getByRole('region', { name: 'Your EUR bank account' }).innerText(), /Holder\s+Acme Rotterdam B\.V\./);
      assert.match(await page().locator('tr[data-id="vbr_us_us"]').innerText(), /JPMorgan Chase Bank, N\.A\.[\s\S]*021000021[\s\S]*10 digits, 8888…/);
      assert.match(await page().locator('tr[data-id="vbr_gb_gb"]').innerText(), /20-00-00[\s\S]*8 digits, 73…/); // the sort code as it is written
      assert.deepEqual(problems(), []);
      await assertCardsFit(page());
      await screenshot(page(), 'settings-desktop');
      await openAs(url, key, '#/settings', PHONE);
      await assertNoHorizontalOverflow(page());
      await screenshot(page(), 'settings-phone');
    });

    it('a refused value shows the API’s message, puts focus on its field and changes nothing', async () => {
      const { url } = server();
      const { key, api } = await testAccount(server());
      await openAs(url, key, '#/settings');

      // A prefix shorter than the bank code: the API's message, in the dialog, the form as typed.
      await performAction(page(), page().getByRole('button', { name: 'Set a range…' }), 'Set NL range', fillEuRange('NL', 'ABN AMRO Bank N.V.', 'ABNANL2AXXX', 'ABN'));
      const refused = await waitForText(dialog().getByRole('alert'), /prefix must be the leading 4 to 9 characters of the range’s NL BBANs/);
      assert.doesNotMatch(refused, /HTTP 400/);
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('name')), 'prefix', 'focus is on the field the API named');
      assert.equal(await dialog().getByLabel('Prefix').inputValue(), 'ABN', 'the form is as it was typed');
      assert.equal(await dialog().getByLabel('Bank name').inputValue(), 'ABN AMRO Bank N.V.');
      await screenshot(page(), 'settings-range-refused');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.deepEqual((await api('GET', '/cashbook/v1/virtual_account_ranges')).body.data, [], 'no range was set');
      assert.match(await page().locator('#virtual-account-ranges').innerText(), /No virtual account range set\./);

      // A country that is none: refused by the API, the account as it was.
      await performAction(page(), page().getByRole('button', { name: 'Change account settings…' }), 'Save account settings', async (form) => {
        await form.getByLabel('Display name').fill('Acme GmbH');
        await form.getByLabel('Country').fill('XA');
      });
      await waitForText(dialog().getByRole('alert'), /country must be a two-letter ISO 3166-1 country code/);
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('name')), 'country');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      const account = (await api('GET', '/cashbook/v1/account')).body;
      assert.deepEqual([account.display_name, account.country], ['Cashbook Merchant', 'US'], 'neither the name nor the country changed');

      // An IBAN that is none, and nothing to change: the first refused by the API, the second before anything is sent.
      await performAction(page(), page().getByRole('button', { name: 'Set GBP bank account…' }), 'Set GBP bank account', async (form) => {
        await form.getByLabel('Account holder name').fill('Acme Ltd');
        await form.getByLabel('IBAN').fill('GB00BARC20000012345678');
        await form.getByLabel('BIC').fill('BARCGB22');
      });
      await waitForText(dialog().getByRole('alert'), /iban must be a valid IBAN/);
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('name')), 'iban');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.deepEqual((await api('GET', '/cashbook/v1/merchant_bank_accounts')).body.data, []);
      await page().getByRole('button', { name: 'Change account settings…' }).click();
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /Nothing is changed: edit a setting first\./);
      // A country's name is no code: two letters of it would be another country (NE, Niger).
      await dialog().getByLabel('Country').fill('Netherlands');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /Enter the account’s country as its two-letter code, such as NL for the Netherlands\./);
      // Each hinted field is named by its label alone; its hint is its description, read once.
      const display = dialog().getByLabel('Display name');
      assert.equal(await display.evaluate((input) => document.getElementById(input.getAttribute('aria-labelledby')!)?.textContent), 'Display name');
      assert.match(await display.evaluate((input) => document.getElementById(input.getAttribute('aria-describedby')!)?.textContent ?? ''), /business name your customers see/);
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      // The refusals above were the point; nothing else went wrong.
      const refusals = problems().filter((p) => /^400: .*\/cashbook\/v1\/(virtual_account_ranges|account|merchant_bank_accounts)$/.test(p));
      assert.equal(refusals.length, 3, 'three requests refused, no more');
      assert.deepEqual(problems().filter((p) => !refusals.includes(p) && !/status of 400 \(Bad Request\)$/.test(p)), []);
    });

    it('live mode: the page says which currencies give customers no bank details, and the EUR range set there is what the customer page issues', async () => {
      const live = await liveAccount(server(), { ranges: false });
      const customer = await live.stripe.customers.create({ name: 'Nora Live', email: 'nora.live@example.com' });

      // Before any range, the customer page offers no bank details the server would refuse: it points to Settings.
      await openAs(live.s.url, live.key, `#/customers/${customer.id}`);
      assert.equal(await page().locator('#bank-accounts form').count(), 0, 'no Get bank details form');
      assert.match(await page().locator('#bank-accounts').innerText(), /Live mode issues bank details only in your bank’s ranges of virtual accounts, and none is set: set one in Settings\./);
      await page().locator('#bank-accounts').getByRole('link', { name: 'set one in Settings' }).click();
      await page().getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await settled(page());
      assert.equal(await page().locator('#mode').innerText(), 'Live mode');
      const notice = await page().locator('#range-notice').innerText();
      assert.match(notice, /No range yet for EUR, GBP and USD: customers cannot get bank details in EUR, GBP or USD until one is set\./);
      const box = await page().locator('#range-notice').boundingBox();
      const table = await page().getByRole('button', { name: 'Set a range…' }).boundingBox();
      assert.ok(box && table && box.y < table.y, 'the notice is above the ranges');
      await screenshot(page(), 'settings-live-no-ranges');

      await performAction(page(), page().getByRole('button', { name: 'Set a range…' }), 'Set NL range', fillEuRange('NL', 'ABN AMRO Bank N.V.', 'ABNANL2AXXX', 'ABNA04'));
      await finishAction(page());
      const after = await waitForText(page().locator('#range-notice'), /No range yet for GBP and USD/);
      assert.match(after, /No range yet for GBP and USD: customers cannot get bank details in GBP or USD until one is set\./);
      assert.match(after, /EUR bank details are issued only in NL, the IBAN countries with a range\./);
      assert.match(after, /else IE \(the account’s country, US, is not one Cashbook issues IBANs in\), which has no range yet/);
      assert.match(await page().locator('tr[data-id="vbr_eu_nl"]').innerText(), /IBANs NLkk ABNA04…/);
      await assertCardsFit(page());
      await screenshot(page(), 'settings-live-nl-range');

      // The customer page now issues an IBAN of the range: NL, check digits, then the prefix.
      // Only what has a range is offered: EUR, in NL.
      await openAs(live.s.url, live.key, `#/customers/${customer.id}`);
      assert.deepEqual(await page().locator('#bank-accounts').getByLabel('Currency').locator('option').allInnerTexts(), ['EUR']);
      assert.deepEqual(await page().getByLabel('IBAN country').locator('option').allInnerTexts(), ['NL']);
      await page().getByRole('button', { name: 'Get bank details for EUR' }).click();
      await settled(page());
      const shown = await waitForText(page().getByRole('region', { name: 'EUR bank account' }), /IBAN/);
      const iban = /IBAN\s+(NL\d{2}ABNA04\d{8})/.exec(shown)?.[1];
      assert.ok(iban, `an NL IBAN of the range in ${shown}`);
      assert.match(shown, /BIC\s+ABNANL2AXXX/);
      const issued = (await live.api('GET', `/cashbook/v1/customers/${customer.id}/funding_instructions`)).body.data;
      assert.equal(issued[0].bank_transfer.financial_addresses[0].iban.iban, iban, 'the page shows what the API issued');
      assert.deepEqual(problems(), []);
    });
  });
});
