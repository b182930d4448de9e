// Writes double-entry journals: the postings of one movement, checked to sum to zero per
// currency before anything is written, in the caller's transaction.
import { assertBalanced, type Posting } from '../../core/double-entry.ts';
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
  }
  return journal;
}

/** Every posting of one account, oldest first. */
export async function accountPostings(tx: ReadTx, accountId: string, account: string): Promise<StoredPosting[]> {
  return tx.all<StoredPosting>('ledger_postings', accountId, { account });
}
