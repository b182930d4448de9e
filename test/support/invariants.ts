// Ledger invariants in tests: the auditor that `cashbook verify` runs (src/verify/), on the
// database behind a test's Stripe client (test/support/databases.ts), in one snapshot.
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { formatBreak, verifyDatabase, type Report, type Scope } from '../../src/verify/index.ts';
import { databaseOf } from './databases.ts';

/** Runs the auditor and fails with every break it names. */
export async function assertVerified(databaseUrl: string, scope: Scope = {}): Promise<Report> {
  const report = await verifyDatabase(databaseUrl, scope);
  assert.deepEqual(report.breaks.map(formatBreak), [], `cashbook verify found breaks in ${report.database}`);
  return report;
}

/** One customer's cash ledger: balances, ending_balance chains, overdrafts, intents, its 75/90-day jobs. */
export async function assertCashLedger(stripe: Stripe, customerId: string): Promise<void> {
  await assertVerified(databaseOf(stripe), { customer: customerId });
}

/** Every invariant over the whole database; returns how many live customers it holds. */
export async function assertAllCashLedgers(stripe: Stripe): Promise<number> {
  return (await assertVerified(databaseOf(stripe))).customers;
}
