// What every statement format is read into: one line per booked (or pending, or
// information-only) entry, amounts in exact integer minor units. Pure data, no I/O.
import { MAX_AMOUNT_MINOR, minorUnitExponent } from '../money.ts';

export type StatementFormat = 'camt.053' | 'camt.054' | 'mt940' | 'mt942' | 'bai2';

export interface StatementLine {
  index: number;
  /** Positive, in minor units of `currency`. */
  amount: number;
  currency: string;
  direction: 'credit' | 'debit';
  status: 'booked' | 'pending' | 'info';
  /** YYYY-MM-DD. */
  bookingDate: string | null;
  /** The bank's own reference for the entry (camt AcctSvcrRef, MT940 after //, BAI2 bank reference); null for a placeholder (NONREF). */
  bankReference: string | null;
  /**
   * What makes the entry unique at its bank, the base of its identity: its bank reference, or,
   * for one transaction of a batched camt entry without a reference of its own, the entry's
   * reference with `#n` (its position). Null: the identity is a hash of the entry's details.
   */
  uniqueReference: string | null;
  endToEndId: string | null;
  reversal: boolean;
  /** The receiving bank sent a payment back (camt RtrInf): its reason code. */
  returnReason: string | null;
  /** Set when `returnReason` was read from free text (a BAI2 credit saying RETURN R03): it counts only for a line that names one of Cashbook's payments. */
  returnInferred?: boolean;
  /** The account the entry credits or debits when the line names it (camt CdtrAcct / DbtrAcct). */
  account: string | null;
  /**
   * The other party (the sender of a credit, the payee of a debit), as far as the file names it:
   * `account` its account (an IBAN or another number), `clearing` its bank's clearing code
   * (camt `ClrSysMmbId/MmbId`: a UK sort code, a US ABA routing number). What a returned
   * unmatched transfer is paid back to.
   */
  sender: { name: string | null; iban: string | null; bic: string | null; account: string | null; clearing: string | null };
  /** Remittance information: the reference a customer quoted. */
  reference: string | null;
  /**
   * Other accounts the line names, tried after `account`: IBANs in free text (MT940 :86:) for
   * routing a credit; for a reversal, the other party's account and the statement's, for the
   * funding it reverses.
   */
  mentionedAccounts: string[];
  /**
   * For a reversal: the accounts it names for the parties of the credit it reverses (camt
   * `CdtrAcct` and `DbtrAcct`, MT940 the counterparty's ?31 or ING's CNTP). The one that is not
   * the account credited is the original sender; unset or empty: the reversal names no sender.
   */
  reversedParties?: string[];
  /**
   * The reference imports before 2026-12-03 keyed the entry by (the raw bank reference, a
   * placeholder or camt NtryRef included; a batch's first transaction's): read only so that a
   * file imported then is still a duplicate now. Never an identity for new imports.
   */
  legacyReference: string | null;
  /**
   * The account imports before 2026-12-04 read for the line when it differs (an MT940 `:25:`
   * with a currency code after the account, as ING writes it): read only, so that a file
   * imported then is still a duplicate now.
   */
  formerAccount?: string;
  /**
   * What imports before 2026-12-05 read for an MT940 line when it differs (ING's structured
   * :86: read as free text, its `EREF` placeholder as the end-to-end id): read only for the
   * identity of a line without a bank reference, so that a file imported then is still a duplicate.
   */
  formerDetails?: { reference: string | null; endToEndId: string | null; name: string | null; account: string | null };
  /**
   * The camt entry a line comes from when it is a batch (NtryDtls/Btch, or several TxDtls): its
   * bank reference (AcctSvcrRef), total and statement account, and `summary` when the entry
   * gives only the batch's count (`transactions`) without the transactions themselves.
   */
  batch?: { reference: string | null; account: string | null; total: number; transactions: number; summary: boolean };
  /**
   * The reference, sender's name and end-to-end id as read, when keptLine cut one of them: what
   * the line's identity hashes, so that cutting never makes an entry imported before a new one,
   * nor two entries one. Never stored.
   */
  uncut?: { reference: string | null; name: string | null; endToEndId: string | null };
  /** Its position among the transactions of a batched camt entry; null for an entry of its own. */
  batchPosition: number | null;
  /** The US network the transfer came by, when the file says (BAI2 type codes); null: unknown. */
  network: 'ach' | 'domestic_wire_us' | null;
}

export interface ParsedStatement {
  format: StatementFormat;
  statementId: string | null;
  /** The statement's own account (camt Acct/Id, MT940 :25:, BAI2 03). */
  account: string | null;
  currency: string | null;
  lines: StatementLine[];
}

export class StatementError extends Error {
  // Bounded whatever a parser quotes: a refusal never repeats megabytes of the file.
  constructor(message: string) {
    super(message.length > 1_000 ? `${message.slice(0, 1_000)}…` : message);
  }
}

/** Input quoted in an error message: at most 100 characters of it, then `…`. */
export function quoted(text: string): string {
  return `"${text.length > 100 ? `${cut(text, 100)}…` : text}"`;
}

/** camt's Max140Text: the longest reference or sender's name a line keeps (the fund helper refuses a longer `reference`). */
export const MAX_TEXT_LENGTH = 140;

/** camt's Max35Text: the longest bank reference, end-to-end id, return reason or statement id a line keeps. */
export const MAX_REFERENCE_LENGTH = 35;

/** Longer is no account number (an IBAN has at most 34 characters, camt's accounts Max34Text, MT940's :25: 35). */
const MAX_ACCOUNT_LENGTH = 35;

/** `text` cut to at most `max` characters, never between the two halves of a surrogate pair. */
export function cut<T extends string | null>(text: T, max: number): T {
  if (text === null || text.length <= max) return text;
  // `max` characters, as the API counts them (an emoji is one), never half of a surrogate pair.
  let end = 0;
  for (let kept = 0; kept < max && end < text.length; kept++) end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  return text.slice(0, end) as T;
}

/** `YYYY-MM-DD` when it is a day of the calendar, else null (a file may say 2026-13-45; the line keeps what it said, for its identity). */
export function calendarDate(text: string | null): string | null {
  const match = text === null ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCFullYear() === Number(match[1]) && date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]) ? text : null;
}

/**
 * The line with its texts cut to what Cashbook keeps (a reference and a name 140 characters,
 * references and codes 35, a BIC 11): cut rather than refused, so that a real statement with
 * a long remittance still imports. Its identity stays that of the texts as read (`uncut`).
 */
export function keptLine(line: StatementLine): StatementLine {
  const reference = cut(line.reference, MAX_TEXT_LENGTH);
  const name = cut(line.sender.name, MAX_TEXT_LENGTH);
  const endToEndId = cut(line.endToEndId, MAX_REFERENCE_LENGTH);
  const changed = reference !== line.reference || name !== line.sender.name || endToEndId !== line.endToEndId;
  return {
    ...line,
    bankReference: cut(line.bankReference, MAX_REFERENCE_LENGTH),
    endToEndId,
    returnReason: cut(line.returnReason, MAX_REFERENCE_LENGTH),
    sender: { ...line.sender, name, bic: cut(line.sender.bic, 11) },
    reference,
    ...(changed ? { uncut: { reference: line.reference, name: line.sender.name, endToEndId: line.endToEndId } } : {}),
  };
}

/** The reason imports before 2026-12-03 gave a reversal they kept as an unmatched transfer (a debit: no money came in). */
const LEGACY_REVERSAL_REASON = 'a reversal that matches no funding of this account';

/** `debit` for an unmatched transfer kept from a reversal (before the fix), else `credit`: only a credit can be assigned or paid back. */
export function transferDirection(transfer: { reason: string | null }): 'credit' | 'debit' {
  return transfer.reason === LEGACY_REVERSAL_REASON ? 'debit' : 'credit';
}

/** Largest line amount Cashbook books to a customer (Stripe's eight digits); a larger credit is kept unmatched, a larger debit ignored. */
export const MAX_LINE_AMOUNT = MAX_AMOUNT_MINOR;

/** "1234.5" (or "1234,5") in `currency` to minor units by string arithmetic, never floats. */
export function minorUnits(text: string, currency: string, where: string): number {
  const clean = text.trim().replace(',', '.');
  const match = /^(\d{1,15})(?:\.(\d*))?$/.exec(clean);
  if (!match) throw new StatementError(`${where}: ${quoted(text)} is not an amount`);
  const exponent = minorUnitExponent(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) throw new StatementError(`${where}: ${quoted(text)} has more decimals than ${currency.toUpperCase()} allows`);
  const minor = BigInt(match[1]) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new StatementError(`${where}: ${quoted(text)} is beyond any amount a statement holds`);
  return Number(minor);
}

/** References banks write when there is none: never an entry's identity. */
const PLACEHOLDER_REFERENCES = new Set(['NONREF', 'NOTPROVIDED', 'NOTAVAILABLE', 'NONE']);

/** A reference as given, or null when it is empty or a placeholder (`NONREF`, `NOTPROVIDED`). */
export function realReference(text: string | null | undefined): string | null {
  const trimmed = (text ?? '').trim();
  return trimmed === '' || PLACEHOLDER_REFERENCES.has(trimmed.toUpperCase()) ? null : trimmed;
}

/** An account number without its spaces and dashes, in upper case; a longer one than any account refuses the file (`where` names its entry). */
export function normalizeAccount(text: string | null | undefined, where: string): string | null {
  if (!text) return null;
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (compact.length > MAX_ACCOUNT_LENGTH) throw new StatementError(`${where}: ${quoted(compact)} is not an account number (at most ${MAX_ACCOUNT_LENGTH} characters)`);
  return compact === '' ? null : compact;
}
