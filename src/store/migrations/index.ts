// Every migration in order. Add a file `NNNN-name.ts` and one line here; never edit a released one.
import type { TableSpec } from '../tables.ts';
import { foundation } from './0001-foundation.ts';
import { webhooks } from './0003-webhooks.ts';
import { payments } from './0002-payments.ts';
import { invoices } from './0004-invoices.ts';
import { refunds } from './0005-refunds.ts';
import { idempotencyRowid } from './0006-idempotency-rowid.ts';
import { merchantBalance } from './0007-merchant-balance.ts';
import { eventFanout } from './0008-event-fanout.ts';
import { webhookRouting } from './0009-webhook-routing.ts';
import { checkedWrites } from './0010-checked-writes.ts';
import { clockStatus } from './0011-clock-status.ts';
import { bankStatements } from './0012-bank-statements.ts';
import { refundLinks } from './0013-refund-links.ts';
import { unmatchedReturns } from './0014-unmatched-returns.ts';
import { achEntries } from './0015-ach-entries.ts';
import { eventRetention } from './0016-event-retention.ts';
import { cashLots } from './0017-cash-lots.ts';
import { virtualAccountRanges } from './0018-virtual-account-ranges.ts';
import type { Migration } from './types.ts';

export type { Migration, MigrationStep } from './types.ts';

// Versions are unique and applied in ascending order.
export const MIGRATIONS: Migration[] = [foundation, payments, invoices, webhooks, refunds, idempotencyRowid, merchantBalance, eventFanout, webhookRouting, checkedWrites, clockStatus, bankStatements, refundLinks, unmatchedReturns, achEntries, eventRetention, cashLots, virtualAccountRanges].sort((a, b) => a.version - b.version);
if (new Set(MIGRATIONS.map((m) => m.version)).size !== MIGRATIONS.length) throw new Error('two migrations share a version');

/** The newest migration this Cashbook knows. */
export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Refuses a database a newer Cashbook has migrated (checked before migrating): this one does not
 * know what those migrations changed, and its writes could break what they rely on.
 */
export function refuseNewerDatabase(applied: Iterable<number>): void {
  const newest = Math.max(0, ...applied);
  if (newest > LATEST_MIGRATION) throw new Error(`the database is at migration ${newest}, newer than this Cashbook (${LATEST_MIGRATION}): use the Cashbook that wrote it`);
}

/** The object tables as the migrations leave them: what adapters use at run time. */
export function objectTables(): Map<string, TableSpec> {
  const tables = new Map<string, TableSpec>();
  for (const migration of MIGRATIONS) {
    for (const step of migration.steps) {
      if (step.kind === 'objectTable') tables.set(step.table, { columns: { ...step.columns }, indexes: [...step.indexes] });
      if (step.kind === 'addColumn') tables.get(step.table)!.columns[step.column] = step.type;
      if (step.kind === 'addIndex') tables.get(step.table)!.indexes.push(step.columns);
    }
  }
  return tables;
}
