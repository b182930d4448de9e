// The merchant's bank routine from the command line, through a running server's API:
// `import-statement FILE…` (statements and notifications in), `merchant-account` (the account
// payment files debit) and `payment-file CURRENCY` (money out: the file to upload to the bank).
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { addApiOptions, apiTarget, callApi, type ApiOptions } from './api.ts';
import { formatAmount as major } from '../core/money.ts';
import { CliError, plainMessage } from './errors.ts';

interface StatementLine { amount: number; currency: string; direction: string; status: string }
interface Statement { id: string; format: string; statement_id: string | null; lines: StatementLine[] }


/** `FILE: bstmt_… camt.053 STMT-1, 4 lines: 2 funded (150.00 EUR), 1 unmatched, 1 duplicate`. */
export function statementSummary(file: string, statement: Statement): string {
  const counts = new Map<string, { n: number; sums: Map<string, number> }>();
  for (const line of statement.lines) {
    const entry = counts.get(line.status) ?? { n: 0, sums: new Map() };
    entry.n++;
    entry.sums.set(line.currency, (entry.sums.get(line.currency) ?? 0) + line.amount);
    counts.set(line.status, entry);
  }
  const parts = [...counts].map(([status, { n, sums }]) => `${n} ${status} (${[...sums].map(([c, a]) => major(a, c)).join(', ')})`);
  const name = `${statement.format}${statement.statement_id ? ` ${statement.statement_id}` : ''}`;
  return `${file}: ${statement.id} ${name}, ${statement.lines.length} line${statement.lines.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

export function register(program: Command): void {
  addApiOptions(
    program
      .command('import-statement')
      .description('import bank statement files (camt.053/054, MT940/942, BAI2) through the running server; a summary line per file')
      .argument('<files...>', 'statement files, each imported on its own (a file already imported books nothing again)'),
  )
    .option('--json', 'print each bank_statement object as a JSON line instead')
    .action(async (files: string[], options: ApiOptions & { json?: boolean }) => {
      const target = apiTarget(options, 'import-statement');
      let failed = 0;
      for (const file of files) {
        let text: Blob;
        try {
          if (fs.statSync(file).isDirectory()) throw new CliError(`${file} is a directory`);
          text = new Blob([fs.readFileSync(file)]); // bytes: the server reads the encoding (a Latin-1 file stays Latin-1)
        } catch (error) {
          const missing = (error as { code?: string }).code === 'ENOENT';
          process.stderr.write(`cashbook: ${file}: ${missing ? 'no such file' : error instanceof CliError ? error.message : plainMessage(error)}\n`);
          failed++;
          continue;
        }
        try {
          const statement = await callApi<Statement>(target, 'POST', '/cashbook/v1/bank_statements', { text, type: /\.xml$/i.test(file) ? 'application/xml' : 'text/plain' });
          console.log(options.json ? JSON.stringify(statement) : statementSummary(file, statement));
        } catch (error) {
          // A server that is not there fails every file alike: say it once.
          if (error instanceof CliError && /^cannot reach|did not answer/.test(error.message)) throw error;
          process.stderr.write(`cashbook: ${file}: ${plainMessage(error)} (nothing booked from it)\n`);
          failed++;
        }
      }
      if (failed > 0) process.exitCode = 2;
    });

  const account = program.command('merchant-account').description('the merchant’s own bank accounts, which payment files debit (one per currency)');
  account.action(() => {
    throw new CliError('merchant-account needs a subcommand: set or list (see `cashbook merchant-account --help`)');
  });
  addApiOptions(account.command('set').description('set (or replace) the account for a currency: --iban/--bic for EUR and GBP, --routing-number/--account-number for USD'))
    .addOption(new Option('--currency <currency>', 'the currency the account pays out').choices(['eur', 'gbp', 'usd']).makeOptionMandatory())
    .requiredOption('--name <name>', 'the account holder’s name, as the bank has it')
    .option('--iban <iban>', 'EUR or GBP: the account’s IBAN')
    .option('--bic <bic>', 'EUR or GBP: the bank’s BIC')
    .option('--routing-number <aba>', 'USD: the 9-digit ABA routing number')
    .option('--account-number <number>', 'USD: the account number')
    .option('--company-id <id>', 'USD: the 10-character company id your bank gave you for ACH files (default 1 + routing number)')
    .action(async (options: ApiOptions & { currency: string; name: string; iban?: string; bic?: string; routingNumber?: string; accountNumber?: string; companyId?: string }) => {
      const target = apiTarget(options, 'merchant-account set');
      const form = new URLSearchParams({ currency: options.currency, account_holder_name: options.name });
      for (const [field, value] of [['iban', options.iban], ['bic', options.bic], ['routing_number', options.routingNumber], ['account_number', options.accountNumber], ['company_id', options.companyId]] as const) {
        if (value !== undefined) form.set(field, value);
      }
      const saved = await callApi<Record<string, string | null>>(target, 'POST', '/cashbook/v1/merchant_bank_accounts', { text: form.toString(), type: 'application/x-www-form-urlencoded' });
      console.log(`${saved.id}: ${String(saved.currency).toUpperCase()} payouts debit ${saved.iban ?? `${saved.routing_number} ${saved.account_number}`} (${saved.account_holder_name})`);
    });
  addApiOptions(account.command('list').description('the accounts set, one per currency')).action(async (options: ApiOptions) => {
    const target = apiTarget(options, 'merchant-account list');
    const page = await callApi<{ data: Record<string, string | null>[] }>(target, 'GET', '/cashbook/v1/merchant_bank_accounts?limit=100');
    if (page.data.length === 0) console.log('no merchant bank account yet: set one with `cashbook merchant-account set`');
    for (const a of page.data) console.log(`${String(a.currency).toUpperCase()}  ${a.iban ? `${a.iban} ${a.bic ?? ''}`.trim() : `${a.routing_number} ${a.account_number}`}  ${a.account_holder_name}`);
  });

  addApiOptions(
    program
      .command('payment-file')
      .description('make the payment file for a currency (every pending refund, return and returned transfer no earlier file holds) and write it for upload to the bank')
      .addArgument(program.createArgument('<currency>', 'eur or gbp (pain.001.001.09), usd (NACHA)').choices(['eur', 'gbp', 'usd'])),
  )
    .option('--out <file>', 'where to write it (default: ./<file id>.xml or .ach)')
    .action(async (currency: string, options: ApiOptions & { out?: string }) => {
      const target = apiTarget(options, 'payment-file');
      if (options.out && !fs.existsSync(path.dirname(path.resolve(options.out)))) throw new CliError(`cannot write ${options.out}: folder ${path.dirname(path.resolve(options.out))} does not exist`);
      const made = await callApi<{ id: string; format: string; count: number; amount: number; currency: string }>(target, 'POST', '/cashbook/v1/outbound_transfer_files', { text: `currency=${currency}`, type: 'application/x-www-form-urlencoded' });
      const content = await callApi<string>(target, 'GET', `/cashbook/v1/outbound_transfer_files/${made.id}/content`);
      const out = options.out ?? `${made.id}.${made.format === 'nacha' ? 'ach' : 'xml'}`;
      fs.writeFileSync(out, content);
      console.log(`${made.id}: ${made.count} payment${made.count === 1 ? '' : 's'}, ${major(made.amount, made.currency)}, ${made.format}, written to ${out}`);
    });
}
