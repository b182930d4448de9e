// Browser tests in Debian's chromium driven by playwright-core: one browser and one tab per
// file (a new tab costs half a second, a navigation 0.1 s), with every console error, page
// error, failed request and 4xx/5xx sub-resource collected as a problem. Without a browser the
// suite is skipped, unless CASHBOOK_REQUIRE_BROWSER=1 (CI), where a missing browser fails it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

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
  /**
   * Runs `body` in a tab of its own browser context (a time zone, a locale: what only a new
   * context can set), watched for the same problems, and closes it; the file's own tab is
   * left as it was, so only a test that asks pays for the new context.
   */
  withContext(options: BrowserContextOptions, body: (page: Page, problems: string[]) => Promise<void>): Promise<void>;
}

/** Collects a page's console errors, page errors, failed requests and 4xx/5xx sub-resources into `sink()`. */
function watch(page: Page, sink: () => string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') sink().push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => sink().push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => sink().push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') sink().push(`${response.status()}: ${response.url()}`);
  });
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
      watch(page, () => problems);
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
      async withContext(options, run) {
        const context = await browser.newContext({ viewport: DESKTOP, ...options });
        try {
          const own = await context.newPage();
          const seen: string[] = [];
          watch(own, () => seen);
          await run(own, seen);
        } finally {
          await context.close();
        }
      },
    });
  });
}

// ---- helpers for the dashboard's tests (test/browser/dashboard*.test.ts) ----

/** Where screenshots go: CASHBOOK_SCREENSHOTS, else /tmp/dashboard-shots (never the repository). */
export const SHOTS_DIR = process.env.CASHBOOK_SCREENSHOTS || '/tmp/dashboard-shots';

/** A full-page screenshot named `name`.png, for a reviewer to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png`, fullPage: true });
}

/** Waits until nothing is loading (no aria-busy) and no dialog is open: the view shows what the API said. */
export async function settled(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true], dialog'), undefined, { timeout });
}

/** Polls `locator`'s text until it matches (the page re-renders after each action); returns it. */
export async function waitForText(locator: Locator, pattern: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = await locator.innerText({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => last);
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) assert.fail(`expected ${pattern} in ${JSON.stringify(last)}`);
    await locator.page().waitForTimeout(50);
  }
}

/** The page is no wider than its viewport: nothing needs a sideways scroll. */
export async function assertNoHorizontalOverflow(page: Page): Promise<void> {
  const [width, viewport] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(width <= viewport, `no horizontal overflow: scrollWidth ${width} > ${viewport}`);
}

/** Presses Tab until the focused element's text or accessible label matches `name` (keyboard-only use). */
export async function tabTo(page: Page, name: RegExp, maxPresses = 120): Promise<void> {
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return '';
      const labelled = element.getAttribute('aria-label') ?? '';
      const label = (element as HTMLInputElement).labels?.[0]?.innerText ?? '';
      return `${labelled} ${element.innerText ?? ''} ${label}`.trim();
    });
    if (name.test(focused)) return;
  }
  assert.fail(`no focusable element matching ${name} within ${maxPresses} tabs`);
}

/** Opens the dashboard at `hash`, signing in with `key` if the tab has none yet; resolves once the view has loaded. */
/** Opens the dashboard signed in with `key` where a tab signed in with another key before (each test its own account): the tab forgets the last one first. */
export async function openAs(tab: BrowserTab, url: string, key: string, hash: string, viewport?: { width: number; height: number }): Promise<void> {
  await tab.page().goto(`${url}/dashboard`);
  await tab.page().evaluate(() => sessionStorage.clear());
  await openDashboard(tab, url, key, hash, viewport);
}

export async function openDashboard(tab: BrowserTab, url: string, key: string, hash = '#/customers', viewport?: { width: number; height: number }): Promise<void> {
  await tab.page().goto('about:blank'); // a load of its own, even when only the #hash differs
  const status = await tab.visit(`${url}/dashboard${hash}`, viewport);
  assert.equal(status, 200);
  await signInIfAsked(tab.page(), key);
}

/** On a dashboard page just loaded: signs in with `key` if it asks, and waits for the view. */
export async function signInIfAsked(page: Page, key: string): Promise<void> {
  await page.locator('main h1').first().waitFor();
  if (await page.locator('#secret-key').isVisible()) {
    await page.getByLabel('Secret key').fill(key);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await page.locator('#sign-out').waitFor();
  }
  await settled(page);
}

/**
 * Performs one dashboard action as a merchant would: clicks `opener`, lets `fill` type into
 * the dialog, asks for the review, checks it, and confirms with the button named `confirm`.
 * Returns the review's text; the dialog is then closed or shows its outcome.
 */
export async function performAction(page: Page, opener: Locator, confirm: RegExp | string, fill: (dialog: Locator) => Promise<void> = async () => {}, onReview?: (dialog: Locator) => Promise<void>): Promise<string> {
  await opener.click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await fill(dialog);
  const review = dialog.getByRole('button', { name: 'Review' });
  if (await review.count()) await review.click();
  const button = dialog.getByRole('button', { name: confirm });
  await button.waitFor();
  const text = await dialog.innerText();
  await onReview?.(dialog); // e.g. a screenshot of the review step
  await button.click();
  return text;
}

/** After an action: the dialog is gone (or shows `outcome`, which is returned once Done is clicked) and the view re-rendered. */
export async function finishAction(page: Page, outcome?: RegExp): Promise<string> {
  let text = '';
  if (outcome) {
    const dialog = page.getByRole('dialog');
    text = await waitForText(dialog.getByRole('status'), outcome);
    await dialog.getByRole('button', { name: 'Done' }).click();
  }
  await settled(page);
  return text;
}

/** No card of the page needs its own sideways scroll either (its table fits at this width). */
export async function assertCardsFit(page: Page): Promise<void> {
  const wide = await page.evaluate(() => [...document.querySelectorAll('.card')].filter((card) => card.scrollWidth > card.clientWidth + 1).map((card) => `${card.id || card.className}: ${card.scrollWidth} > ${card.clientWidth}`));
  assert.deepEqual(wide, [], 'every card fits its content');
}
