// Money: integers of minor units in, exact text out, and typed major units back in (parsed as
// text, never through a float).

/** The currencies a cash balance holds, and the bank transfer each arrives by. */
export const CASH_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy', 'mxn'];
export const TRANSFER_TYPE = { usd: 'us_bank_transfer', eur: 'eu_bank_transfer', gbp: 'gb_bank_transfer', jpy: 'jp_bank_transfer', mxn: 'mx_bank_transfer' };
/** Countries a EUR virtual account (IBAN) can be issued in. */
export const EU_COUNTRIES = ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'];
/** Currencies a credit balance may also be kept in. */
export const CREDIT_CURRENCIES = [...CASH_CURRENCIES, 'aud', 'cad', 'chf', 'czk', 'dkk', 'hkd', 'huf', 'nok', 'nzd', 'pln', 'sek', 'sgd'];

// Minor units per ISO 4217 (as statements write them; an unmatched transfer may be in any currency).
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'isk', 'jpy', 'kmf', 'krw', 'pyg', 'rwf', 'ugx', 'uyi', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'iqd', 'jod', 'kwd', 'lyd', 'omr', 'tnd']);
export const decimals = (currency) => (ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2);

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
 * `12.34` and `1,234.56` as the English do. A lone comma before one or two digits is the
 * decimal point; other commas, and points before a last comma, group thousands.
 */
function normalizeSeparators(text) {
  const compact = String(text).trim().replace(/[\s\u00a0\u202f']/g, '');
  if (compact.includes(',') && compact.includes('.')) {
    return compact.lastIndexOf(',') > compact.lastIndexOf('.') ? compact.replace(/\./g, '').replace(',', '.') : compact.replace(/,/g, '');
  }
  if (/^\d+,\d{1,2}$/.test(compact)) return compact.replace(',', '.');
  return compact.replace(/,/g, '');
}

/** "12.34" (or "12,34") in a two-decimal currency is 1234. Throws an Error with a message for the user. */
export function parseAmount(text, currency, { max } = {}) {
  const digits = decimals(currency);
  const cleaned = normalizeSeparators(text);
  const match = new RegExp(digits === 0 ? '^(\\d+)$' : `^(\\d+)(?:\\.(\\d{1,${digits}}))?$`).exec(cleaned);
  if (!match) throw new Error(digits === 0 ? `Enter a whole number of ${currency.toUpperCase()}.` : `Enter an amount like 12.34 (${currency.toUpperCase()}).`);
  const amount = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('Enter an amount greater than zero.');
  if (max !== undefined && amount > max) throw new Error(`Enter at most ${formatAmount(max, currency)}.`);
  return amount;
}
