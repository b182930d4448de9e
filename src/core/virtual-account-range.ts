// A bank's range of virtual account numbers, and the numbers issued inside it. A bank credits
// the merchant's account only with transfers to numbers it issued, so a live virtual account
// must come from the range the bank gave the merchant: its bank code (or sort code, or routing
// number) and the fixed leading characters of the accounts. Pure: a range and digits in.
import { bbanInRange, bbanLayout, bicCountry, ibanOfBban, isEuCountry, isValidAbaRoutingNumber, type EuCountry } from './bank-details.ts';
import { nameProblem } from './payment-files/latin.ts';

export const RANGE_TYPES = ['eu_bank_transfer', 'gb_bank_transfer', 'us_bank_transfer'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

export interface VirtualAccountRange {
  type: RangeType;
  /** The IBAN country (EU); GB or US. */
  country: string;
  bank_name: string;
  /** EU: the bank's BIC, shown with each IBAN. US: its SWIFT code for wires, or null (no SWIFT address). */
  bic: string | null;
  /** US: the ABA routing number of every account in the range. */
  routing_number: string | null;
  /** GB: the sort code of every account in the range. */
  sort_code: string | null;
  /** EU: the BBAN's leading characters (its bank code at least). GB and US: the account number's leading digits. */
  prefix: string;
  /** US: how many digits the range's account numbers have (GB's have 8). */
  account_number_length: number | null;
}

/** Characters of an account number a range leaves free, check digits aside: at least 10,000 numbers, so that random draws find a free one until it is nearly full. */
export const MIN_FREE = 4;
const GB_ACCOUNT_LENGTH = 8;

/** National check digits of an EU BBAN (BE and FR the last two, ES its DC pair, NL the last), which no range's free characters count. */
const EU_CHECK_DIGITS: Record<EuCountry, number> = { BE: 2, DE: 0, ES: 2, FR: 2, IE: 0, NL: 1 };

/** The leading characters of an EU BBAN that name the bank (BE bank code, DE BLZ, ES entidad+oficina, FR banque+guichet, IE bank+sort code, NL bank code). */
const EU_BANK_CODE_LENGTH: Record<EuCountry, number> = { BE: 3, DE: 8, ES: 8, FR: 10, IE: 10, NL: 4 };

/** The first two digits of a bank's ABA routing number: Federal Reserve districts 01–12, thrifts 21–32, electronic 61–72, travelers' cheques 80 (00 is the US Government's). */
const ISSUED_ROUTING = /^(0[1-9]|1[0-2]|2[1-9]|3[0-2]|6[1-9]|7[0-2]|80)/;

export interface RangeProblem {
  param: string;
  message: string;
}

function layoutMatches(layout: string, text: string): boolean {
  return [...text].every((char, i) => (layout[i] === 'n' ? /\d/.test(char) : /[A-Z]/.test(char)));
}

/** A deterministic spread of digit strings, for telling whether any number of a range has valid check digits. */
function* trialDigits(count: number): Generator<string> {
  let state = 0x2545f491;
  for (let t = 0; t < count; t++) {
    let digits = '';
    for (let i = 0; i < 24; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      digits += String((state >>> 16) % 10);
    }
    yield digits;
  }
}

function problem(param: string, message: string): RangeProblem {
  return { param, message };
}

/** What is wrong with a range as the merchant wrote it, or null. Fields come normalized (upper case, no spaces). */
export function rangeProblem(range: VirtualAccountRange): RangeProblem | null {
  const name = nameProblem(range.bank_name);
  if (name !== null || range.bank_name.length < 2) return problem('bank_name', 'bank_name must be the bank’s name (2 to 70 characters, with a Latin letter and no control characters).');
  if (range.type === 'eu_bank_transfer') {
    if (!isEuCountry(range.country)) return problem('country', 'country must be one of BE, DE, ES, FR, IE, NL for eu_bank_transfer.');
    const country = range.country;
    const bicIn = bicCountry(range.bic ?? '');
    if (bicIn === null) return problem('bic', 'bic must be the bank’s 8 or 11 character BIC.');
    if (bicIn !== country) return problem('bic', `bic must be a BIC of ${country}, the country of the range’s IBANs (its fifth and sixth letters).`);
    // NL and IE IBANs carry the bank's code as letters, the BIC's first four: a prefix of another bank is a typo.
    if ((country === 'NL' || country === 'IE') && /^[A-Z]{4}/.test(range.prefix) && range.prefix.slice(0, 4) !== range.bic!.slice(0, 4)) {
      return problem('prefix', `prefix must start with ${range.bic!.slice(0, 4)}, the bank code of the BIC ${range.bic}: ${country} IBANs carry it as their first four letters.`);
    }
    const layout = bbanLayout(country);
    const bankCode = EU_BANK_CODE_LENGTH[country];
    const longest = layout.length - EU_CHECK_DIGITS[country] - MIN_FREE;
    if (range.prefix.length < bankCode || range.prefix.length > longest || !layoutMatches(layout, range.prefix)) {
      return problem('prefix', `prefix must be the leading ${bankCode} to ${longest} characters of the range’s ${country} BBANs (the IBAN without its first four), starting with the bank code; ${country} BBANs are ${describeLayout(layout)}.`);
    }
    for (const digits of trialDigits(500)) if (bbanInRange(country, range.prefix, digits) !== null) return null;
    return problem('prefix', `No ${country} account number with valid national check digits starts with ${range.prefix}: check the prefix against an account of the range.`);
  }
  const length = range.type === 'gb_bank_transfer' ? GB_ACCOUNT_LENGTH : range.account_number_length;
  if (range.type === 'gb_bank_transfer') {
    if (!/^\d{6}$/.test(range.sort_code ?? '')) return problem('sort_code', 'sort_code must be the range’s 6-digit sort code.');
  } else {
    if (!isValidAbaRoutingNumber(range.routing_number ?? '') || !ISSUED_ROUTING.test(range.routing_number!)) return problem('routing_number', 'routing_number must be the range’s 9-digit ABA routing number (a bank’s starts with 01–12, 21–32, 61–72 or 80).');
    if (length === null || !Number.isInteger(length) || length < MIN_FREE || length > 17) return problem('account_number_length', 'account_number_length must be 4 to 17: the digits of the range’s account numbers.');
    if (range.bic !== null && bicCountry(range.bic) !== 'US') return problem('bic', 'bic must be the bank’s US SWIFT code (8 or 11 characters), or left out.');
  }
  if (!/^\d*$/.test(range.prefix) || range.prefix.length > length! - MIN_FREE) {
    return problem('prefix', `prefix must be at most ${length! - MIN_FREE} digits: the leading digits of the range’s ${length}-digit account numbers.`);
  }
  return null;
}

function describeLayout(layout: string): string {
  const letters = layout.indexOf('n');
  return letters > 0 ? `${letters} letters then ${layout.length - letters} digits` : `${layout.length} digits`;
}

/** What a virtual account issued in a range keeps: its number, and the bank details shown with it. */
export interface IssuedNumbers {
  account_number: string;
  routing?: string;
  bank_name: string;
  bic: string | null;
}

/** A number of the range, its free characters from `digits` (at least 24); null when its check digits would break the prefix: draw again. */
export function issueInRange(range: VirtualAccountRange, digits: string): IssuedNumbers | null {
  const shown = { bank_name: range.bank_name, bic: range.bic };
  switch (range.type) {
    case 'eu_bank_transfer': {
      const country = range.country as EuCountry;
      const bban = bbanInRange(country, range.prefix, digits);
      return bban === null ? null : { account_number: ibanOfBban(country, bban), ...shown };
    }
    case 'gb_bank_transfer':
      return { account_number: range.prefix + digits.slice(0, GB_ACCOUNT_LENGTH - range.prefix.length), routing: range.sort_code!, ...shown };
    case 'us_bank_transfer':
      return { account_number: range.prefix + digits.slice(0, range.account_number_length! - range.prefix.length), routing: range.routing_number!, ...shown };
  }
}

/** How many numbers of a range are looked up before it counts as full: with a tenth of them free one is found nearly always (1 − 0.9^64). */
export const LOOKUPS = 64;
/**
 * Draws whose check digits break the prefix are drawn again without a lookup: an ES prefix
 * through its DC digits keeps about one draw in eleven, and 4,096 draws leave a valid number
 * undrawn about never ((10/11)^4096).
 */
const DRAWS = 4_096;

/** A free number of the range, drawn from `digits` (24 random digits a call), or null when the range is (nearly) full. */
export async function drawInRange(range: VirtualAccountRange, digits: () => string, taken: (accountNumber: string) => Promise<boolean>): Promise<IssuedNumbers | null> {
  for (let draw = 0, lookups = 0; draw < DRAWS && lookups < LOOKUPS; draw++) {
    const issued = issueInRange(range, digits());
    if (issued === null) continue;
    lookups++;
    if (!(await taken(issued.account_number))) return issued;
  }
  return null;
}
