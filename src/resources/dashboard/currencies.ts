// The money facts the dashboard shares with the server, written out as an ES module
// (GET /dashboard/ui/currencies.js) from the server's own tables, so the page can never
// format, parse or offer an amount differently from what the API books and pays out:
// every currency's decimals (core/money.ts), the currencies a cash balance holds and a
// credit balance may be kept in, the largest single amount, and the currencies and largest
// payments Cashbook's payment files pay out (refunds, returns, unmatched transfers sent back).
import { BANK_TRANSFER_TYPE_BY_CURRENCY, exponentsOtherThanTwo, MAX_AMOUNT_MINOR, SUPPORTED_CURRENCIES } from '../../core/money.ts';
import { PAYOUT_TYPE } from '../../core/payout-account.ts';
import { MAX_PAYMENT } from '../outbound-files/service.ts';

/** The module's text: `export const NAME = <JSON>;` lines, nothing that runs. */
export function currenciesModule(): string {
  // USD first, the forms' default when a customer has no currency of its own; then the others.
  const cash = Object.keys(BANK_TRANSFER_TYPE_BY_CURRENCY).sort((a, b) => Number(b === 'usd') - Number(a === 'usd') || a.localeCompare(b));
  const constants: Record<string, unknown> = {
    MINOR_UNIT_EXPONENTS: exponentsOtherThanTwo(),
    CASH_CURRENCIES: cash,
    TRANSFER_TYPE: BANK_TRANSFER_TYPE_BY_CURRENCY,
    // The cash currencies first (the order the forms offer), then the others.
    CREDIT_CURRENCIES: [...cash, ...[...SUPPORTED_CURRENCIES].filter((c) => !cash.includes(c)).sort()],
    MAX_AMOUNT: MAX_AMOUNT_MINOR,
    PAYOUT_CURRENCIES: Object.keys(PAYOUT_TYPE).filter((c) => PAYOUT_TYPE[c]),
    MAX_PAYOUT: MAX_PAYMENT,
  };
  const lines = Object.entries(constants).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`);
  return `// Written by the server from its own tables (src/resources/dashboard/currencies.ts).\n${lines.join('\n')}\n`;
}
