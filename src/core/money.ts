import { ApiError, assert } from './errors.ts';

/** Currencies Stripe accepts bank transfers in, with the transfer rail each uses. */
export const BANK_TRANSFER_TYPE_BY_CURRENCY = {
  eur: 'eu_bank_transfer',
  gbp: 'gb_bank_transfer',
  jpy: 'jp_bank_transfer',
  mxn: 'mx_bank_transfer',
  usd: 'us_bank_transfer',
} as const;

export type CashCurrency = keyof typeof BANK_TRANSFER_TYPE_BY_CURRENCY;
export type BankTransferType = (typeof BANK_TRANSFER_TYPE_BY_CURRENCY)[CashCurrency];
export const CASH_CURRENCIES = Object.keys(BANK_TRANSFER_TYPE_BY_CURRENCY) as CashCurrency[];
export const BANK_TRANSFER_TYPES = Object.values(BANK_TRANSFER_TYPE_BY_CURRENCY) as BankTransferType[];

export function isCashCurrency(currency: string): currency is CashCurrency {
  return Object.prototype.hasOwnProperty.call(BANK_TRANSFER_TYPE_BY_CURRENCY, currency);
}

/** Currencies we accept on objects that are not bank transfers (credit balance, invoices). */
export const SUPPORTED_CURRENCIES = new Set([
  ...CASH_CURRENCIES, 'aud', 'cad', 'chf', 'czk', 'dkk', 'hkd', 'huf', 'nok', 'nzd', 'pln', 'sek', 'sgd',
]);

/** Largest single movement in minor units: Stripe's eight-digit amount limit. */
export const MAX_AMOUNT_MINOR = 99_999_999;

/** Largest balance we hold, far below 2^53 so sums of balances stay exact. */
export const MAX_BALANCE_MINOR = 1_000_000_000_000_000;

export function assertMinorUnits(value: number, what: string): void {
  assert(Number.isSafeInteger(value), `${what} must be a safe integer, got ${value}`);
  assert(Math.abs(value) <= MAX_BALANCE_MINOR, `${what} out of bounds: ${value}`);
}

/** Bounds a positive amount parameter, answering as Stripe does. */
export function checkPositiveAmount(amount: number, param = 'amount'): number {
  if (amount <= 0) {
    throw new ApiError('This value must be greater than or equal to 1.', { code: 'amount_too_small', param });
  }
  if (amount > MAX_AMOUNT_MINOR) {
    throw new ApiError(`Amount must be no more than ${MAX_AMOUNT_MINOR}.`, { code: 'amount_too_large', param });
  }
  return amount;
}

// ISO 4217 currencies whose minor unit is not the hundredth (a bank statement may hold any currency, not only those Cashbook books).
const ISO_EXPONENTS: Record<string, number> = {
  bif: 0, clp: 0, djf: 0, gnf: 0, isk: 0, jpy: 0, kmf: 0, krw: 0, pyg: 0, rwf: 0, ugx: 0, uyi: 0, vnd: 0, vuv: 0, xaf: 0, xof: 0, xpf: 0,
  bhd: 3, iqd: 3, jod: 3, kwd: 3, lyd: 3, omr: 3, tnd: 3,
  clf: 4, uyw: 4,
};

/** Digits after the decimal point of a currency's major unit, per ISO 4217 (JPY none, KWD three, two for any other code). */
/** Every currency whose minor unit is not the hundredth, with its exponent (the dashboard's copy is made from this). */
export function exponentsOtherThanTwo(): Record<string, number> {
  return { ...ISO_EXPONENTS };
}

export function minorUnitExponent(currency: string): number {
  const code = currency.toLowerCase();
  return Object.hasOwn(ISO_EXPONENTS, code) ? ISO_EXPONENTS[code] : 2; // own keys only: `constructor` is no currency
}

/** Minor units as the customer reads them, by string arithmetic: `1,234.50 EUR`, `1,200 JPY`. */
export function formatAmount(amount: number, currency: string): string {
  const digits = minorUnitExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const whole = String(Math.floor(abs / 10 ** digits)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const value = digits === 0 ? whole : `${whole}.${String(abs % 10 ** digits).padStart(digits, '0')}`;
  return `${sign}${value} ${currency.toUpperCase()}`;
}
