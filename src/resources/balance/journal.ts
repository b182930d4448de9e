// Writes double-entry journals: the postings of one movement, checked to sum to zero per
// currency before anything is written, in the caller's transaction.
import { assertBalanced, MERCHANT, type Posting } from '../../core/double-entry.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';

export interface StoredPosting extends StoredObject {
  object: 'ledger_posting';
  journal: string;
  account: string;
  currency: string;
  amount: number;
}

export async function writeJournal(tx: Tx, ctx: RequestContext, postings: Posting[]): Promise<string> {
  assertBalanced(postings);
  const journal = ctx.ids('jrnl');
  const created = ctx.clock.nowSeconds();
  for (const posting of postings) {
    const row: StoredPosting = { id: ctx.ids('lpst'), object: 'ledger_posting', created, journal, ...posting };
    await tx.insert('ledger_postings', ctx.accountId, row);
    if (posting.account === MERCHANT) await addToMerchantTotal(tx, ctx, row);
  }
  return journal;
}

/** Running totals of the merchant account per currency, split over this many rows (migration 7). */
const MERCHANT_SLOTS = 8;

export interface LedgerBalance extends StoredObject {
  object: 'ledger_balance';
  account: string;
  currency: string;
  amount: number;
}

/** Adds a merchant posting to one of its currency's total rows, chosen by the posting's random id. */
async function addToMerchantTotal(tx: Tx, ctx: RequestContext, posting: StoredPosting): Promise<void> {
  const slot = posting.id.charCodeAt(posting.id.length - 1) % MERCHANT_SLOTS;
  const id = `${MERCHANT}:${posting.currency}:${slot}`;
  const total = await tx.getForUpdate<LedgerBalance>('ledger_balances', ctx.accountId, id);
  if (total) await tx.update('ledger_balances', ctx.accountId, { ...total, amount: total.amount + posting.amount });
  else await tx.insert('ledger_balances', ctx.accountId, { id, object: 'ledger_balance', created: posting.created, account: MERCHANT, currency: posting.currency, amount: posting.amount });
}

/** The merchant balance per currency: the sum of its total rows. */
export async function merchantTotals(tx: ReadTx, accountId: string): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const row of await tx.all<LedgerBalance>('ledger_balances', accountId, { account: MERCHANT })) sums[row.currency] = (sums[row.currency] ?? 0) + row.amount;
  return sums;
}
