// Whether an unmatched transfer can be sent back to its sender, by the server's own rules
// (src/core/payment-files/sender-account.ts and bank-details.ts, mirrored here: the page shares
// no server code; test/browser/dashboard-offers.test.ts checks the two agree): the sender's
// name, with a Latin letter, and the account a payment file of the currency pays.
import { hasLatinLetter } from './latin.js';

const mod97 = (numeric) => [...numeric].reduce((remainder, char) => (remainder * 10 + Number(char)) % 97, 0);
const lettersToDigits = (text) => [...text].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
const isValidIban = (iban) => /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban) && mod97(lettersToDigits(iban.slice(4) + iban.slice(0, 4))) === 1;
const isValidAbaRoutingNumber = (routing) => /^\d{9}$/.test(routing) && [...routing].reduce((sum, d, i) => sum + Number(d) * [3, 7, 1][i % 3], 0) % 10 === 0;

const validIban = (text) => {
  const iban = (text ?? '').replace(/\s/g, '').toUpperCase();
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) && isValidIban(iban) ? iban : null;
};

/** Why a payment back to `sender` in `currency` would be refused, or null when the server takes it. */
export function whyNoPaymentBack(currency, sender) {
  const name = (sender?.name ?? '').trim().replace(/\s+/g, ' ').slice(0, 70);
  if (!['eur', 'gbp', 'usd'].includes(currency)) return `Cashbook pays out EUR, GBP and USD only, not ${currency.toUpperCase()}.`;
  if (name === '') return 'the statement does not name the sender.';
  if (!hasLatinLetter(name)) return 'the sender’s name has no Latin letter, which a payment file needs to name the account it pays.';
  const iban = validIban(sender.iban) ?? validIban(sender.account);
  if (currency === 'eur') return iban ? null : 'the statement gives no valid IBAN of the sender.';
  const clearing = (sender.clearing ?? '').replace(/[\s-]/g, '');
  const number = (sender.account ?? '').replace(/[\s-]/g, '');
  if (currency === 'gbp') return (/^\d{6}$/.test(clearing) && /^\d{8}$/.test(number)) || iban ? null : 'the statement gives neither the sender’s sort code and account number nor its IBAN.';
  return isValidAbaRoutingNumber(clearing) && /^\d{4,17}$/.test(number) ? null : 'the statement does not give the sender’s ABA routing number and account number.';
}
