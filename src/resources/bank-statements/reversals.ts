// A booked reversal of a credit (camt DBIT with RvslInd, MT940 RC): the bank took back money
// it had credited. The credit it reverses is found by the funding index (same account,
// end-to-end id and amount, and the same sender when both name one) that the import wrote for
// it, the oldest not yet reversed: a funding is taken back
// (funding_reversed, with adjusted_for_overdraft when the money was used); an unmatched
// transfer is closed (`reversed`), its funding taken back when it was assigned, and its
// return canceled or, when a payment file already pays it back, reported for the merchant.
import type { StatementLine } from '../../core/bank-files/entry.ts';
import { achIndividualId } from '../../core/payment-files/nacha.ts';
import { fileId } from '../../core/payment-files/latin.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import type { CashBalanceTransaction } from '../cash-balance/service.ts';
import type { Customer } from '../customers/service.ts';
import { reverseFunding } from '../refunds/unreconciled.ts';
import { customerContext } from '../test-clocks/service.ts';
import { hash, type EntryRecord } from './entries.ts';
import type { UnmatchedTransfer, WireLine } from './service.ts';

/** Where the funding index of an account's credits lives, so a reversal can find them. */
const fundingKey = (account: string | null, endToEndId: string, amount: number, currency: string) => `sf_${hash([account, endToEndId, amount, currency])}`;

/** One credit under a funding index: the customer funding it made, or the unmatched transfer it was kept as, and who sent it. */
interface IndexedCredit {
  statement: string;
  line: number;
  customer?: string;
  funded?: string;
  unmatched_transfer?: string;
  /** The sender's account (camt DbtrAcct, MT940 ?31 or CNTP); null when the file did not name it, or for credits indexed before 2026-12-05. */
  sender_account: string | null;
  reversed?: boolean;
}

/**
 * The credits of one account with one end-to-end id and amount, oldest first: several senders
 * may quote the same end-to-end id (a subscription's ABO-2026-12), one sender may pay twice.
 * An index written before 2026-12-05 is one credit in the record's own fields.
 */
interface FundingIndex extends EntryRecord {
  credits?: IndexedCredit[];
}

/** The most credits one index keeps: past it the oldest reversed one goes, else the oldest (its reversal would be reported unmatched). */
const MAX_INDEXED_CREDITS = 100;

function creditsOf(index: FundingIndex): IndexedCredit[] {
  if (index.credits) return index.credits;
  const { statement, line, customer, funded, unmatched_transfer, reversed } = index;
  return [{ statement, line, customer, funded, unmatched_transfer, sender_account: null, reversed }];
}

/** Indexes a booked credit for the reversal that may come: the customer funding it made, or the unmatched transfer it was kept as. */
export async function indexCredit(tx: Tx, ctx: RequestContext, line: StatementLine, account: string | null, record: { created: number; statement: string; line: number; customer?: string; funded?: string; unmatched_transfer?: string }): Promise<void> {
  if (!line.endToEndId) return;
  const id = fundingKey(account, line.endToEndId, line.amount, line.currency);
  const { created, ...booked } = record;
  const credit: IndexedCredit = { ...booked, sender_account: line.sender.account };
  const existing = await tx.getForUpdate<FundingIndex>('statement_entries', ctx.accountId, id);
  if (!existing) {
    await tx.insert('statement_entries', ctx.accountId, { id, created, statement: record.statement, line: record.line, end_to_end_id: line.endToEndId, credits: [credit] } satisfies FundingIndex);
    return;
  }
  const credits = [...creditsOf(existing), credit];
  while (credits.length > MAX_INDEXED_CREDITS) {
    const reversed = credits.findIndex((c) => c.reversed);
    credits.splice(reversed >= 0 ? reversed : 0, 1);
  }
  await tx.update('statement_entries', ctx.accountId, { id, created: existing.created, statement: existing.statement, line: existing.line, end_to_end_id: line.endToEndId, credits } satisfies FundingIndex);
}

/**
 * Which credit of an index a reversal takes back, as a position (-1: none): a reversal naming
 * the original sender (an account of its parties other than the one credited) takes back only
 * that sender's credit, else one whose sender is unknown; one naming no sender, any. The oldest
 * not yet reversed of them.
 */
function creditOfSender(credits: IndexedCredit[], line: StatementLine, credited: string | null): number {
  const senders = (line.reversedParties ?? []).filter((party) => party !== credited);
  const open = (credit: IndexedCredit) => !credit.reversed;
  if (senders.length === 0) return credits.findIndex(open);
  const same = credits.findIndex((credit) => open(credit) && credit.sender_account !== null && senders.includes(credit.sender_account));
  return same >= 0 ? same : credits.findIndex((credit) => open(credit) && credit.sender_account === null);
}

/** A credit a reversal takes back, found in its index, and the index marked once it is. */
interface Found {
  credit: IndexedCredit;
  markReversed: () => Promise<void>;
}

/** The credit a reversal takes back: same end-to-end id and amount, credited to the line's account or another it names, from the same sender; the oldest not yet reversed. */
async function creditReversed(tx: Tx, ctx: RequestContext, line: StatementLine, account: string | null): Promise<Found | undefined> {
  if (!line.endToEndId) return undefined;
  for (const candidate of [...new Set([account, ...line.mentionedAccounts])]) {
    const index = await tx.getForUpdate<FundingIndex>('statement_entries', ctx.accountId, fundingKey(candidate, line.endToEndId, line.amount, line.currency));
    if (!index) continue;
    const credits = creditsOf(index);
    const position = creditOfSender(credits, line, candidate);
    if (position < 0) continue;
    const markReversed = () => {
      const marked = credits.map((credit, i) => (i === position ? { ...credit, reversed: true } : credit));
      return tx.update('statement_entries', ctx.accountId, { id: index.id, created: index.created, statement: index.statement, line: index.line, end_to_end_id: index.end_to_end_id, credits: marked } satisfies FundingIndex);
    };
    return { credit: credits[position], markReversed };
  }
  return undefined;
}

const UNMATCHED_REVERSAL = 'a reversal that matches no funding of this account (by end-to-end id and amount): nothing was booked';

/** A reversal's line: `reversed` when it takes back a credit Cashbook booked, else `unmatched` and not recorded as seen. */
export async function reverseCredit(tx: Tx, ctx: RequestContext, statementId: string, line: StatementLine, account: string | null, key: string, out: WireLine): Promise<WireLine> {
  const found = await creditReversed(tx, ctx, line, account);
  const credit = found?.credit;
  const transfer = credit?.unmatched_transfer ? await tx.getForUpdate<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, credit.unmatched_transfer) : undefined;
  if (found && transfer && transfer.status !== 'reversed') {
    await found.markReversed();
    return reverseTransfer(tx, ctx, `${statementId} line ${line.index + 1}`, transfer, out); // lines counted from 1 (a batched camt entry is several lines: not its entry number)
  }
  // Money out that reverses nothing Cashbook booked: reported, never kept as a transfer to assign or return.
  if (!found || !credit?.customer || !credit.funded) {
    // Not recorded as seen: a reversal that came before its funding's statement applies when imported again after it.
    await tx.remove('statement_entries', ctx.accountId, key);
    return { ...out, status: 'unmatched', reason: UNMATCHED_REVERSAL };
  }
  const customer = await tx.getForUpdate<Customer>('customers', ctx.accountId, credit.customer);
  const funded = await tx.get<CashBalanceTransaction>('cash_balance_transactions', ctx.accountId, credit.funded);
  if (!customer || !funded) return { ...out, reason: 'the funding it reverses is gone' };
  const entries = await reverseFunding(tx, await customerContext(tx, ctx, customer), customer, funded);
  await found.markReversed();
  return { ...out, status: 'reversed', customer: customer.id, cash_balance_transaction: entries[0].id };
}

/** How a payment file names the transfer's payment back, for the merchant to find it. */
function paymentName(transfer: UnmatchedTransfer): string {
  const id = fileId(transfer.id);
  return transfer.currency === 'usd' ? `the entry with individual id ${achIndividualId(transfer.id)} (addenda ${transfer.id})` : `the payment with end-to-end id ${id}`;
}

/**
 * The bank took back a credit kept as an unmatched transfer: it is `reversed` (never to be
 * assigned or returned). Assigned, its funding is taken back; waiting to be returned, the
 * return is canceled; already in a payment file, the payment back would pay the sender a
 * second time, which only the merchant can stop: the line and the transfer say how.
 */
async function reverseTransfer(tx: Tx, ctx: RequestContext, where: string, transfer: UnmatchedTransfer, out: WireLine): Promise<WireLine> {
  const line = { ...out, status: 'reversed' as const, unmatched_transfer: transfer.id };
  const close = (fields: Partial<UnmatchedTransfer>) => tx.update('unmatched_transfers', ctx.accountId, { ...transfer, ...fields, status: 'reversed' });
  if (transfer.status === 'assigned' && transfer.customer && transfer.cash_balance_transaction) {
    const customer = await tx.getForUpdate<Customer>('customers', ctx.accountId, transfer.customer);
    const funded = await tx.get<CashBalanceTransaction>('cash_balance_transactions', ctx.accountId, transfer.cash_balance_transaction);
    if (customer && funded) {
      const entries = await reverseFunding(tx, await customerContext(tx, ctx, customer), customer, funded);
      await close({ reversal_reason: `reversed by the bank (statement ${where}) after it was assigned to ${customer.id}: that funding was taken back` });
      return { ...line, customer: customer.id, cash_balance_transaction: entries[0].id, reason: `reverses unmatched transfer ${transfer.id}, assigned to ${customer.id}: its funding is taken back` };
    }
  }
  if (transfer.status === 'assigned') {
    await close({ reversal_reason: `reversed by the bank (statement ${where}) after it was assigned to ${transfer.customer ?? 'a customer'}, whose funding is gone: nothing was taken back` });
    return { ...line, customer: transfer.customer, reason: `reverses unmatched transfer ${transfer.id}: the funding its assignment made is gone, nothing was taken back` };
  }
  if (transfer.status === 'open') {
    await close({ reversal_reason: `reversed by the bank (statement ${where}): the money left the account again, so there is nothing to assign or return` });
    return { ...line, reason: `reverses unmatched transfer ${transfer.id}: it is closed (reversed), nothing to assign or return` };
  }
  if (!transfer.outbound_transfer_file && transfer.return_status === 'pending') {
    await close({ return_status: null, reversal_reason: `reversed by the bank (statement ${where}) before a payment file paid it back: the return is canceled` });
    return { ...line, reason: `reverses unmatched transfer ${transfer.id}: its return to the sender is canceled, no payment file will pay it` };
  }
  if (transfer.outbound_transfer_file) {
    const settled = transfer.return_status === 'settled';
    const advice = settled
      ? 'it was paid back already, so the sender has the money twice: ask the sender to pay it back'
      : `if you have not sent that file to your bank, take ${paymentName(transfer)} out of it first; if the bank paid it, ask the sender to pay it back`;
    await close({ reversal_reason: `reversed by the bank (statement ${where}) while payment file ${transfer.outbound_transfer_file} pays it back: ${advice}` });
    return { ...line, reason: `reverses unmatched transfer ${transfer.id}, which payment file ${transfer.outbound_transfer_file} pays back to the sender: the money leaves twice; ${advice}` };
  }
  // Marked returned before Cashbook paid returns out: the merchant sent it back by hand.
  const advice = 'it was marked returned (paid back outside Cashbook): if you paid it back, the sender has the money twice: ask for it back';
  await close({ reversal_reason: `reversed by the bank (statement ${where}): ${advice}` });
  return { ...line, reason: `reverses unmatched transfer ${transfer.id}: ${advice}` };
}
