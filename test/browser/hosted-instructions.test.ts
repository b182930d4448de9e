// The hosted bank-transfer instructions page in a real browser: Debian's chromium driven by
// playwright-core. Asserts what a customer sees (rendered text), at desktop and phone width,
// as the intent is paid. (Browser set-up and the skip without a browser: chromium.ts.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent, newCustomer } from '../integration/payments-helpers.ts';
import { describeInChromium, PHONE } from './chromium.ts';

/** One section of account details as rendered: its heading and label → value rows. */
interface Section {
  heading: string;
  rows: Record<string, string>;
}

describeInChromium('hosted instructions page in Chromium', ({ page, visit, expectClean, problems }) => {
  const text = () => page().innerText('body');

  const sections = (): Promise<Section[]> =>
    page().$$eval('section', (elements) =>
      elements.map((section) => ({
        heading: section.querySelector('h2')!.innerText,
        rows: Object.fromEntries([...section.querySelectorAll('tr')].map((row) => [row.cells[0].innerText, row.cells[1].innerText])),
      })),
    );

  /** The amount the page asks for, as the customer reads it. */
  const remaining = async () => /Send a bank transfer of\s+(.+)/.exec(await text())?.[1];

  async function expectRemainingAfterReload(amount: string): Promise<void> {
    await expectClean((await page().reload())?.status());
    assert.equal(await remaining(), amount);
  }

  const instructionsOf = (pi: Stripe.PaymentIntent) => pi.next_action!.display_bank_transfer_instructions!;

  describeEachStore('hosted instructions page', (server) => {
    it('usd: shows amount, reference and ACH/wire details; follows funding to paid', async () => {
      const { stripe } = server();
      const customer = await newCustomer(stripe);
      const instructions = instructionsOf(await intent(stripe, customer.id, 123456));
      await expectClean(await visit(instructions.hosted_instructions_url!));
      const body = await text();
      assert.match(body, /Pay .+ by bank transfer/);
      assert.equal(await remaining(), '1,234.56 USD');
      assert.match(body, new RegExp(`Quote this reference .*\\s+${instructions.reference}\\s`));
      const [aba, swift] = instructions.financial_addresses!;
      assert.deepEqual(await sections(), [
        { heading: 'ABA', rows: { 'Account number': aba.aba!.account_number, Bank: aba.aba!.bank_name, 'Routing number': aba.aba!.routing_number } },
        { heading: 'SWIFT', rows: { 'Account number': swift.swift!.account_number, Bank: swift.swift!.bank_name, 'SWIFT code': swift.swift!.swift_code } },
      ]);
      await expectClean(await visit(instructions.hosted_instructions_url!, PHONE));

      await fund(stripe, customer.id, 3456);
      await expectRemainingAfterReload('1,200.00 USD');
      await fund(stripe, customer.id, 119999);
      await expectRemainingAfterReload('0.01 USD');
      await fund(stripe, customer.id, 1);
      await expectClean((await page().reload())?.status());
      const paid = await text();
      assert.match(paid, /This payment is complete/);
      assert.doesNotMatch(paid, /Send a bank transfer|USD|Account number/);
    });

    it('eur: shows IBAN and BIC, and fits a phone screen', async () => {
      const { stripe } = server();
      const customer = await newCustomer(stripe);
      const instructions = instructionsOf(await intent(stripe, customer.id, 250000, { currency: 'eur' }));
      await expectClean(await visit(instructions.hosted_instructions_url!, PHONE));
      assert.equal(await remaining(), '2,500.00 EUR');
      assert.match(await text(), new RegExp(`\\s${instructions.reference}\\s`));
      const { iban } = instructions.financial_addresses![0];
      assert.deepEqual(await sections(), [
        { heading: 'IBAN', rows: { 'Account holder': iban!.account_holder_name, BIC: iban!.bic, Country: iban!.country, IBAN: iban!.iban!.match(/.{1,4}/g)!.join(' ') } },
      ]);
      if (process.env.CASHBOOK_SCREENSHOTS) await page().screenshot({ path: path.join(process.env.CASHBOOK_SCREENSHOTS, 'hosted-instructions-eur-phone.png'), fullPage: true });

      await fund(stripe, customer.id, 50, 'eur');
      await expectRemainingAfterReload('2,499.50 EUR');
    });

    it('a strict CSP: the one hashed style applies, and a style added to the page is refused and reported', async () => {
      const { stripe } = server();
      const customer = await newCustomer(stripe);
      const url = instructionsOf(await intent(stripe, customer.id, 4200, { currency: 'eur' })).hosted_instructions_url!;
      const served = await fetch(url);
      const html = await served.text();
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
      const hash = createHash('sha256').update(style).digest('base64');
      assert.equal(served.headers.get('content-security-policy'), `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
      assert.equal([...html.matchAll(/<style|style=/g)].length, 1, 'one inline style, no style attributes');
      await expectClean(await visit(url));
      const amountSize = () => page().locator('.amount').evaluate((element) => getComputedStyle(element).fontSize);
      assert.equal(await amountSize(), '32px', 'the hashed style applies (2rem)');
      await page().route(url, async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: (await response.text()).replace('</head>', '<style>body{background:rgb(255, 0, 0)}</style></head>') });
      });
      try {
        assert.equal(await visit(url), 200);
        assert.notEqual(await page().evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 0, 0)');
        assert.equal(await amountSize(), '32px');
        assert.ok(problems().some((p) => /Content Security Policy/i.test(p)), `a CSP violation was reported: ${JSON.stringify(problems())}`);
      } finally {
        await page().unroute(url);
      }
    });

    it('an unknown token is a 404 page', async () => {
      const { url } = server();
      for (const token of [`test_${'x'.repeat(32)}`, 'nope']) {
        assert.equal(await visit(`${url}/bank_transfers/instructions/${token}`, PHONE), 404);
        assert.equal(await text(), 'These bank transfer instructions do not exist.');
      }
    });
  });
});
