// Virtual bank account details: pure functions from random digits to valid-looking numbers
// (IBANs with correct check digits, ABA routing numbers and CLABEs with their checksums).

export const EU_COUNTRIES = ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'] as const;
export type EuCountry = (typeof EU_COUNTRIES)[number];

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

export function ibanFor(country: EuCountry, digits: string): string {
  const bban = fill(BBAN_LAYOUT[country], digits);
  const check = 98 - mod97(lettersToDigits(`${bban}${country}00`));
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

export function isValidIban(iban: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban) && mod97(lettersToDigits(iban.slice(4) + iban.slice(0, 4))) === 1;
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
