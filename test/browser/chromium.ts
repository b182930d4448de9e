// Browser tests in Debian's chromium driven by playwright-core: one browser and one tab per
// file (a new tab costs half a second, a navigation 0.1 s), with every console error, page
// error, failed request and 4xx/5xx sub-resource collected as a problem. Without a browser the
// suite is skipped, unless CASHBOOK_REQUIRE_BROWSER=1 (CI), where a missing browser fails it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CASHBOOK_CHROMIUM || '/usr/bin/chromium';
const MISSING = `no browser at ${CHROMIUM}: install Debian's chromium to run the browser tests (apt-get install chromium), or point CASHBOOK_CHROMIUM at one`;
// Without the background-networking flags, Chromium's own calls home fail on a closed network.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1024, height: 768 };

export interface BrowserTab {
  /** The tab; valid inside tests. */
  page(): Page;
  /** Opens `url` at this viewport and starts a fresh list of problems; returns the HTTP status. */
  visit(url: string, viewport?: { width: number; height: number }): Promise<number | undefined>;
  /** What a page must be on any screen: served (200), quiet (no problems), no wider than the viewport. */
  expectClean(status: number | undefined): Promise<void>;
  /** Problems seen since the last visit (for checks between actions on one page). */
  problems(): string[];
}

export function describeInChromium(name: string, body: (tab: BrowserTab) => void): void {
  if (!fs.existsSync(CHROMIUM)) {
    if (process.env.CASHBOOK_REQUIRE_BROWSER === '1') it(`${name}: a browser is installed`, () => assert.fail(MISSING));
    else it(name, { skip: MISSING }, () => {});
    return;
  }
  describe(name, () => {
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
    body({
      page: () => page,
      async visit(url, viewport = DESKTOP) {
        await page.setViewportSize(viewport);
        problems = [];
        return (await page.goto(url))?.status();
      },
      async expectClean(status) {
        assert.equal(status, 200);
        assert.deepEqual(problems, []);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= page.viewportSize()!.width, `no horizontal overflow: scrollWidth ${width}`);
      },
      problems: () => problems,
    });
  });
}
