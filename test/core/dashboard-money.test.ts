// The dashboard's money module (src/resources/dashboard/ui/money.js) outside a browser, beside
// the currencies.js the server writes: a currency's decimals are looked up among ISO 4217's own
// entries only, so a transfer kept in a code such as `constructor` (imports before the check
// of statement currencies kept any text) shows as an amount, never NaN.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { currenciesModule } from '../../src/resources/dashboard/currencies.ts';
import { tempDir } from '../support/server.ts';

async function dashboardMoney(): Promise<{ decimals: (currency: string) => number; formatAmount: (amount: number, currency: string) => string }> {
  const dir = tempDir('cashbook-dashboard-money-');
  copyFileSync(new URL('../../src/resources/dashboard/ui/money.js', import.meta.url), path.join(dir, 'money.js'));
  writeFileSync(path.join(dir, 'currencies.js'), currenciesModule());
  return import(pathToFileURL(path.join(dir, 'money.js')).href);
}

describe("the dashboard's money formatting", () => {
  it('reads decimals from own entries only: Object.prototype names are two-decimal codes like any other', async () => {
    const { decimals, formatAmount } = await dashboardMoney();
    assert.deepEqual(['jpy', 'KWD', 'clf', 'eur'].map(decimals), [0, 3, 4, 2]);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      assert.equal(decimals(name), 2, name);
      assert.equal(formatAmount(123, name), `1.23 ${name.toUpperCase()}`);
    }
  });
});
