// The bank ranges virtual accounts are issued in, one per transfer type (and IBAN country):
// set by the merchant from what its bank gave it. Live mode issues no virtual account outside
// one (a bank routes only numbers it issued); test mode falls back to Cashbook's made-up bank.
import { ApiError } from '../../core/errors.ts';
import { rangeProblem, type RangeType, type VirtualAccountRange } from '../../core/virtual-account-range.ts';
import type { BankTransferType } from '../../core/money.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';

export interface StoredRange extends StoredObject, VirtualAccountRange {
  object: 'virtual_account_range';
  livemode: boolean;
}

export interface RangeParams {
  type: RangeType;
  country?: string;
  bank_name: string;
  bic?: string;
  routing_number?: string;
  sort_code?: string;
  prefix?: string;
  account_number_length?: number;
}

const COUNTRY: Record<Exclude<RangeType, 'eu_bank_transfer'>, string> = { gb_bank_transfer: 'GB', us_bank_transfer: 'US' };
const compact = (value: string | undefined) => (value === undefined ? undefined : value.replace(/[\s-]/g, '').toUpperCase());

/** One range per transfer type and country: its id says which, so setting it again replaces it. */
export function rangeId(type: string, country: string): string {
  return `vbr_${type.slice(0, 2)}_${country.toLowerCase()}`;
}

/** Sets (or replaces) a range; virtual accounts issued in the old one keep their numbers and bank details. */
export async function setRange(tx: Tx, ctx: RequestContext, params: RangeParams): Promise<StoredRange> {
  let country: string;
  if (params.type === 'eu_bank_transfer') {
    if (params.country === undefined) throw new ApiError('Missing required param: country (the IBAN country of the range, such as NL).', { param: 'country', code: 'parameter_missing' });
    country = params.country.toUpperCase();
  } else {
    country = COUNTRY[params.type];
    if (params.country !== undefined && params.country.toUpperCase() !== country) throw new ApiError(`A ${params.type} range is in ${country}: leave country out.`, { param: 'country' });
  }
  for (const [field, types] of [['routing_number', ['us_bank_transfer']], ['account_number_length', ['us_bank_transfer']], ['sort_code', ['gb_bank_transfer']], ['bic', ['eu_bank_transfer', 'us_bank_transfer']]] as const) {
    if (params[field] !== undefined && !(types as readonly string[]).includes(params.type)) throw new ApiError(`${field} is not part of a ${params.type} range.`, { param: field });
  }
  const range: VirtualAccountRange = {
    type: params.type,
    country,
    bank_name: params.bank_name.trim().replace(/\s+/g, ' '),
    bic: compact(params.bic) ?? null,
    routing_number: compact(params.routing_number) ?? null,
    sort_code: compact(params.sort_code) ?? null,
    prefix: compact(params.prefix) ?? '',
    account_number_length: params.type === 'us_bank_transfer' ? (params.account_number_length ?? 12) : null,
  };
  const problem = rangeProblem(range);
  if (problem) throw new ApiError(problem.message, { param: problem.param });
  const stored: StoredRange = { id: rangeId(range.type, country), object: 'virtual_account_range', created: ctx.clock.nowSeconds(), livemode: ctx.livemode, ...range };
  const existing = await tx.getForUpdate<StoredRange>('virtual_account_ranges', ctx.accountId, stored.id);
  if (existing) await tx.update('virtual_account_ranges', ctx.accountId, { ...stored, created: existing.created });
  else await tx.insert('virtual_account_ranges', ctx.accountId, stored);
  return existing ? { ...stored, created: existing.created } : stored;
}

/** The range a transfer type's new virtual accounts are issued in, if the merchant set one. */
export async function rangeFor(tx: ReadTx, ctx: RequestContext, type: BankTransferType, country: string): Promise<StoredRange | undefined> {
  return tx.get<StoredRange>('virtual_account_ranges', ctx.accountId, rangeId(type, country));
}
