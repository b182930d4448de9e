// Virtual bank account details: pure functions from random digits to valid-looking numbers
// (IBANs with correct check digits, their countries' own included, ABA routing numbers and
// CLABEs with their checksums).

export const EU_COUNTRIES = ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'] as const;
export type EuCountry = (typeof EU_COUNTRIES)[number];

/** Whether Cashbook issues IBANs of this country. */
export const isEuCountry = (country: string): country is EuCountry => (EU_COUNTRIES as readonly string[]).includes(country);

/** BBAN layout per country: `n` a digit, `a` an upper-case letter. */
const BBAN_LAYOUT: Record<EuCountry, string> = {
  BE: 'nnnnnnnnnnnn',
  DE: 'nnnnnnnnnnnnnnnnnn',
  ES: 'nnnnnnnnnnnnnnnnnnnn',
  FR: 'nnnnnnnnnnnnnnnnnnnnnnn',
  IE: 'aaaannnnnnnnnnnnnn',
  NL: 'aaaannnnnnnnnn',
};

const BIC: Record<EuCountry, string> = {
  BE: 'CASHBEBBXXX',
  DE: 'CASHDEFFXXX',
  ES: 'CASHESMMXXX',
  FR: 'CASHFRPPXXX',
  IE: 'CASHIE2DXXX',
  NL: 'CASHNL2AXXX',
};

/** Takes `count` characters from a digit source, as digits or letters. */
function fill(layout: string, digits: string): string {
  let out = '';
  for (let i = 0; i < layout.length; i++) {
    const d = Number(digits[i % digits.length]);
    out += layout[i] === 'n' ? String(d) : String.fromCharCode(65 + ((d * 7 + i) % 26));
  }
  return out;
}

function mod97(numeric: string): number {
  let remainder = 0;
  for (const char of numeric) remainder = (remainder * 10 + Number(char)) % 97;
  return remainder;
}

function lettersToDigits(text: string): string {
  return [...text].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
}

/** ES's two control digits (entidad+oficina, then cuenta), weights 1 2 4 8 5 10 9 7 3 6 mod 11. */
function spanishControl(ten: string): string {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const digit = 11 - ([...ten].reduce((sum, d, i) => sum + Number(d) * weights[i], 0) % 11);
  return String(digit === 11 ? 0 : digit === 10 ? 1 : digit);
}

/**
 * The BBAN with the national check digits its country's banks verify besides the IBAN's own:
 * BE (the account's first ten digits mod 97), ES (the two DC digits), FR (the RIB key), NL (the
 * eleven test on the account number). DE's depend on each bank's method and IE has none.
 */
function withNationalCheck(country: EuCountry, bban: string): string {
  switch (country) {
    case 'BE': {
      const check = Number(bban.slice(0, 10)) % 97 || 97;
      return `${bban.slice(0, 10)}${String(check).padStart(2, '0')}`;
    }
    case 'ES': {
      const bank = bban.slice(0, 8);
      const account = bban.slice(10);
      return `${bank}${spanishControl(`00${bank}`)}${spanishControl(account)}${account}`;
    }
    case 'FR': {
      const [bank, branch, account] = [Number(bban.slice(0, 5)), Number(bban.slice(5, 10)), Number(bban.slice(10, 21))];
      const key = 97 - ((89 * bank + 15 * branch + 3 * (account % 97)) % 97);
      return `${bban.slice(0, 21)}${String(key).padStart(2, '0')}`;
    }
    case 'NL': {
      // The last digit that makes the weighted sum (10 … 1) a multiple of 11; none fits for some prefixes, so the one before it moves on.
      const digits = [...bban.slice(4)].map(Number);
      for (;;) {
        const partial = digits.slice(0, 9).reduce((sum, d, i) => sum + d * (10 - i), 0);
        const last = (11 - (partial % 11)) % 11;
        if (last < 10) return `${bban.slice(0, 4)}${digits.slice(0, 9).join('')}${last}`;
        digits[8] = (digits[8] + 1) % 10;
      }
    }
    default:
      return bban;
  }
}

/** The IBAN of a country's BBAN: its two check digits computed. */
export function ibanOfBban(country: EuCountry, bban: string): string {
  const check = 98 - mod97(lettersToDigits(`${bban}${country}00`));
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

export function ibanFor(country: EuCountry, digits: string): string {
  return ibanOfBban(country, withNationalCheck(country, fill(BBAN_LAYOUT[country], digits)));
}

/** The BBAN's layout: `n` a digit, `a` an upper-case letter, one per character. */
export function bbanLayout(country: EuCountry): string {
  return BBAN_LAYOUT[country];
}

/**
 * A BBAN that starts with `prefix` (a bank's range), its other characters from `digits`, with
 * its national check digits; null when those check digits would change the prefix.
 */
export function bbanInRange(country: EuCountry, prefix: string, digits: string): string | null {
  const bban = withNationalCheck(country, prefix + fill(BBAN_LAYOUT[country].slice(prefix.length), digits));
  return bban.startsWith(prefix) ? bban : null;
}

export function isValidIban(iban: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban) && mod97(lettersToDigits(iban.slice(4) + iban.slice(0, 4))) === 1;
}

/** The country of a BIC (ISO 9362: 4 characters of the bank, its country, 2 of the place, 3 of the branch or none), or null for no BIC. */
export function bicCountry(bic: string): string | null {
  return /^[A-Z0-9]{4}([A-Z]{2})[A-Z0-9]{2}([A-Z0-9]{3})?$/.exec(bic)?.[1] ?? null;
}

export function bicFor(country: EuCountry): string {
  return BIC[country];
}

/** ABA routing number: 8 digits plus the 3-7-1 weighted check digit. */
export function abaRoutingNumber(digits: string): string {
  const base = digits.slice(0, 8).padEnd(8, '0');
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  const sum = [...base].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return base + String((10 - (sum % 10)) % 10);
}

export function isValidAbaRoutingNumber(routing: string): boolean {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return /^\d{9}$/.test(routing) && [...routing].reduce((acc, d, i) => acc + Number(d) * weights[i], 0) % 10 === 0;
}

/** CLABE: 3-digit bank code, 14 digits, and the 3-7-1 weighted check digit mod 10. */
export function clabeFor(bankCode: string, digits: string): string {
  const base = (bankCode + digits).slice(0, 17).padEnd(17, '0');
  const weights = [3, 7, 1];
  const sum = [...base].reduce((acc, d, i) => acc + ((Number(d) * weights[i % 3]) % 10), 0);
  return base + String((10 - (sum % 10)) % 10);
}

export function isValidClabe(clabe: string): boolean {
  return /^\d{18}$/.test(clabe) && clabeFor(clabe.slice(0, 3), clabe.slice(3, 17)) === clabe;
}
