// `cashbook verify`: reads a whole database in one snapshot and checks every invariant
// Cashbook promises about money (src/verify/checks.ts). The test suite's ledger checks call
// this too (test/support/invariants.ts), so there is one auditor.
import { cashAccount } from '../core/double-entry.ts';
import { CHECKS, checksFor, runChecks, type Break, type CheckName, type Data } from './checks.ts';
import { openSnapshot, type Scope } from './snapshot.ts';

export { SnapshotError } from './snapshot.ts';
export type { Break, CheckName } from './checks.ts';
export type { Scope } from './snapshot.ts';

export interface Report {
  engine: 'sqlite' | 'postgres';
  database: string;
  scope: Scope;
  /** Rows read, by kind. */
  counts: Record<string, number>;
  /** Live (not deleted) customers in the scope. */
  customers: number;
  checks: { name: CheckName; description: string; breaks: number }[];
  breaks: Break[];
  /** Milliseconds the snapshot was held open. */
  elapsedMs: number;
}

export async function verifyDatabase(databaseUrl: string, scope: Scope = {}): Promise<Report> {
  const started = performance.now();
  const snapshot = await openSnapshot(databaseUrl);
  let data: Data;
  let accounts: number;
  try {
    accounts = (await snapshot.rows('accounts', scope)).length;
    const byCustomer = scope.customer !== undefined;
    const all = <T>(table: string, customerColumn?: string) => snapshot.rows<T>(table, scope, customerColumn);
    const none = async <T>(): Promise<T[]> => [];
    data = {
      customers: await all('customers', 'id'),
      cashEntries: await all('cash_balance_transactions', 'customer'),
      balances: await snapshot.cashBalances(scope),
      // One customer's scope reads only its cash account's postings.
      postings: byCustomer ? await snapshot.rows('ledger_postings', { account: scope.account, customer: cashAccount(scope.customer!) }, 'account') : await all('ledger_postings'),
      ledgerBalances: byCustomer ? await none() : await all('ledger_balances'),
      balanceTransactions: byCustomer ? await none() : await all('balance_transactions'),
      intents: await all('payment_intents', 'customer'),
      charges: byCustomer ? await none() : await all('charges'),
      // One customer's scope reads its returns, for the 75-day jobs' follow-ups.
      refunds: byCustomer ? (await all<{ _customer?: string }>('refunds')).filter((r) => r.object._customer === scope.customer) as Data['refunds'] : await all('refunds'),
      invoices: byCustomer ? await none() : await all('invoices'),
      jobs: (await all<{ customer?: string }>('scheduled_jobs')).filter((job) => !byCustomer || job.object.customer === scope.customer) as Data['jobs'],
      creditEntries: await all('customer_balance_transactions', 'customer'),
      unmatchedTransfers: byCustomer ? await none() : await all('unmatched_transfers'),
    };
  } finally {
    await snapshot.close();
  }
  const names = checksFor(scope.customer !== undefined);
  const breaks = runChecks(data, names);
  const journals = new Set(data.postings.map((p) => `${p.account}\u0000${p.object.journal}`)).size;
  return {
    engine: snapshot.engine,
    database: snapshot.where,
    scope,
    counts: {
      accounts,
      customers: data.customers.length,
      'cash balances': data.balances.length,
      'cash balance transactions': data.cashEntries.length,
      'credit balance transactions': data.creditEntries.length,
      'payment intents': data.intents.length,
      charges: data.charges.length,
      refunds: data.refunds.length,
      invoices: data.invoices.length,
      postings: data.postings.length,
      journals,
      'balance transactions': data.balanceTransactions.length,
      'scheduled jobs': data.jobs.length,
      'unmatched transfers': data.unmatchedTransfers.length,
    },
    customers: data.customers.filter((c) => !c.object._deleted).length,
    checks: names.map((name) => ({ name, description: CHECKS[name], breaks: breaks.filter((b) => b.check === name).length })),
    breaks,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** One line per break: the check, the account, the ids, what is wrong. */
export function formatBreak(b: Break): string {
  return `BREAK ${b.check} [${b.account}] ${b.ids.join(' ')}: ${b.message}`;
}

export function formatReport(report: Report): string {
  const lines: string[] = [];
  const scope = [report.scope.account ? `account ${report.scope.account}` : 'all accounts', report.scope.customer ? `customer ${report.scope.customer}` : ''].filter(Boolean).join(', ');
  lines.push(`verified ${report.database} (${report.engine}, ${scope}) in one snapshot, ${report.elapsedMs} ms`);
  lines.push(`read ${Object.entries(report.counts).map(([what, n]) => `${n} ${what}`).join(', ')}`);
  for (const check of report.checks) lines.push(`${check.breaks === 0 ? 'ok  ' : 'FAIL'}  ${check.description}${check.breaks === 0 ? '' : ` (${check.breaks} break${check.breaks > 1 ? 's' : ''})`}`);
  for (const b of report.breaks) lines.push(formatBreak(b));
  lines.push(report.breaks.length === 0 ? 'no breaks' : `${report.breaks.length} break${report.breaks.length > 1 ? 's' : ''} found`);
  return lines.join('\n');
}
