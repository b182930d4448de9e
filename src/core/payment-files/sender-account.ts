// Where a returned unmatched transfer is paid back to: the sender's account as the statement
// named it, in the shape a payment file takes. Pure: the transfer's currency and sender in,
// an account or what is missing out.
import { isValidAbaRoutingNumber, isValidIban } from '../bank-details.ts';
import type { StatementLine } from '../bank-files/entry.ts';
import type { PayoutAccount } from '../payout-account.ts';

export type SenderAccountResult = { ok: true; account: PayoutAccount } | { ok: false; message: string };

/** The sender as stored on transfers; `clearing` is missing on transfers kept before it was read. */
type Sender = Omit<StatementLine['sender'], 'clearing'> & { clearing?: string | null };

const validIban = (text: string | null | undefined): string | null => {
  const iban = (text ?? '').replace(/\s/g, '').toUpperCase();
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) && isValidIban(iban) ? iban : null;
};

/**
 * EUR: the sender's IBAN (SEPA). GBP: its sort code and account number (from the clearing
 * code and an 8-digit account, or read out of a GB IBAN), else an IBAN abroad. USD: its ABA
 * routing number and account number. Every payment also needs the sender's name.
 */
export function senderPayoutAccount(currency: string, sender: Sender): SenderAccountResult {
  const name = (sender.name ?? '').trim().replace(/\s+/g, ' ').slice(0, 70);
  if (!['eur', 'gbp', 'usd'].includes(currency)) return { ok: false, message: `Cashbook pays out EUR, GBP and USD only, not ${currency.toUpperCase()}` };
  if (name === '') return { ok: false, message: "the statement does not name the sender (camt Dbtr/Nm, MT940 ?32), which a payment to it needs" };
  const iban = validIban(sender.iban) ?? validIban(sender.account);
  if (currency === 'eur') {
    if (!iban) return { ok: false, message: "the statement does not give the sender's IBAN (camt DbtrAcct/Id/IBAN, MT940 ?31)" };
    return { ok: true, account: { type: 'eu_bank_transfer', account_holder_name: name, iban } };
  }
  const clearing = (sender.clearing ?? '').replace(/[\s-]/g, '');
  const number = (sender.account ?? '').replace(/[\s-]/g, '');
  if (currency === 'gbp') {
    if (/^\d{6}$/.test(clearing) && /^\d{8}$/.test(number)) return { ok: true, account: { type: 'gb_bank_transfer', account_holder_name: name, sort_code: clearing, account_number: number } };
    // A GB IBAN is GBkk, 4 letters of bank, the 6-digit sort code, the 8-digit account number.
    if (iban && /^GB\d{2}[A-Z]{4}\d{14}$/.test(iban)) return { ok: true, account: { type: 'gb_bank_transfer', account_holder_name: name, sort_code: iban.slice(8, 14), account_number: iban.slice(14) } };
    if (iban) return { ok: true, account: { type: 'eu_bank_transfer', account_holder_name: name, iban } };
    return { ok: false, message: "the statement gives neither the sender's sort code and account number nor its IBAN" };
  }
  if (isValidAbaRoutingNumber(clearing) && /^\d{4,17}$/.test(number)) return { ok: true, account: { type: 'us_bank_transfer', account_holder_name: name, routing_number: clearing, account_number: number } };
  return { ok: false, message: "the statement does not give the sender's ABA routing number and account number (camt DbtrAgt ClrSysMmbId and DbtrAcct; BAI2 files never do)" };
}
