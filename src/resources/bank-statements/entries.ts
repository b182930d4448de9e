// The records of booked entries a statement import keeps (table statement_entries): one per
// entry seen, keyed by its identity (service.ts), plus the indexes that find an entry again:
// a credit's funding index (reversals.ts) and a batch's mark (below).
import { createHash } from 'node:crypto';
import type { StatementLine } from '../../core/bank-files/entry.ts';
import type { StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';

export const hash = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);

/** One booked entry seen: keyed by its identity; for a credit's funding index written before 2026-12-05, what a reversal needs (reversals.ts keeps a list since). */
export interface EntryRecord extends StoredObject {
  statement: string;
  line: number;
  customer?: string;
  funded?: string;
  /** The credit was kept as this unmatched transfer (then `customer`/`funded` are unset: the transfer says where it went). */
  unmatched_transfer?: string;
  end_to_end_id?: string | null;
  reversed?: boolean;
}


type Batch = NonNullable<StatementLine['batch']>;

/** The mark that a batched camt entry was booked from its transactions: keyed by the entry's bank reference and statement account. */
const batchKey = (batch: Batch, direction: StatementLine['direction']) => `sb_${hash([batch.account, direction, batch.reference])}`;

/** The identity an entry given only as its batch's total has (service.ts identity(): its bank reference on the statement's account). */
const summaryIdentity = (batch: Batch, direction: StatementLine['direction']) => `se_${hash(['ref', batch.account, direction, batch.reference])}`;

/** Marks the batch of a transaction booked from its details (once per entry). */
export async function markBatch(tx: Tx, ctx: RequestContext, statementId: string, line: StatementLine): Promise<void> {
  if (!line.batch || line.batch.summary || !line.batch.reference) return;
  const id = batchKey(line.batch, line.direction);
  if (!(await tx.get('statement_entries', ctx.accountId, id))) await tx.insert('statement_entries', ctx.accountId, { id, created: ctx.clock.nowSeconds(), statement: statementId, line: line.index });
}

/**
 * Why a line of a batch is a duplicate, when it is: a batch's one-line summary (a camt.053
 * giving NtryDtls/Btch only) whose transactions an earlier file booked from their details
 * (a camt.054); or a transaction of a batch whose summary an earlier import booked as a whole
 * (one line funded, or kept as an unmatched transfer as imports before 2026-12-05 kept one that
 * routed nowhere; never a summary that booked nothing, such as a debit). A bank's entry reference
 * (AcctSvcrRef) names the entry in both files.
 */
export async function batchBookedBefore(tx: Tx, ctx: RequestContext, statementId: string, line: StatementLine): Promise<string | undefined> {
  const batch = line.batch;
  if (!batch?.reference) return undefined;
  if (batch.summary) {
    const mark = await tx.get<EntryRecord>('statement_entries', ctx.accountId, batchKey(batch, line.direction));
    return mark && mark.statement !== statementId ? `its ${batch.transactions} transactions were imported before with their details (statement ${mark.statement})` : undefined;
  }
  const whole = await tx.get<EntryRecord>('statement_entries', ctx.accountId, summaryIdentity(batch, line.direction));
  if (!whole || whole.statement === statementId) return undefined;
  const statement = await tx.get<StoredObject & { lines: { index: number; amount: number; currency: string; status: string; unmatched_transfer: string | null }[] }>('bank_statements', ctx.accountId, whole.statement);
  const seen = statement?.lines.find((l) => l.index === whole.line);
  if (!seen || seen.amount !== batch.total || seen.currency !== line.currency) return undefined;
  // Booked whole only when that line booked something (a funding, or a transfer kept): an ignored debit or reversal books nothing, so its transactions book now.
  if (seen.status !== 'funded' && !(seen.status === 'unmatched' && seen.unmatched_transfer)) return undefined;
  return `its batch was booked as a whole by an earlier import (statement ${whole.statement}, line ${whole.line}${seen.unmatched_transfer ? `: unmatched transfer ${seen.unmatched_transfer}` : ''})`;
}
