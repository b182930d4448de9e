// Bank statements in: a statement file from the merchant's bank, parsed (src/core/bank-files),
// each booked entry handled once in one transaction for the whole file: a credit to a virtual
// account Cashbook issued funds that customer; one that routes nowhere is kept as an unmatched
// transfer; a reversal of an earlier funding books funding_reversed; a debit naming a refund
// (or a returned unmatched transfer) from a payment file settles it, a returned payment fails
// it (reopens the transfer). A refused file books nothing.
import { ApiError } from '../../core/errors.ts';
import { calendarDate, MAX_LINE_AMOUNT, transferDirection, type ParsedStatement, type StatementLine } from '../../core/bank-files/entry.ts';
import { refundFailureReason } from '../../core/bank-files/return-reasons.ts';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, isCashCurrency, type CashCurrency } from '../../core/money.ts';
import type { StoredObject, Tx } from '../../store/types.ts';
import type { PayoutAccount } from '../../core/payout-account.ts';
import type { RequestContext } from '../../wire/context.ts';
import { toWire } from '../../wire/wire-object.ts';
import { receiveBankTransfer } from '../cash-balance/inflow.ts';
import { paymentIdOf } from '../outbound-files/service.ts';
import type { CashBalanceTransaction } from '../cash-balance/service.ts';
import type { Customer } from '../customers/service.ts';
import type { VirtualBankAccount } from '../funding-instructions/service.ts';
import { returnedByBank, settleFromBank } from '../refunds/lifecycle.ts';
import type { Refund } from '../refunds/object.ts';
import { customerContext } from '../test-clocks/service.ts';
import { batchBookedBefore, hash, markBatch, type EntryRecord } from './entries.ts';
import { indexCredit, reverseCredit } from './reversals.ts';

export type LineStatus = 'funded' | 'unmatched' | 'reversed' | 'duplicate' | 'ignored' | 'settled' | 'returned';

export interface WireLine {
  index: number;
  amount: number;
  currency: string;
  direction: 'credit' | 'debit';
  booking_date: string | null;
  bank_reference: string | null;
  status: LineStatus;
  customer: string | null;
  cash_balance_transaction: string | null;
  unmatched_transfer: string | null;
  refund: string | null;
  reason: string | null;
}

export interface BankStatement extends StoredObject {
  object: 'bank_statement';
  livemode: boolean;
  format: ParsedStatement['format'];
  statement_id: string | null;
  account: string | null;
  lines: WireLine[];
}

export interface UnmatchedTransfer extends StoredObject {
  object: 'unmatched_transfer';
  livemode: boolean;
  amount: number;
  currency: string;
  /** `reversed`: the bank took the money back (see reversal_reason); it can no longer be assigned or returned. */
  status: 'open' | 'assigned' | 'returned' | 'reversed';
  reference: string | null;
  account: string | null;
  sender: StatementLine['sender'];
  bank_statement: string;
  line: number;
  /** The bank's booking date of its statement line (YYYY-MM-DD); null when the file gave none, or for transfers kept before 2026-12-06. */
  booking_date?: string | null;
  reason: string;
  customer: string | null;
  cash_balance_transaction: string | null;
  /**
   * A returned transfer's payment back to the sender: `pending` until a statement shows the
   * payment-file debit, then `settled`; null otherwise (also for transfers marked returned
   * before Cashbook paid them out, which no file takes: they were sent back by hand).
   */
  return_status?: 'pending' | 'settled' | null;
  /** The payment file that pays it back (the payment's end-to-end id is the transfer's id). */
  outbound_transfer_file?: string | null;
  /** Why the sender's bank sent the last payment back, when it did. */
  return_failure_reason?: string | null;
  /** For a `reversed` transfer: which statement line reversed it and what became of its assignment or return. */
  reversal_reason?: string | null;
  /** The sender's account as read from the statement, fixed when the return was asked for. */
  _payout_account?: PayoutAccount;
  /** The US network it came by, when the statement said (BAI2 type code): what an assignment's funding shows. */
  _network?: StatementLine['network'];
}

/**
 * Before the fix, a reversal (money out) that matched no funding was kept as an unmatched
 * transfer with this reason, as if money had come in: such a transfer is a debit, never to be
 * assigned or returned (that would fund a customer from nothing).
 */


/** The wire shape, with the return fields transfers kept before them lack. */
export function transferToWire(transfer: UnmatchedTransfer): Record<string, unknown> {
  return toWire({ booking_date: null, return_status: null, outbound_transfer_file: null, return_failure_reason: null, reversal_reason: null, ...transfer, direction: transferDirection(transfer) });
}

/** Lines booked between two turns of the event loop in an import (a 20,000-line file held it for seconds). */
const YIELD_EVERY_LINES = 200;

/** Largest file accepted; a 10,000-entry camt.053 is about 12 MB. */
export const MAX_STATEMENT_BYTES = 32 * 1024 * 1024;

/**
 * The entry's identity: the bank's reference (never a placeholder such as NONREF), else a hash
 * of what describes it and, from the second on, which of the file's entries alike in every
 * detail it is (`occurrence`, 1-based): two such entries of one file are two payments, and a
 * re-import of the file finds both.
 */
function identity(line: StatementLine, statementAccount: string | null, occurrence: number): string {
  const account = line.account ?? statementAccount;
  if (line.uniqueReference) return `se_${hash(['ref', account, line.direction, line.uniqueReference])}`;
  // The texts as read, before they were cut to what is kept (keptLine): the identity imports before the cut gave it.
  const { reference, name, endToEndId } = line.uncut ?? { reference: line.reference, name: line.sender.name, endToEndId: line.endToEndId };
  const parts = [account, line.bookingDate, line.direction, line.amount, line.currency, name, line.sender.account, reference, endToEndId];
  // Two transactions of one batch alike in every detail are still two.
  const base = line.batchPosition === null ? parts : [...parts, line.batchPosition];
  return `se_${hash(occurrence === 1 ? base : [...base, 'occurrence', occurrence])}`;
}

/** Each line's identity in the file, numbering the entries whose details hash alike. */
function identities(parsed: ParsedStatement): string[] {
  const seen = new Map<string, number>();
  return parsed.lines.map((line) => {
    const first = identity(line, parsed.account, 1);
    if (line.uniqueReference || line.status !== 'booked') return first; // pending and information-only entries are never recorded, so they are not counted
    const occurrence = (seen.get(first) ?? 0) + 1;
    seen.set(first, occurrence);
    return identity(line, parsed.account, occurrence);
  });
}

/** The identity an import before 2026-12-03 gave the entry, when it differs from today's: a file imported then stays a duplicate. */
export function legacyIdentity(line: StatementLine, statementAccount: string | null): string | undefined {
  if (!line.legacyReference || line.legacyReference === line.uniqueReference) return undefined;
  return `se_${hash(['ref', line.account ?? statementAccount, line.direction, line.legacyReference])}`;
}

/** What a funding says of its sender and bank transfer. */
export interface TransferDetails {
  reference: string | null;
  sender: StatementLine['sender'];
  /** Null: not said by the file (camt, MT940), read as `ach`. */
  network?: StatementLine['network'];
}

/** The sender's sort code: its bank's clearing code, else read out of a GB IBAN (GBkk BANK ssssss aaaaaaaa). */
function sortCode(sender: StatementLine['sender']): string | null {
  if (sender.clearing && /^\d{6}$/.test(sender.clearing)) return sender.clearing;
  const iban = sender.iban ?? '';
  return /^GB\d{2}[A-Z]{4}\d{14}$/.test(iban) ? iban.slice(8, 14) : null;
}

function senderDetails(type: string, line: TransferDetails): Record<string, unknown> {
  const { name, iban, bic, account } = line.sender;
  switch (type) {
    case 'eu_bank_transfer':
      return { eu_bank_transfer: { bic, iban_last4: iban ? iban.slice(-4) : null, sender_name: name } };
    case 'gb_bank_transfer':
      return { gb_bank_transfer: { account_number_last4: account ? account.slice(-4) : null, sender_name: name, sort_code: sortCode(line.sender) } };
    case 'us_bank_transfer':
      return { us_bank_transfer: { network: line.network ?? 'ach', sender_name: name } };
    default:
      return {};
  }
}

async function findVirtualAccount(tx: Tx, ctx: RequestContext, line: StatementLine, statementAccount: string | null): Promise<VirtualBankAccount | undefined> {
  for (const number of [line.account ?? statementAccount, ...line.mentionedAccounts]) {
    if (!number) continue;
    const found = await tx.find<VirtualBankAccount>('virtual_bank_accounts', ctx.accountId, { account_number: number });
    if (found) return found;
  }
  return undefined;
}

export async function fundFromTransfer(
  tx: Tx,
  ctx: RequestContext,
  customerId: string,
  currency: string,
  amount: number,
  line: TransferDetails,
): Promise<CashBalanceTransaction> {
  if (!isCashCurrency(currency)) throw new ApiError(`A cash balance cannot hold ${currency.toUpperCase()}.`, { param: 'currency' });
  const customer = await tx.getForUpdate<Customer>('customers', ctx.accountId, customerId);
  if (!customer || customer._deleted) throw new ApiError(`No such customer: '${customerId}'`, { status: 404, code: 'resource_missing', param: 'customer' });
  const type = BANK_TRANSFER_TYPE_BY_CURRENCY[currency as CashCurrency];
  const clocked = await customerContext(tx, ctx, customer);
  return receiveBankTransfer(tx, clocked, customer, currency, amount, { type, reference: line.reference, sender: senderDetails(type, line) });
}

async function keepUnmatched(tx: Tx, ctx: RequestContext, statementId: string, line: StatementLine, statementAccount: string | null, reason: string): Promise<UnmatchedTransfer> {
  const transfer: UnmatchedTransfer = {
    id: ctx.ids('ubt'),
    object: 'unmatched_transfer',
    created: ctx.clock.nowSeconds(),
    livemode: ctx.livemode,
    amount: line.amount,
    currency: line.currency,
    status: 'open',
    reference: line.reference,
    account: line.account ?? statementAccount,
    sender: line.sender,
    bank_statement: statementId,
    line: line.index,
    booking_date: calendarDate(line.bookingDate),
    reason,
    customer: null,
    cash_balance_transaction: null,
    return_status: null,
    outbound_transfer_file: null,
    return_failure_reason: null,
    reversal_reason: null,
    _network: line.network,
  };
  await tx.insert('unmatched_transfers', ctx.accountId, transfer);
  // A reversal of the credit finds the transfer, whatever becomes of it (assigned, returned).
  await indexCredit(tx, ctx, line, transfer.account, { created: transfer.created, statement: statementId, line: line.index, unmatched_transfer: transfer.id });
  return transfer;
}

/**
 * The identities imports before this version may have given the line: its legacy one (camt
 * NtryRef, placeholders: before 2026-12-03), the one with the account they read (ING's `:25:`
 * with its currency), the one of the :86: details they read (ING's as free text), and the one of
 * the same line as they decoded the file (as UTF-8, when it is Latin-1), in every combination:
 * `formerly` is that parse, when it differs.
 */
function formerIdentities(parsed: ParsedStatement, formerly: ParsedStatement | undefined, keys: string[]): string[][] {
  const aligned = formerly && formerly.lines.length === parsed.lines.length ? formerly : undefined;
  return parsed.lines.map((line, i) => {
    const found = new Set<string>();
    const variants: [StatementLine, string | null][] = [];
    // Each decoding of the file (now, and as UTF-8 before 2026-12-04), each also with the :86: details read before 2026-12-05 and the :25: account read before 2026-12-04.
    const readings: [StatementLine, string | null][] = [[line, parsed.account]];
    const old = aligned?.lines[i];
    if (old) readings.push([old, aligned!.account]);
    for (const [reading, statementAccount] of readings) {
      const details = [reading];
      if (reading.formerDetails) {
        const { reference, endToEndId, name, account } = reading.formerDetails;
        details.push({ ...reading, reference, endToEndId, sender: { ...reading.sender, name, account }, uncut: undefined });
      }
      for (const variant of details) {
        variants.push([variant, statementAccount]);
        if (variant.formerAccount) variants.push([{ ...variant, account: variant.formerAccount }, variant.formerAccount]);
      }
    }
    for (const [variant, statementAccount] of variants) {
      const legacy = legacyIdentity(variant, statementAccount);
      if (legacy) found.add(legacy);
      // The line as read now has no other identity: an old import that took the second of two entries alike in every detail for a duplicate funds it now.
      if (variant !== line) found.add(identity(variant, statementAccount, 1));
    }
    found.delete(keys[i]);
    return [...found];
  });
}

/**
 * An entry an earlier import booked under one of its former identities (formerIdentities): the
 * same entry only if that import's line has its amount, currency, direction and booking date
 * (a legacy reference such as NtryRef 1 or NONREF recurs on other entries). Entries of this
 * import itself are never earlier ones.
 */
async function importedBefore(tx: Tx, ctx: RequestContext, statementId: string, line: StatementLine, formerKeys: string[]): Promise<boolean> {
  for (const formerKey of formerKeys) {
    const record = await tx.get<EntryRecord>('statement_entries', ctx.accountId, formerKey);
    if (!record || record.statement === statementId) continue;
    const statement = await tx.get<StoredObject & { lines: WireLine[] }>('bank_statements', ctx.accountId, record.statement);
    const seen = statement?.lines.find((l) => l.index === record.line);
    if (seen && seen.amount === line.amount && seen.currency === line.currency && seen.direction === line.direction && seen.booking_date === line.bookingDate) return true;
  }
  return false;
}

/**
 * A batch given only as its total (camt NtryDtls/Btch) that books nothing by itself: not
 * recorded as seen, so the transactions of the file that lists them book (batchBookedBefore
 * counts a summary as booked whole only when it booked something).
 */
async function awaitBatchDetails(tx: Tx, ctx: RequestContext, batch: NonNullable<StatementLine['batch']>, key: string, out: WireLine): Promise<WireLine> {
  await tx.remove('statement_entries', ctx.accountId, key);
  return { ...out, reason: `a batch of ${batch.transactions} transactions given only as its total: each is booked from the file that lists them (the camt.054, or a statement with their TxDtls)` };
}

async function handleLine(tx: Tx, ctx: RequestContext, statementId: string, parsed: ParsedStatement, line: StatementLine, key: string, formerKeys: string[]): Promise<WireLine> {
  const out: WireLine = {
    index: line.index, amount: line.amount, currency: line.currency, direction: line.direction, booking_date: line.bookingDate, bank_reference: line.bankReference,
    status: 'ignored', customer: null, cash_balance_transaction: null, unmatched_transfer: null, refund: null, reason: null,
  };
  if (line.status !== 'booked') return { ...out, reason: line.status === 'pending' ? 'pending entry: imported again once booked' : 'information only' };
  if (line.amount === 0) return { ...out, reason: 'an entry of zero moves no money' };
  if ((await tx.get('statement_entries', ctx.accountId, key)) || (await importedBefore(tx, ctx, statementId, line, formerKeys))) {
    return { ...out, status: 'duplicate', reason: 'this entry was imported before' };
  }
  const batched = await batchBookedBefore(tx, ctx, statementId, line);
  if (batched) return { ...out, status: 'duplicate', reason: batched };
  const record: EntryRecord = { id: key, created: ctx.clock.nowSeconds(), statement: statementId, line: line.index };
  await tx.insert('statement_entries', ctx.accountId, record);
  await markBatch(tx, ctx, statementId, line);
  const account = line.account ?? parsed.account;

  // A payment from Cashbook's files, settled or sent back by the receiving bank.
  const paymentId = await paymentIdOf(tx, ctx, line.endToEndId); // also a NACHA entry's 15-character individual id
  const refund = paymentId ? await tx.get<Refund>('refunds', ctx.accountId, paymentId) : undefined;
  if (refund && refund._outbound_file && refund.amount === line.amount && refund.currency === line.currency) {
    if (line.direction === 'debit' && !line.reversal && refund.status === 'pending') {
      await settleFromBank(tx, ctx, refund.id, line.bankReference);
      return { ...out, status: 'settled', refund: refund.id, customer: refund._customer };
    }
    if (line.direction === 'credit' && (line.returnReason !== null || line.reversal) && (refund.status === 'pending' || refund.status === 'succeeded')) {
      await returnedByBank(tx, ctx, refund.id, refundFailureReason(line.returnReason));
      return { ...out, status: 'returned', refund: refund.id, customer: refund._customer, reason: line.returnReason ? `returned by the receiving bank (${line.returnReason})` : 'reversed by the bank' };
    }
  }

  // The payment back of a returned unmatched transfer, from a payment file.
  const sentBack = paymentId?.startsWith('ubt_') ? await tx.getForUpdate<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, paymentId) : undefined;
  // A transfer the bank reversed after a payment file took it (reversals.ts) is still settled or bounced by the file's payment.
  const paidBack = sentBack && (sentBack.status === 'returned' || sentBack.status === 'reversed') && sentBack.outbound_transfer_file;
  if (sentBack && paidBack && sentBack.amount === line.amount && sentBack.currency === line.currency) {
    const reversed = sentBack.status === 'reversed';
    if (line.direction === 'debit' && !line.reversal && sentBack.return_status === 'pending') {
      await tx.update('unmatched_transfers', ctx.accountId, { ...sentBack, return_status: 'settled' });
      const reason = reversed ? 'paid back to the sender after the bank reversed the transfer: the money left twice, ask the sender to pay it back' : null;
      return { ...out, status: 'settled', unmatched_transfer: sentBack.id, reason };
    }
    if (line.direction === 'credit' && (line.returnReason !== null || line.reversal) && (sentBack.return_status === 'pending' || sentBack.return_status === 'settled')) {
      const reason = line.returnReason ? `returned by the receiving bank (${line.returnReason})` : 'reversed by the bank';
      if (reversed) {
        // The bank had taken the transfer back: with the payment back returned too, nothing is owed, and it stays closed.
        await tx.update('unmatched_transfers', ctx.accountId, { ...sentBack, return_status: null, return_failure_reason: reason });
        return { ...out, status: 'returned', unmatched_transfer: sentBack.id, reason: `${reason}: the bank had reversed the transfer, so the money is where it should be` };
      }
      // Bounced: the money is back in the merchant's account, so the transfer is open again (assign it, or return it once more).
      await tx.update('unmatched_transfers', ctx.accountId, { ...sentBack, status: 'open', return_status: null, outbound_transfer_file: null, return_failure_reason: reason });
      return { ...out, status: 'returned', unmatched_transfer: sentBack.id, reason };
    }
  }

  if (line.direction === 'debit' && line.reversal) return reverseCredit(tx, ctx, statementId, line, account, key, out);
  const returned = (line.returnReason !== null && !line.returnInferred) || line.reversal;
  // A batch's total books nothing by itself (its debits may be Cashbook's payments, its returns Cashbook's refunds): its transactions book from the file that lists them.
  if (line.batch?.summary && (line.direction === 'debit' || returned)) return awaitBatchDetails(tx, ctx, line.batch, key, out);
  if (line.direction === 'debit') return { ...out, reason: "a debit that is not one of Cashbook's payments" };
  if (returned) {
    const kept = await keepUnmatched(tx, ctx, statementId, line, parsed.account, 'a returned payment that matches no payment of Cashbook');
    return { ...out, status: 'unmatched', unmatched_transfer: kept.id, reason: kept.reason };
  }

  const virtual = await findVirtualAccount(tx, ctx, line, parsed.account);
  let reason: string | undefined;
  if (line.amount > MAX_LINE_AMOUNT) reason = `above the largest amount a cash balance is funded with at once (${MAX_LINE_AMOUNT} minor units): return it to the sender`;
  else if (!virtual) reason = 'the account it credits is not a virtual account of this Cashbook account';
  else if (virtual.currency !== line.currency) reason = `the virtual account takes ${virtual.currency.toUpperCase()}, not ${line.currency.toUpperCase()}`;
  else {
    const customer = await tx.get<Customer>('customers', ctx.accountId, virtual.customer);
    if (!customer || customer._deleted) reason = 'the customer of this virtual account was deleted';
  }
  // Kept whole it could be assigned to one customer only (and never returned: it names no sender), and its details would book it again.
  if ((reason !== undefined || !virtual) && line.batch?.summary) return awaitBatchDetails(tx, ctx, line.batch, key, out);
  if (reason !== undefined || !virtual) {
    const kept = await keepUnmatched(tx, ctx, statementId, line, parsed.account, reason!);
    return { ...out, status: 'unmatched', unmatched_transfer: kept.id, reason: kept.reason };
  }
  const funded = await fundFromTransfer(tx, ctx, virtual.customer, line.currency, line.amount, line);
  await indexCredit(tx, ctx, line, account, { created: record.created, statement: statementId, line: line.index, customer: virtual.customer, funded: funded.id });
  return { ...out, status: 'funded', customer: virtual.customer, cash_balance_transaction: funded.id };
}

/** `formerly`: the file as imports before this version read it, when that differs (see formerIdentities). */
export async function importStatement(tx: Tx, ctx: RequestContext, parsed: ParsedStatement, formerly?: ParsedStatement): Promise<BankStatement> {
  // One import at a time per account: two imports of one file must book it once.
  await tx.getForUpdate('accounts', ctx.accountId, ctx.accountId);
  const id = ctx.ids('bstmt');
  const lines: WireLine[] = [];
  const keys = identities(parsed);
  const former = formerIdentities(parsed, formerly, keys);
  for (const [i, line] of parsed.lines.entries()) {
    // Other writes wait for this transaction, but reads need not: every few hundred lines the event loop serves them.
    if (i > 0 && i % YIELD_EVERY_LINES === 0) await new Promise((resolve) => setImmediate(resolve));
    lines.push(await handleLine(tx, ctx, id, parsed, line, keys[i], former[i]));
  }
  const statement: BankStatement = { id, object: 'bank_statement', created: ctx.clock.nowSeconds(), livemode: ctx.livemode, format: parsed.format, statement_id: parsed.statementId, account: parsed.account, lines };
  await tx.insert('bank_statements', ctx.accountId, statement);
  return statement;
}
