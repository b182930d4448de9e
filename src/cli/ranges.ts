// `cashbook virtual-account-range set|list`: the ranges of account numbers the merchant's bank
// gave it for virtual accounts, through a running server's API (live mode issues none without).
import { Option, type Command } from 'commander';
import { addApiOptions, apiTarget, callApi, type ApiOptions } from './api.ts';
import { CliError } from './errors.ts';

type Range = Record<string, string | number | null>;

/** `NL  ABNA04…  ABNANL2AXXX  ABN AMRO Bank N.V.`: the country, where the range's numbers start, the bank. */
function describe(range: Range): string {
  const start = range.type === 'eu_bank_transfer' ? `${range.prefix}…` : `${range.sort_code ?? range.routing_number} ${range.prefix}…`;
  return `${range.country}  ${String(range.type)}  ${start}  ${range.bic ?? ''}  ${range.bank_name}`.replace(/ {3,}/g, '  ');
}

export function register(program: Command): void {
  const ranges = program.command('virtual-account-range').description('the ranges of account numbers your bank issued for virtual accounts (one per transfer type and IBAN country)');
  ranges.action(() => {
    throw new CliError('virtual-account-range needs a subcommand: set or list (see `cashbook virtual-account-range --help`)');
  });
  addApiOptions(ranges.command('set').description('set (or replace) a range: --country/--bic for EUR, --sort-code for GBP, --routing-number for USD; --prefix, the leading characters the bank fixed'))
    .addOption(new Option('--type <type>', 'the transfer type').choices(['eu_bank_transfer', 'gb_bank_transfer', 'us_bank_transfer']).makeOptionMandatory())
    .requiredOption('--bank-name <name>', 'the bank’s name, shown with each account')
    .option('--country <country>', 'EUR: the IBAN country (BE, DE, ES, FR, IE, NL)')
    .option('--bic <bic>', 'EUR: the bank’s BIC; USD: its SWIFT code for wires (optional)')
    .option('--sort-code <code>', 'GBP: the sort code of the range')
    .option('--routing-number <aba>', 'USD: the ABA routing number of the range')
    .option('--prefix <characters>', 'EUR: the BBAN’s leading characters, bank code first; GBP and USD: the account number’s leading digits')
    .option('--account-number-length <digits>', 'USD: how many digits the account numbers have (default 12)')
    .action(async (options: ApiOptions & { type: string; bankName: string; country?: string; bic?: string; sortCode?: string; routingNumber?: string; prefix?: string; accountNumberLength?: string }) => {
      const target = apiTarget(options, 'virtual-account-range set');
      const form = new URLSearchParams({ type: options.type, bank_name: options.bankName });
      const fields = [['country', options.country], ['bic', options.bic], ['sort_code', options.sortCode], ['routing_number', options.routingNumber], ['prefix', options.prefix], ['account_number_length', options.accountNumberLength]] as const;
      for (const [field, value] of fields) if (value !== undefined) form.set(field, value);
      const saved = await callApi<Range>(target, 'POST', '/cashbook/v1/virtual_account_ranges', { text: form.toString(), type: 'application/x-www-form-urlencoded' });
      console.log(`${saved.id}: new ${saved.type} virtual accounts are issued in ${describe(saved)}`);
    });
  addApiOptions(ranges.command('list').description('the ranges set')).action(async (options: ApiOptions) => {
    const target = apiTarget(options, 'virtual-account-range list');
    const page = await callApi<{ data: Range[] }>(target, 'GET', '/cashbook/v1/virtual_account_ranges?limit=100');
    if (page.data.length === 0) console.log('no range yet: live mode issues no virtual account until you set one with `cashbook virtual-account-range set`');
    for (const range of page.data) console.log(describe(range));
  });
}
