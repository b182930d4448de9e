// The dashboard in a real browser, in live mode: how bank details read. UK sort codes are shown
// as they are written (20-00-00, while the API keeps 200000) on a customer's page, in a
// payment's bank transfer instructions and in Settings; an unmatched transfer's row says which
// of the merchant's accounts it credited, a UK sender's sort code beside its account number,
// and links the customer it was assigned to; a refused "Get bank details" leaves keyboard
// focus on its button.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import { camt053, liveAccount } from '../integration/live-helpers.ts';
import { assertCardsFit, describeInChromium, openAs as openSignedIn, performAction, PHONE, settled, waitForText } from './chromium.ts';

const CREDITED = 'NL41ABNA0499999999'; // one of the merchant's accounts, no customer's

describeInChromium('dashboard display of bank details in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');
  const openAs = (url: string, key: string, hash: string, viewport?: { width: number; height: number }) => openSignedIn(tab, url, key, hash, viewport);

  describeEachStore('dashboard display of bank details', (server) => {
    it('live mode: a sort code reads 20-00-00 on the customer page, in a payment’s instructions and in Settings', async () => {
      const live = await liveAccount(server());
      const { stripe } = live;
      const customer = await stripe.customers.create({ name: 'Gwen Pound', email: 'gwen.pound@example.com' });
      const issued = await stripe.customers.createFundingInstructions(customer.id, { currency: 'gbp', funding_type: 'bank_transfer', bank_transfer: { type: 'gb_bank_transfer' } });
      const address = issued.bank_transfer.financial_addresses[0].sort_code!;
      assert.equal(address.sort_code, '200000', 'the API keeps the digits');

      await openAs(live.s.url, live.key, `#/customers/${customer.id}`);
      const account = page().locator('#bank-accounts section[data-currency="gbp"]');
      const shown = await waitForText(account, /Sort code\s+20-00-00(\s|$)/);
      assert.ok(shown.includes(address.account_number), shown);
      assert.doesNotMatch(shown, /200000/);

      await performAction(page(), page().getByRole('button', { name: 'New payment…' }), 'Create and confirm 30.00 GBP', async (d) => {
        await d.getByLabel('Amount').fill('30');
        await d.getByLabel('Currency').selectOption('gbp');
      });
      const waiting = await waitForText(dialog().getByRole('status'), /Waiting for a bank transfer of 30\.00 GBP/);
      assert.match(waiting, /Sort code\s+20-00-00(\s|$)/);
      assert.doesNotMatch(waiting, /200000/);
      await dialog().getByRole('button', { name: 'Done' }).click();
      await settled(page());

      await openAs(live.s.url, live.key, '#/settings');
      const range = await waitForText(row('vbr_gb_gb'), /Barclays/);
      assert.match(range, /20-00-00/);
      assert.doesNotMatch(range, /200000/);
      assert.deepEqual(problems(), []);
    });

    it('live mode: an unmatched transfer shows the account it credited, a UK sender’s sort code with its account number, and links its customer', async () => {
      const live = await liveAccount(server());
      const { stripe } = live;
      const ada = await stripe.customers.create({ name: 'Ada Assign', email: 'ada.assign@example.com' });
      await stripe.customers.createFundingInstructions(ada.id, { currency: 'eur', funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } } });
      const arrived = await live.importStatement(camt053([
        { amount: '12.34', currency: 'GBP', ownAccount: CREDITED, name: 'Sam Smith', otherAccount: '70872490', clearing: { system: 'GBDSC', id: '404784' }, ref: 'IN-DISPLAY-GB', remittance: 'Order 17' },
        { amount: '5.00', currency: 'EUR', ownAccount: CREDITED, name: 'Eva Euro', iban: 'DE89370400440532013000', ref: 'IN-DISPLAY-EU', remittance: 'Order 18' },
      ]));
      assert.deepEqual(arrived.lines.map((l) => l.status), ['unmatched', 'unmatched']);
      const [pound, euro] = arrived.lines.map((l) => l.unmatched_transfer!);
      const wire = (await live.api('GET', `/cashbook/v1/unmatched_transfers/${pound}`)).body;
      assert.deepEqual([wire.account, wire.sender.account, wire.sender.clearing], [CREDITED, '70872490', '404784']);
      const assigned = await live.api('POST', `/cashbook/v1/unmatched_transfers/${euro}/assign`, `customer=${ada.id}`);
      assert.equal(assigned.status, 200, JSON.stringify(assigned.body));

      await openAs(live.s.url, live.key, '#/transfers');
      await page().getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
      const gb = await row(pound).innerText();
      assert.match(gb, new RegExp(`Order 17[\\s\\S]*into ${CREDITED}`));
      assert.match(gb, /Sam Smith\s+sort code 40-47-84 account 70872490/);
      assert.match(await row(euro).innerText(), new RegExp(`into ${CREDITED}[\\s\\S]*Eva Euro\\s+DE89370400440532013000[\\s\\S]*assigned`));

      // The Return… review names the sort code too (and is left without sending anything).
      await row(pound).getByRole('button', { name: 'Return…' }).click();
      const review = await waitForText(dialog(), /Return 12\.34 GBP/);
      assert.match(review, /Back to\s+Sam Smith\s+sort code 40-47-84 account 70872490\s+Received into\s+NL41ABNA0499999999/);
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.equal((await live.api('GET', `/cashbook/v1/unmatched_transfers/${pound}`)).body.status, 'open');

      // The assigned one links its customer's page (the list expands no customer: its id).
      const link = row(euro).getByRole('link', { name: ada.id });
      assert.equal(await link.getAttribute('href'), `#/customers/${ada.id}`);
      await link.click();
      await page().getByRole('heading', { name: 'Ada Assign' }).waitFor();
      await assertCardsFit(page());

      await openAs(live.s.url, live.key, '#/transfers', PHONE);
      await expectClean(200);
      assert.match(await row(pound).innerText(), /sort code 40-47-84 account 70872490/);
      assert.deepEqual(problems(), []);
    });

    it('live mode: a refused "Get bank details" (a 400) shows why and leaves keyboard focus on its button', async () => {
      const live = await liveAccount(server());
      const customer = await live.stripe.customers.create({ name: 'Rita Refused', email: 'rita.refused@example.com' });
      await openAs(live.s.url, live.key, `#/customers/${customer.id}`);
      const submit = page().getByRole('button', { name: 'Get bank details for EUR' });
      await page().locator('#bank-accounts select[name="currency"]').selectOption('eur');
      // A country with no range (as if the range went away after the page was read): the server refuses it.
      await page().locator('#bank-accounts select[name="country"]').evaluate((select: HTMLSelectElement) => {
        select.append(new Option('IT', 'IT'));
        select.value = 'IT';
      });
      await submit.focus();
      await page().keyboard.press('Enter');
      await waitForText(page().locator('#error'), /./);
      await page().waitForFunction(() => !document.querySelector('[aria-busy=true]') && !(document.querySelector('[data-key="get-bank-details"]') as HTMLButtonElement).disabled);
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('data-key')), 'get-bank-details', 'focus is back on the button, not on <body>');
      assert.ok(problems().length > 0 && problems().every((p) => /\b400\b/.test(p)), problems().join('\n')); // the refusal (and the browser's line about it), nothing else
      problems().splice(0); // that 400 was the point
      assert.equal((await live.api('GET', `/cashbook/v1/customers/${customer.id}/funding_instructions`)).body.data.length, 0, 'nothing was issued');

      // The button still works from the keyboard: NL has a range.
      await page().locator('#bank-accounts select[name="country"]').selectOption('NL');
      await submit.focus();
      await page().keyboard.press('Enter');
      await waitForText(page().locator('#bank-accounts section[data-currency="eur"]'), /IBAN\s+NL\d{2}ABNA04/);
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('data-key')), 'get-bank-details');
      assert.deepEqual(problems(), []);
    });
  });
});
