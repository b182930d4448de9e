// The bank account a customer gives for a refund or a return, read from a form: checked per
// transfer type (IBAN check digits, UK sort code and account number, US ABA routing number)
// into one normalized shape. Pure: fields in, an account or the field that is wrong out.
import { isValidAbaRoutingNumber, isValidIban } from './bank-details.ts';
import { nameProblem } from './payment-files/latin.ts';

export type PayoutAccount =
  | { type: 'eu_bank_transfer'; account_holder_name: string; iban: string }
  | { type: 'gb_bank_transfer'; account_holder_name: string; sort_code: string; account_number: string }
  | { type: 'us_bank_transfer'; account_holder_name: string; routing_number: string; account_number: string };

export type PayoutAccountResult = { ok: true; account: PayoutAccount } | { ok: false; field: string; message: string };

/** The transfer type a refund in `currency` is paid out by, when Cashbook can pay it out. */
export const PAYOUT_TYPE: Record<string, PayoutAccount['type'] | undefined> = { eur: 'eu_bank_transfer', gbp: 'gb_bank_transfer', usd: 'us_bank_transfer' };

const compact = (value: unknown) => (typeof value === 'string' ? value.replace(/[\s-]/g, '') : '');

export function parsePayoutAccount(currency: string, fields: Record<string, unknown>): PayoutAccountResult {
  const type = PAYOUT_TYPE[currency];
  if (!type) return { ok: false, field: 'currency', message: `Refunds in ${currency.toUpperCase()} cannot be paid out to a bank account here.` };
  const name = typeof fields.account_holder_name === 'string' ? fields.account_holder_name.trim().replace(/\s+/g, ' ') : '';
  // Line breaks and tabs became spaces above; other control characters (NUL, BEL) are no part of a name.
  const problem = nameProblem(name);
  if (problem === 'control') return { ok: false, field: 'account_holder_name', message: 'Enter the account holder name without control characters.' };
  if (name.length < 2 || name.length > 70) return { ok: false, field: 'account_holder_name', message: 'Enter the account holder name (2 to 70 characters).' };
  // Payment files carry only Latin letters (latin.ts): a name in another script would reach the bank blank.
  if (problem === 'not_latin') return { ok: false, field: 'account_holder_name', message: 'Enter the account holder name in Latin letters, as the bank account is named.' };
  if (type === 'eu_bank_transfer') {
    const iban = compact(fields.iban).toUpperCase();
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) || !isValidIban(iban)) {
      return { ok: false, field: 'iban', message: 'This IBAN is not valid: check it for typing mistakes.' };
    }
    return { ok: true, account: { type, account_holder_name: name, iban } };
  }
  if (type === 'gb_bank_transfer') {
    const sortCode = compact(fields.sort_code);
    const accountNumber = compact(fields.account_number);
    if (!/^\d{6}$/.test(sortCode)) return { ok: false, field: 'sort_code', message: 'A sort code has 6 digits.' };
    if (!/^\d{8}$/.test(accountNumber)) return { ok: false, field: 'account_number', message: 'A UK account number has 8 digits.' };
    return { ok: true, account: { type, account_holder_name: name, sort_code: sortCode, account_number: accountNumber } };
  }
  const routing = compact(fields.routing_number);
  const accountNumber = compact(fields.account_number);
  if (!/^\d{9}$/.test(routing) || !isValidAbaRoutingNumber(routing)) return { ok: false, field: 'routing_number', message: 'This routing number is not valid: it has 9 digits and a check digit.' };
  if (!/^\d{4,17}$/.test(accountNumber)) return { ok: false, field: 'account_number', message: 'A US account number has 4 to 17 digits.' };
  return { ok: true, account: { type, account_holder_name: name, routing_number: routing, account_number: accountNumber } };
}
