// `cashbook verify`: the auditor (src/verify/) over a whole database, or one account.
import type { Command } from 'commander';
import { CliError } from './errors.ts';
import { addDatabaseOption, databaseError, databaseUrl, requireExisting } from './options.ts';

export async function runVerify(options: { databaseUrl?: string; account?: string; json?: boolean }): Promise<void> {
  const url = databaseUrl(options);
  requireExisting(url);
  const { verifyDatabase, formatReport, SnapshotError } = await import('../verify/index.ts');
  let report;
  try {
    report = await verifyDatabase(url, { account: options.account });
  } catch (error) {
    if (error instanceof SnapshotError) throw new CliError(error.message);
    // A database that cannot be opened or reached: the one line `serve` gives.
    if ((error as { code?: unknown }).code !== undefined) throw databaseError(url, error);
    throw error;
  }
  console.log(options.json ? JSON.stringify(report) : formatReport(report));
  if (options.account && report.counts.accounts === 0) throw new CliError(`no account ${options.account} in ${report.database}`);
  // Exit 1: the database breaks an invariant (2 is kept for a verify that could not run).
  if (report.breaks.length > 0) process.exitCode = 1;
}

export function register(program: Command): void {
  addDatabaseOption(
    program
      .command('verify')
      .description('check every ledger invariant over the whole database, in one snapshot (safe while the server runs); exit 1 on any break'),
  )
    .option('--account <acct>', 'only this account')
    .option('--json', 'print the report as JSON')
    .action(runVerify);
}
