// Money: integers of minor units in, exact text out, and typed major units back in (parsed as
// text, never through a float). Which currencies there are, their decimals and the limits come
// from the server (currencies.js is written from its own tables), so they cannot drift apart.
import { CASH_CURRENCIES, CREDIT_CURRENCIES, MAX_AMOUNT, MAX_PAYOUT, MINOR_UNIT_EXPONENTS, PAYOUT_CURRENCIES, TRANSFER_TYPE } from './currencies.js';

/** The currencies a cash balance holds (and the bank transfer each arrives by), and those a credit balance may also be kept in. */
export { CASH_CURRENCIES, CREDIT_CURRENCIES, TRANSFER_TYPE };
/** The currencies Cashbook's payment files pay out (refunds and returns to a bank, transfers sent back), and the largest payment of each. */
export { MAX_PAYOUT, PAYOUT_CURRENCIES };
/** The largest amount of any one movement, in minor units. */
export { MAX_AMOUNT };
/** Countries a EUR virtual account (IBAN) can be issued in. */
export const EU_COUNTRIES = ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'];

/** Digits after the decimal point, per ISO 4217 as the server reads them (JPY none, KWD three, CLF four, two for any other). */
export function decimals(currency) {
  const code = currency.toLowerCase();
  return Object.hasOwn(MINOR_UNIT_EXPONENTS, code) ? MINOR_UNIT_EXPONENTS[code] : 2; // own entries only: a transfer once kept in `constructor` has two
}

/** 123456 usd is "1,234.56 USD"; negative amounts get a real minus sign. */
export function formatAmount(amount, currency) {
  return `${amount < 0 ? '−' : ''}${majorUnits(Math.abs(amount), currency, true)} ${currency.toUpperCase()}`;
}

/** 1234 usd is "12.34" (what the user would type), with thousands separators if `grouped`. */
export function majorUnits(amount, currency, grouped = false) {
  const digits = decimals(currency);
  const absolute = Math.abs(amount);
  let major = String(Math.floor(absolute / 10 ** digits));
  if (grouped) major = major.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = digits === 0 ? '' : `.${String(absolute % 10 ** digits).padStart(digits, '0')}`;
  return `${amount < 0 ? '-' : ''}${major}${minor}`;
}

/**
 * The decimal point of an amount as typed: `12,34` and `1.234,56` as Europeans write them,
 * `12.34` and `1,234.56` as the English do. Commas that group thousands (`1,234`, `12,345,678`)
 * are dropped; any other single comma is the decimal point (`12,5`, `0,001`), so that digits
 * typed as decimals are never read as a larger whole number.
 */
function normalizeSeparators(text) {
  const compact = String(text).trim().replace(/[\s\u00a0\u202f']/g, '');
  if (compact.includes(',') && compact.includes('.')) {
    return compact.lastIndexOf(',') > compact.lastIndexOf('.') ? compact.replace(/\./g, '').replace(',', '.') : compact.replace(/,/g, '');
  }
  if (/^[1-9]\d{0,2}(,\d{3})+$/.test(compact)) return compact.replace(/,/g, '');
  if (/^\d*,\d+$/.test(compact)) return compact.replace(',', '.');
  return compact;
}

/** "12.34" (or "12,34") in a two-decimal currency is 1234. Throws an Error with a message for the user. */
export function parseAmount(text, currency, { max } = {}) {
  const digits = decimals(currency);
  const code = currency.toUpperCase();
  const match = /^(\d*)(?:\.(\d*))?$/.exec(normalizeSeparators(text));
  if (!match || (match[1] === '' && !match[2])) throw new Error(digits === 0 ? `Enter a whole number of ${code}.` : `Enter an amount like 12.${'3456'.slice(0, digits)} (${code}).`);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    throw new Error(digits === 0 ? `${code} has no decimals: enter a whole number of ${code}.` : `${code} has ${digits} decimals: enter at most ${digits} digits after the decimal point.`);
  }
  // In BigInt until it is known to be in bounds: a long number typed is never rounded by a float.
  const minor = BigInt(`${match[1] || '0'}${fraction.padEnd(digits, '0')}`);
  if (minor <= 0n) throw new Error('Enter an amount greater than zero.');
  if (minor > BigInt(MAX_AMOUNT) && (max === undefined || max >= MAX_AMOUNT)) {
    throw new Error(`This amount is too large: enter at most ${formatAmount(MAX_AMOUNT, currency)}, the most one amount can be.`);
  }
  const amount = Number(minor);
  if (max !== undefined && amount > max) throw new Error(`Enter at most ${formatAmount(max, currency)}.`);
  return amount;
}
