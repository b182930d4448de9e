// The dashboard in a real browser, part two: every action that moves money, done as a
// merchant would (by visible labels and roles), each amount typed in major units and shown
// back in a review step before it is sent, each refusal shown with the API's own message,
// and each effect checked through the official SDK: applying the cash balance to a waiting
// payment, refunding a payment to the bank or into the cash balance, returning cash balance
// funds to the bank and cancelling that return, new payments (paid at once, or waiting with
// bank transfer instructions), credit balance adjustments, paying an invoice, a return's bank
// details link (opened and used); the payments and refunds views with their status filters
// and paging; the main actions at phone width (screenshots of each review step); and the main
// actions and paging by keyboard.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent, newCustomer } from '../integration/payments-helpers.ts';
import { assertCardsFit, assertNoHorizontalOverflow, describeInChromium, finishAction, openDashboard, performAction, PHONE, screenshot, settled, tabTo, waitForText } from './chromium.ts';

type WithInstructions = Stripe.PaymentIntent & { next_action: { display_bank_transfer_instructions: Stripe.PaymentIntent.NextAction.DisplayBankTransferInstructions } };

describeInChromium('dashboard money actions in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');
  const ids = (selector: string) => page().locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  async function pageTo(list: string, name: string): Promise<void> {
    const before = JSON.stringify(await ids(list));
    await page().getByRole('button', { name }).click();
    await settled(page());
    await page().waitForFunction(([selector, old]) => JSON.stringify([...document.querySelectorAll(`${selector} tbody tr`)].map((r) => r.getAttribute('data-id'))) !== old, [list, before] as const);
  }
  async function filterStatus(status: string, path: string): Promise<void> {
    await page().getByLabel('Status').selectOption(status);
    await page().getByRole('button', { name: 'Filter' }).click();
    await page().waitForFunction((hash) => location.hash === hash, status ? `${path}?status=${status}` : path);
    await settled(page());
  }

  describeEachStore('dashboard money actions', (server) => {
    it('applies the cash balance to a waiting payment: a chosen amount, a refused one (the API says why), then what the balance covers', async () => {
      const { url, key, stripe } = server();
      const customer = await newCustomer(stripe, 'manual');
      await fund(stripe, customer.id, 1000);
      const waiting = await intent(stripe, customer.id, 3000);
      assert.equal(waiting.status, 'requires_action');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      assert.match(await row(waiting.id).innerText(), /30\.00 USD\s+requires action\s+30\.00 USD to pay/);

      const review = await performAction(page(), row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }), 'Apply 4.00 USD', async (d) => {
        assert.match(await d.innerText(), /Still to pay\s+30\.00 USD\s+Cash balance\s+10\.00 USD/);
        await d.getByLabel('Amount to apply').fill('4');
      });
      assert.match(review, /Apply from the cash balance\s+4\.00 USD/);
      await finishAction(page(), /Applied\. 26\.00 USD is still to pay/);
      const afterFirst = (await stripe.paymentIntents.retrieve(waiting.id)) as WithInstructions;
      assert.equal(afterFirst.next_action.display_bank_transfer_instructions.amount_remaining, 2600);
      assert.equal(await balanceOf(stripe, customer.id), 600);
      await waitForText(row(waiting.id), /26\.00 USD to pay/);
      await waitForText(page().locator('.balance[data-currency="usd"] .value'), /^6\.00 USD$/);

      // More than the balance holds: the API refuses, the dialog says so and keeps the amount.
      await row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }).click();
      await dialog().getByLabel('Amount to apply').fill('7.00');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await dialog().getByRole('button', { name: 'Apply 7.00 USD' }).click();
      await waitForText(dialog().getByRole('alert'), /The amount 7\.00 USD exceeds the customer's available cash balance of 6\.00 USD/);
      assert.equal(await dialog().getByLabel('Amount to apply').inputValue(), '7.00');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      assert.equal(await balanceOf(stripe, customer.id), 600, 'a refusal moves nothing');
      problems().splice(0); // the 400 was the point

      // Empty amount: as much as the balance covers (6.00), then the rest once funded.
      await performAction(page(), row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }), 'Apply 6.00 USD');
      await finishAction(page(), /20\.00 USD is still to pay/);
      assert.equal(((await stripe.paymentIntents.retrieve(waiting.id)) as WithInstructions).next_action.display_bank_transfer_instructions.amount_remaining, 2000);
      await fund(stripe, customer.id, 2500);
      await page().reload();
      await page().locator('#customer-id').waitFor();
      await settled(page());
      await performAction(page(), row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }), 'Apply 20.00 USD');
      await finishAction(page());
      assert.equal((await stripe.paymentIntents.retrieve(waiting.id)).status, 'succeeded');
      await waitForText(row(waiting.id), /succeeded/);
      assert.equal(await balanceOf(stripe, customer.id), 500);
      assert.deepEqual(problems(), []);
    });

    it('refunds a paid payment: part to the bank with a reason, the rest into the cash balance', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ email: 'refund-me@example.com' });
      await fund(stripe, customer.id, 5000);
      const paid = await intent(stripe, customer.id, 4000);
      assert.equal(paid.status, 'succeeded');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);

      await row(paid.id).getByRole('button', { name: 'Refund…' }).click();
      assert.equal(await dialog().getByLabel('Amount').inputValue(), '40.00', 'all that is left, by default');
      await dialog().getByRole('button', { name: 'Cancel' }).click();
      await settled(page());
      const review = await performAction(page(), row(paid.id).getByRole('button', { name: 'Refund…' }), 'Refund 15.00 USD', async (d) => {
        await d.getByLabel('Amount').fill('15');
        await d.getByLabel("The customer's bank account").check();
        await d.getByLabel('Reason').selectOption('duplicate');
      });
      assert.match(review, /Refund\s+15\.00 USD\s+To\s+The customer's bank account[\s\S]*Reason\s+Duplicate/);
      await finishAction(page(), /Refund of 15\.00 USD created: requires action/);
      const [toBank] = (await stripe.refunds.list({ payment_intent: paid.id })).data;
      assert.deepEqual([toBank.amount, toBank.reason, toBank.status, toBank.destination_details?.type], [1500, 'duplicate', 'requires_action', 'us_bank_transfer']);
      await waitForText(row(paid.id), /15\.00 USD refunded/);

      // Too much is refused in the page; the rest (25.00, the default) goes into the cash balance.
      await row(paid.id).getByRole('button', { name: 'Refund…' }).click();
      assert.equal(await dialog().getByLabel('Amount').inputValue(), '25.00');
      await dialog().getByLabel('Amount').fill('25.01');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /Enter at most 25\.00 USD/);
      await dialog().getByLabel('Amount').fill('25.00');
      await dialog().getByLabel("The customer's cash balance").check();
      await dialog().getByRole('button', { name: 'Review' }).click();
      assert.match(await dialog().innerText(), /To\s+The customer's cash balance, at once/);
      await dialog().getByRole('button', { name: 'Refund 25.00 USD' }).click();
      await finishAction(page());
      assert.equal((await stripe.charges.retrieve(paid.latest_charge as string)).amount_refunded, 4000);
      assert.equal(await balanceOf(stripe, customer.id), 1000 + 2500);
      await waitForText(page().locator('.balance[data-currency="usd"] .value'), /^35\.00 USD$/);
      assert.equal(await row(paid.id).getByRole('button', { name: 'Refund…' }).count(), 0, 'nothing is left to refund');
      const refunds = (await stripe.refunds.list({ payment_intent: paid.id })).data;
      assert.deepEqual(refunds.map((r) => [r.amount, r.destination_details?.type]), [[2500, 'customer_cash_balance'], [1500, 'us_bank_transfer']]);
      assert.deepEqual(problems(), []);
    });

    it('returns cash balance funds to the bank and cancels the return, from its page and from the refunds list', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Rita Return', email: 'rita@example.com' });
      await fund(stripe, customer.id, 8000, 'eur');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);

      await page().getByRole('button', { name: 'Return funds to bank…' }).click();
      assert.equal(await dialog().getByLabel('Currency').inputValue(), 'eur');
      assert.equal(await dialog().getByLabel('Amount').inputValue(), '80.00');
      await dialog().getByLabel('Amount').fill('90');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /Enter at most 80\.00 EUR/);
      await dialog().getByLabel('Amount').fill('30');
      await dialog().getByRole('button', { name: 'Review' }).click();
      // Test mode too: Cashbook sends no email (README), so the review says who asks for the bank details.
      assert.match(await dialog().innerText(), /Return\s+30\.00 EUR[\s\S]*Bank details\s+From the customer, through a bank details link you make on its page and send them yourself \(Cashbook sends no email\)[\s\S]*Left in the cash balance\s+50\.00 EUR/);
      await dialog().getByRole('button', { name: 'Return 30.00 EUR' }).click();
      await waitForText(dialog().getByRole('status'), /Return of 30\.00 EUR created: requires action/);
      const [first] = (await stripe.refunds.list({ limit: 1 })).data;
      assert.deepEqual([first.amount, first.currency, first.charge, first.status, first.instructions_email], [3000, 'eur', null, 'requires_action', 'rita@example.com']);
      assert.equal(await balanceOf(stripe, customer.id, 'eur'), 5000);

      // From the outcome to the return's page, and cancelled there: the money comes back.
      await dialog().getByRole('link', { name: `See return ${first.id}` }).click();
      await page().getByRole('heading', { name: 'Return of cash balance: 30.00 EUR' }).waitFor();
      await settled(page());
      await performAction(page(), page().getByRole('button', { name: 'Cancel return…' }), 'Cancel return of 30.00 EUR');
      await finishAction(page());
      assert.equal((await stripe.refunds.retrieve(first.id)).status, 'canceled');
      assert.equal(await balanceOf(stripe, customer.id, 'eur'), 8000);
      await waitForText(page().locator('main .details'), /canceled/);
      await assertCardsFit(page());
      await screenshot(page(), 'refund-desktop');

      // A second return, cancelled from the refunds list; the status filter finds each.
      const second = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 1250 } as Stripe.RefundCreateParams);
      await openDashboard(tab, url, key, '#/refunds');
      await page().getByRole('heading', { name: 'Refunds and returns' }).waitFor();
      assert.match(await row(second.id).innerText(), /Return of cash balance[\s\S]*12\.50 EUR[\s\S]*requires action[\s\S]*rita@example\.com/);
      await performAction(page(), row(second.id).getByRole('button', { name: 'Cancel…' }), 'Cancel return of 12.50 EUR');
      await finishAction(page());
      assert.equal((await stripe.refunds.retrieve(second.id)).status, 'canceled');
      await waitForText(row(second.id), /canceled/);
      const pending = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 100 } as Stripe.RefundCreateParams);
      await filterStatus('canceled', '#/refunds');
      assert.deepEqual((await ids('#refunds')).sort(), [first.id, second.id].sort());
      await filterStatus('requires_action', '#/refunds');
      assert.ok((await ids('#refunds')).includes(pending.id));
      assert.ok(!(await ids('#refunds')).includes(first.id));
      await assertCardsFit(page());
      await screenshot(page(), 'refunds-desktop');

      // The waiting one: a bank details link, which opens the customer's refund page; the
      // details given there move the return on (checked through the API).
      await openDashboard(tab, url, key, `#/refunds/${pending.id}`);
      await page().getByRole('button', { name: 'Make a bank details link' }).click();
      await settled(page());
      const link = page().locator('.link-out a');
      const href = (await link.getAttribute('href'))!;
      assert.equal(await link.innerText(), href);
      assert.match(await page().locator('.link-out').innerText(), /Send the customer this link/);
      assert.equal((await page().goto(href))?.status(), 200);
      assert.match(await page().innerText('body'), /1\.00/, 'the refund page names the amount');
      await page().getByLabel('Account holder name').fill('Rita Return');
      await page().getByLabel('IBAN').fill('GB82 WEST 1234 5698 7654 32');
      await page().getByRole('button', { name: 'Send my refund to this account' }).click();
      await page().waitForLoadState();
      await waitForText(page().locator('body'), /Thank you/);
      assert.equal((await stripe.refunds.retrieve(pending.id)).status, 'pending');
      assert.deepEqual(problems(), []);
      await openDashboard(tab, url, key, '#/refunds', PHONE);
      await expectClean(200);
      await screenshot(page(), 'refunds-phone');
      await openDashboard(tab, url, key, `#/refunds/${first.id}`, PHONE);
      await expectClean(200);
      await screenshot(page(), 'refund-phone');
    });

    it('creates payments: paid from the cash balance at once, waiting with bank transfer instructions, or confirmed later', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Gina Pound', email: 'gina@example.com' });
      await fund(stripe, customer.id, 2000, 'gbp');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);

      const review = await performAction(page(), page().getByRole('button', { name: 'New payment…' }), 'Create and confirm 12.50 GBP', async (d) => {
        assert.equal(await d.getByLabel('Currency').inputValue(), 'gbp', "the customer's currency");
        await d.getByLabel('Amount').fill('12.50');
        await d.getByLabel('Description').fill('Order 1');
      });
      assert.match(review, /Amount\s+12\.50 GBP\s+Description\s+Order 1/);
      await finishAction(page(), /Paid from the cash balance: 12\.50 GBP\./);
      const [paid] = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data;
      assert.deepEqual([paid.amount, paid.currency, paid.description, paid.status], [1250, 'gbp', 'Order 1', 'succeeded']);
      await waitForText(row(paid.id), /Order 1[\s\S]*12\.50 GBP\s+succeeded/);

      // More than the balance: what it holds is applied, the rest waits for a bank transfer.
      await performAction(page(), page().getByRole('button', { name: 'New payment…' }), 'Create and confirm 30.00 GBP', async (d) => {
        await d.getByLabel('Amount').fill('30');
        await d.getByLabel('Description').fill('Order 2');
      });
      const status = dialog().getByRole('status');
      await waitForText(status, /Waiting for a bank transfer/);
      const [waiting] = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data as WithInstructions[];
      assert.equal(waiting.status, 'requires_action');
      const instructions = waiting.next_action.display_bank_transfer_instructions;
      const shown = await status.innerText();
      const remaining = (instructions.amount_remaining! / 100).toFixed(2);
      assert.match(shown, new RegExp(`Waiting for a bank transfer of ${remaining} GBP`));
      const sortCode = instructions.financial_addresses![0].sort_code!;
      // The sort code is shown as it is written (20-00-00).
      for (const value of [instructions.reference!, sortCode.sort_code.replace(/(\d{2})(?=\d)/g, '$1-'), sortCode.account_number]) assert.ok(shown.includes(value), `${value} in ${shown}`);
      const hosted = dialog().getByRole('link', { name: 'Open the hosted bank transfer instructions' });
      assert.equal(await hosted.getAttribute('href'), instructions.hosted_instructions_url);
      assert.equal((await fetch(instructions.hosted_instructions_url!)).status, 200);
      await screenshot(page(), 'new-payment-waiting-desktop');
      await dialog().getByRole('button', { name: 'Done' }).click();
      await settled(page());
      assert.equal(await row(waiting.id).getByRole('link', { name: 'Instructions' }).getAttribute('href'), instructions.hosted_instructions_url);

      // Not confirmed at once: created, then confirmed from its row.
      await performAction(page(), page().getByRole('button', { name: 'New payment…' }), 'Create 5.00 GBP', async (d) => {
        await d.getByLabel('Amount').fill('5');
        await d.getByLabel(/Confirm at once/).uncheck();
      });
      await finishAction(page(), /Created, not confirmed yet: 5\.00 GBP/);
      const [later] = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data;
      assert.deepEqual([later.amount, later.status], [500, 'requires_confirmation']);
      await performAction(page(), row(later.id).getByRole('button', { name: 'Confirm…' }), 'Confirm payment');
      await finishAction(page(), /Waiting for a bank transfer of 5\.00 GBP/);
      assert.equal((await stripe.paymentIntents.retrieve(later.id)).status, 'requires_action');

      // ...and cancelled: nothing was applied to it, so the balance is unchanged.
      const before = await balanceOf(stripe, customer.id, 'gbp');
      await performAction(page(), row(later.id).getByRole('button', { name: 'Cancel…' }), 'Cancel payment');
      await finishAction(page());
      assert.equal((await stripe.paymentIntents.retrieve(later.id)).status, 'canceled');
      assert.equal(await balanceOf(stripe, customer.id, 'gbp'), before);
      await waitForText(row(later.id), /canceled/);
      assert.deepEqual(problems(), []);
    });

    it('adjusts the credit balance both ways, shows the new balance before sending, and the API refusing another currency', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Carl Credit' });
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      assert.match(await page().innerText('#credit-balance'), /No credit balance/);

      await performAction(page(), page().getByRole('button', { name: 'Adjust credit balance…' }), 'Credit 10.00 USD', async (d) => {
        await d.getByLabel(/^Credit: the customer owes less/).check();
        await d.getByRole('textbox', { name: 'Amount' }).fill('10');
        await d.getByLabel('Currency').selectOption('usd');
        await d.getByLabel('Description').fill('Goodwill');
      });
      await finishAction(page());
      let updated = await stripe.customers.retrieve(customer.id) as Stripe.Customer;
      assert.deepEqual([updated.balance, updated.currency], [-1000, 'usd']);
      const [credit] = (await stripe.customers.listBalanceTransactions(customer.id, { limit: 1 })).data;
      assert.deepEqual([credit.amount, credit.description], [-1000, 'Goodwill']);
      await waitForText(page().locator('#credit-balance .credit-total'), /−10\.00 USD/);

      const review = await performAction(page(), page().getByRole('button', { name: 'Adjust credit balance…' }), 'Debit 2.50 USD', async (d) => {
        assert.equal(await d.getByLabel('Currency').inputValue(), 'usd', "the customer's currency");
        await d.getByLabel(/^Debit: the customer owes more/).check();
        await d.getByRole('textbox', { name: 'Amount' }).fill('2.50');
      });
      assert.match(review, /Adjustment\s+2\.50 USD[\s\S]*Credit balance after\s+−7\.50 USD/);
      await finishAction(page());
      updated = await stripe.customers.retrieve(customer.id) as Stripe.Customer;
      assert.equal(updated.balance, -750);
      await waitForText(page().locator('#credit-balance .credit-total'), /−7\.50 USD/);
      assert.deepEqual((await ids('#credit-ledger')).length, 2);

      // Another currency is a balance of its own.
      await performAction(page(), page().getByRole('button', { name: 'Adjust credit balance…' }), 'Credit 1.00 EUR', async (d) => {
        await d.getByRole('textbox', { name: 'Amount' }).fill('1');
        await d.getByLabel('Currency').selectOption('eur');
      });
      await finishAction(page());
      const [eur] = (await stripe.customers.listBalanceTransactions(customer.id, { limit: 1 })).data;
      assert.deepEqual([eur.amount, eur.currency, eur.ending_balance], [-100, 'eur', -100]);
      await waitForText(page().locator('#credit-balance .credit-total'), /−7\.50 USD\s*−1\.00 EUR|−1\.00 EUR\s*−7\.50 USD/);

      // Beyond the API's largest amount (the server's own limit, served to the page): refused before sending, saying the most it takes.
      await page().getByRole('button', { name: 'Adjust credit balance…' }).click();
      await dialog().getByRole('textbox', { name: 'Amount' }).fill('1000000000');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /This amount is too large: enter at most 999,999\.99 USD, the most one amount can be/);
      assert.equal(await dialog().getByRole('button', { name: /^Credit / }).count(), 0, 'no review step');
      const direct = await server().request('POST', `/v1/customers/${customer.id}/balance_transactions`, { form: 'amount=-100000000&currency=usd' });
      assert.equal(direct.status, 400, 'the API refuses one minor unit more than the page allows');
      await page().keyboard.press('Escape');
      await settled(page());
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -750);
      assert.deepEqual(problems(), [], 'the page sent nothing the API refused');
    });

    it("pays an open invoice from the cash balance after a review; its payment offers no Cancel", async () => {
      const { url, key, stripe } = server();
      const customer = await newCustomer(stripe, 'manual');
      await fund(stripe, customer.id, 5005);
      const draft = await stripe.invoices.create({ customer: customer.id, currency: 'usd', collection_method: 'send_invoice', days_until_due: 30, payment_settings: { payment_method_types: ['customer_balance'] } });
      await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 2005, currency: 'usd' });
      const invoice = await stripe.invoices.finalizeInvoice(draft.id);
      assert.equal(invoice.status, 'open');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`);
      assert.match(await row(invoice.id).innerText(), new RegExp(`${invoice.number}[\\s\\S]*20\\.05 USD\\s+0\\.00 USD\\s+open`));
      const invoiceIntent = (invoice as unknown as { payment_intent: string }).payment_intent;
      assert.match(await row(invoiceIntent).innerText(), /20\.05 USD\s+requires payment method/);
      assert.equal(await row(invoiceIntent).getByRole('button').count(), 0);
      const review = await performAction(page(), row(invoice.id).getByRole('button', { name: 'Pay from cash balance…' }), 'Pay 20.05 USD');
      assert.match(review, /Amount due\s+20\.05 USD/);
      await finishAction(page());
      assert.equal((await stripe.invoices.retrieve(invoice.id)).amount_paid, 2005);
      await waitForText(row(invoice.id), /paid/);
      await waitForText(page().locator('.balance[data-currency="usd"] .value'), /^30\.00 USD$/);
      assert.deepEqual(problems(), []);
    });

    it('payments view: every payment with description and date, filtered by status, paged both ways', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Paula Pages' });
      await fund(stripe, customer.id, 100_000);
      for (let n = 1; n <= 12; n++) await intent(stripe, customer.id, 100 * n, { extra: { description: `Paged ${n}` } });
      await intent(stripe, customer.id, 500_000, { extra: { description: 'Too big' } });
      await openDashboard(tab, url, key, '#/payments');
      await page().getByRole('heading', { name: 'Payments' }).waitFor();
      await page().getByRole('combobox', { name: 'payments per page' }).selectOption('10');
      await settled(page());
      const first = await stripe.paymentIntents.list({ limit: 10 });
      assert.deepEqual(await ids('#payments'), first.data.map((p) => p.id));
      assert.match(await row(first.data[1].id).innerText(), /Paged 12[\s\S]*Paula Pages/, 'description and customer name');
      assert.ok((await row(first.data[1].id).locator('time').getAttribute('title'))!.endsWith('UTC'), 'UTC on hover');
      await pageTo('#payments', 'Older payments');
      assert.deepEqual(await ids('#payments'), (await stripe.paymentIntents.list({ limit: 10, starting_after: first.data.at(-1)!.id })).data.map((p) => p.id));
      await pageTo('#payments', 'Newer payments');
      assert.deepEqual(await ids('#payments'), first.data.map((p) => p.id));

      // By status (the search API): the waiting one alone, then succeeded ones over two pages.
      await filterStatus('requires_action', '#/payments');
      const waitingOnes = await stripe.paymentIntents.search({ query: "status:'requires_action'", limit: 10 });
      assert.deepEqual(await ids('#payments'), waitingOnes.data.map((p) => p.id));
      assert.ok(waitingOnes.data.some((p) => p.id === first.data[0].id));
      assert.match(await row(first.data[0].id).innerText(), /Too big/);
      await filterStatus('succeeded', '#/payments');
      const succeeded = await stripe.paymentIntents.search({ query: "status:'succeeded'", limit: 10 });
      assert.deepEqual(await ids('#payments'), succeeded.data.map((p) => p.id));
      await pageTo('#payments', 'Older payments');
      const more = await stripe.paymentIntents.search({ query: "status:'succeeded'", limit: 10, page: succeeded.next_page! });
      assert.deepEqual(await ids('#payments'), more.data.map((p) => p.id));
      await pageTo('#payments', 'Newer payments');
      assert.deepEqual(await ids('#payments'), succeeded.data.map((p) => p.id));
      for (const text of await page().locator('#payments td.status-cell').allInnerTexts()) assert.match(text, /succeeded/);
      await assertCardsFit(page());
      await screenshot(page(), 'payments-desktop');
      assert.deepEqual(problems(), []);
      await openDashboard(tab, url, key, '#/payments', PHONE);
      await expectClean(200);
      await screenshot(page(), 'payments-phone');
      await openDashboard(tab, url, key, `#/customers/${customer.id}`, PHONE);
      await expectClean(200);
      await screenshot(page(), 'customer-payments-phone');
    });

    it('at phone width: applies the cash balance, refunds, returns and makes a payment, each review step fitting the screen', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Phoebe Phone', email: 'phoebe@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, 5000);
      const paid = await intent(stripe, customer.id, 1000); // covered: paid at once, in either mode
      const waiting = await intent(stripe, customer.id, 8000); // manual: nothing applied, it waits
      assert.deepEqual([paid.status, waiting.status], ['succeeded', 'requires_action']);
      await openDashboard(tab, url, key, `#/customers/${customer.id}`, PHONE);
      await expectClean(200);
      const reviewed = (name: string) => async () => {
        await assertNoHorizontalOverflow(page());
        await screenshot(page(), name);
      };

      await performAction(page(), row(waiting.id).getByRole('button', { name: 'Apply cash balance…' }), 'Apply 10.00 USD', async (d) => {
        await d.getByLabel('Amount to apply').fill('10');
      }, reviewed('review-apply-phone'));
      await finishAction(page(), /Applied\. 70\.00 USD is still to pay/);
      assert.equal(((await stripe.paymentIntents.retrieve(waiting.id)) as WithInstructions).next_action.display_bank_transfer_instructions.amount_remaining, 7000);

      await performAction(page(), row(paid.id).getByRole('button', { name: 'Refund…' }), 'Refund 4.00 USD', async (d) => {
        await d.getByLabel('Amount').fill('4');
      }, reviewed('review-refund-phone'));
      await finishAction(page(), /Refund of 4\.00 USD created: requires action/);
      const [refund] = (await stripe.refunds.list({ payment_intent: paid.id })).data;
      assert.deepEqual([refund.amount, refund.status], [400, 'requires_action']);

      await performAction(page(), page().getByRole('button', { name: 'Return funds to bank…' }), 'Return 15.00 USD', async (d) => {
        await d.getByLabel('Amount').fill('15');
      }, reviewed('review-return-phone'));
      await finishAction(page(), /Return of 15\.00 USD created/);
      const [returned] = (await stripe.refunds.list({ limit: 1 })).data;
      assert.deepEqual([returned.amount, returned.charge, returned.instructions_email], [1500, null, 'phoebe@example.com']);
      assert.equal(await balanceOf(stripe, customer.id), 5000 - 1000 - 1000 - 1500);

      await performAction(page(), page().getByRole('button', { name: 'New payment…' }), 'Create and confirm 7.50 USD', async (d) => {
        await d.getByLabel('Amount').fill('7.50');
        await d.getByLabel('Description').fill('Phone order');
      }, reviewed('review-new-payment-phone'));
      await finishAction(page(), /Paid from the cash balance: 7\.50 USD\./);
      const [made] = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data;
      assert.deepEqual([made.amount, made.description, made.status], [750, 'Phone order', 'succeeded']);
      assert.equal(await balanceOf(stripe, customer.id), 1500 - 750);
      await waitForText(page().locator('.balance[data-currency="usd"] .value'), /^7\.50 USD$/);
      await assertNoHorizontalOverflow(page());
      assert.deepEqual(problems(), []);
    });

    it('keyboard only: opens a customer, returns funds, refunds, applies the balance, makes a payment, adjusts credit, cancels the return and pages, without the mouse', async () => {
      const { url, key, stripe } = server();
      const customer = await stripe.customers.create({ name: 'Keyboard Kim', email: 'kim@example.com' });
      await fund(stripe, customer.id, 3000);
      const paid = await intent(stripe, customer.id, 1000);
      await openDashboard(tab, url, key, `#/customers?q=${encodeURIComponent('kim@example.com')}`);
      await tabTo(page(), /^Keyboard Kim$/);
      await page().keyboard.press('Enter');
      await page().getByRole('heading', { name: 'Keyboard Kim' }).waitFor();
      await settled(page());
      assert.equal(await page().evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new page');

      await tabTo(page(), /Return funds to bank/);
      await page().keyboard.press('Enter');
      await dialog().waitFor();
      await tabTo(page(), /Amount/);
      await page().keyboard.press('Control+A');
      await page().keyboard.type('5.25');
      await page().keyboard.press('Enter'); // submits the form: the review
      await dialog().getByRole('button', { name: 'Return 5.25 USD' }).waitFor();
      assert.equal(await page().evaluate(() => document.activeElement?.textContent), 'Return 5.25 USD', 'the review focuses its confirm button');
      await page().keyboard.press('Enter');
      await waitForText(dialog().getByRole('status'), /Return of 5\.25 USD created/);
      await page().keyboard.press('Enter'); // Done
      await settled(page());
      const [returned] = (await stripe.refunds.list({ limit: 1 })).data;
      assert.deepEqual([returned.amount, returned.charge], [525, null]);
      assert.equal(await balanceOf(stripe, customer.id), 3000 - 1000 - 525);

      await tabTo(page(), /^Refund…$/);
      await page().keyboard.press('Enter');
      await dialog().waitFor();
      await tabTo(page(), /bank account/i); // the checked destination; arrows move within the group
      await page().keyboard.press('ArrowDown');
      assert.ok(await dialog().getByLabel("The customer's cash balance").isChecked());
      await tabTo(page(), /^Review$/);
      await page().keyboard.press('Enter');
      await dialog().getByRole('button', { name: 'Refund 10.00 USD' }).waitFor();
      await page().keyboard.press('Enter');
      await settled(page());
      assert.equal((await stripe.charges.retrieve(paid.latest_charge as string)).amount_refunded, 1000);
      assert.equal(await balanceOf(stripe, customer.id), 3000 - 525);

      // Apply the cash balance to a waiting payment (the customer now reconciles by hand).
      await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'manual' } });
      const waiting = await intent(stripe, customer.id, 5000);
      assert.equal(waiting.status, 'requires_action');
      await page().reload();
      await page().locator('#customer-id').waitFor();
      await settled(page());
      await tabTo(page(), /^Apply cash balance…$/);
      await page().keyboard.press('Enter');
      await dialog().waitFor();
      await page().keyboard.type('3'); // the dialog starts in its amount field
      await page().keyboard.press('Enter');
      await dialog().getByRole('button', { name: 'Apply 3.00 USD' }).waitFor();
      assert.equal(await page().evaluate(() => document.activeElement?.textContent), 'Apply 3.00 USD');
      await page().keyboard.press('Enter');
      await waitForText(dialog().getByRole('status'), /Applied\. 47\.00 USD is still to pay/);
      await page().keyboard.press('Enter'); // Done
      await settled(page());
      assert.equal(((await stripe.paymentIntents.retrieve(waiting.id)) as WithInstructions).next_action.display_bank_transfer_instructions.amount_remaining, 4700);
      assert.equal(await balanceOf(stripe, customer.id), 2475 - 300);

      // A new payment, paid at once from the balance.
      await tabTo(page(), /^New payment…$/);
      await page().keyboard.press('Enter');
      await dialog().waitFor();
      await page().keyboard.type('5');
      await page().keyboard.press('Enter');
      await dialog().getByRole('button', { name: 'Create and confirm 5.00 USD' }).waitFor();
      await page().keyboard.press('Enter');
      await waitForText(dialog().getByRole('status'), /Paid from the cash balance: 5\.00 USD\./);
      await page().keyboard.press('Enter'); // Done
      await settled(page());
      const [made] = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data;
      assert.deepEqual([made.amount, made.status], [500, 'succeeded']);
      assert.equal(await balanceOf(stripe, customer.id), 2175 - 500);

      // A credit balance adjustment: the direction is a radio group, then the amount.
      await tabTo(page(), /^Adjust credit balance…$/);
      await page().keyboard.press('Enter');
      await dialog().waitFor();
      await tabTo(page(), /^Amount$/);
      await page().keyboard.type('1.50');
      await page().keyboard.press('Enter');
      await dialog().getByRole('button', { name: 'Credit 1.50 USD' }).waitFor();
      await page().keyboard.press('Enter');
      await settled(page());
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -150);

      // The return, cancelled from its page.
      await openDashboard(tab, url, key, `#/refunds/${returned.id}`);
      await tabTo(page(), /^Cancel return…$/);
      await page().keyboard.press('Enter');
      await dialog().getByRole('button', { name: 'Cancel return of 5.25 USD' }).waitFor();
      assert.equal(await page().evaluate(() => document.activeElement?.textContent), 'Cancel return of 5.25 USD');
      await page().keyboard.press('Enter');
      await settled(page());
      assert.equal((await stripe.refunds.retrieve(returned.id)).status, 'canceled');
      assert.equal(await balanceOf(stripe, customer.id), 1675 + 525);

      // Paging: older, then newer again, focus staying on the pager.
      await openDashboard(tab, url, key, '#/events');
      const size = Number(await page().getByRole('combobox', { name: 'events per page' }).inputValue());
      const first = await stripe.events.list({ limit: size });
      assert.deepEqual(await ids('#events'), first.data.map((e) => e.id));
      const shownChanges = async (old: (string | null)[]) => {
        await page().waitForFunction((before) => JSON.stringify([...document.querySelectorAll('#events tbody tr')].map((r) => r.getAttribute('data-id'))) !== before, JSON.stringify(old));
        await settled(page());
      };
      await tabTo(page(), /Older events/);
      await page().keyboard.press('Enter');
      await shownChanges(first.data.map((e) => e.id));
      assert.deepEqual(await ids('#events'), (await stripe.events.list({ limit: size, starting_after: first.data.at(-1)!.id })).data.map((e) => e.id));
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Older events');
      await page().keyboard.press('Shift+Tab');
      assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Newer events');
      const second = await ids('#events');
      await page().keyboard.press('Enter');
      await shownChanges(second);
      assert.deepEqual(await ids('#events'), first.data.map((e) => e.id));
      assert.deepEqual(problems(), []);
    });
  });
});
