// The hosted bank-transfer instructions page in a real browser: Debian's chromium driven by
// playwright-core. Asserts what a customer sees (rendered text), at desktop and phone width,
// as the intent is paid. Without a browser the suite is skipped, unless
// CASHBOOK_REQUIRE_BROWSER=1 (CI), where a missing browser fails it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent, newCustomer } from '../integration/payments-helpers.ts';

const CHROMIUM = process.env.CASHBOOK_CHROMIUM || '/usr/bin/chromium';
const MISSING = `no browser at ${CHROMIUM}: install Debian's chromium to run the browser test (apt-get install chromium), or point CASHBOOK_CHROMIUM at one`;
// Without the background-networking flags, Chromium's own calls home fail on a closed network.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1024, height: 768 };

/** One section of account details as rendered: its heading and label → value rows. */
interface Section {
  heading: string;
  rows: Record<string, string>;
}

if (!fs.existsSync(CHROMIUM)) {
  if (process.env.CASHBOOK_REQUIRE_BROWSER === '1') it('hosted instructions page in Chromium: a browser is installed', () => assert.fail(MISSING));
  else it('hosted instructions page in Chromium', { skip: MISSING }, () => {});
} else {
  describe('hosted instructions page in Chromium', () => {
    // One browser and one tab for the file: a new tab costs half a second, a navigation 0.1 s.
    let browser: Browser;
    let page: Page;
    let problems: string[] = [];
    before(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      page = await browser.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
      page.on('response', (response) => {
        if (response.status() >= 400 && response.request().resourceType() !== 'document') problems.push(`${response.status()}: ${response.url()}`);
      });
    });
    after(async () => {
      await browser?.close();
    });

    /** Opens `url` at this viewport; `problems` then collects what goes wrong on it. */
    async function visit(url: string, viewport = DESKTOP): Promise<number | undefined> {
      await page.setViewportSize(viewport);
      problems = [];
      return (await page.goto(url))?.status();
    }

    const text = () => page.innerText('body');

    const sections = (): Promise<Section[]> =>
      page.$$eval('section', (elements) =>
        elements.map((section) => ({
          heading: section.querySelector('h2')!.innerText,
          rows: Object.fromEntries([...section.querySelectorAll('tr')].map((row) => [row.cells[0].innerText, row.cells[1].innerText])),
        })),
      );

    /** What a page must be on any screen: served, quiet (no console errors, no failed requests), no wider than the viewport. */
    async function expectClean(status: number | undefined): Promise<void> {
      assert.equal(status, 200);
      assert.deepEqual(problems, []);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= page.viewportSize()!.width, `no horizontal overflow: scrollWidth ${width}`);
    }

    /** The amount the page asks for, as the customer reads it. */
    const remaining = async () => /Send a bank transfer of\s+(.+)/.exec(await text())?.[1];

    async function expectRemainingAfterReload(amount: string): Promise<void> {
      await expectClean((await page.reload())?.status());
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
        await expectClean((await page.reload())?.status());
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
        if (process.env.CASHBOOK_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.CASHBOOK_SCREENSHOTS, 'hosted-instructions-eur-phone.png'), fullPage: true });

        await fund(stripe, customer.id, 50, 'eur');
        await expectRemainingAfterReload('2,499.50 EUR');
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
}
