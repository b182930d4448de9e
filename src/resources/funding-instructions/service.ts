// Funding instructions: each customer gets one stable virtual bank account per transfer type
// and country; the account number maps back to the customer for routing incoming transfers.
import { randomInt } from 'node:crypto';
import { ADDRESS_TYPES_BY_TRANSFER } from './addresses.ts';
import { isEuCountry } from '../../core/bank-details.ts';
import { ApiError } from '../../core/errors.ts';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, type BankTransferType, type CashCurrency } from '../../core/money.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { loadAccount } from '../accounts/service.ts';
import { lockCustomer, type Customer } from '../customers/service.ts';
import { COUNTRY_BY_TRANSFER, financialAddresses, generateNumbers, type VirtualAccountNumbers } from './addresses.ts';
import { drawInRange, RANGE_TYPES } from '../../core/virtual-account-range.ts';
import { rangeFor } from '../virtual-account-ranges/service.ts';
import type { MerchantBankAccount } from '../outbound-files/service.ts';

export interface VirtualBankAccount extends StoredObject, VirtualAccountNumbers {
  object: 'virtual_bank_account';
  customer: string;
  currency: string;
}

function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

export function checkTransferType(currency: string, type: string, param: string): void {
  const expected = BANK_TRANSFER_TYPE_BY_CURRENCY[currency as CashCurrency];
  if (expected !== type) {
    throw new ApiError(`The currency ${currency} is not supported for ${type}. Use ${expected ?? 'a supported currency'} instead.`, { param });
  }
}

/** Docs are silent; an address type the transfer type never has is refused rather than answered with an empty list. */
export function checkAddressTypes(type: BankTransferType, requested: readonly string[] | undefined, param: string): void {
  const unsupported = requested?.find((addressType) => !(ADDRESS_TYPES_BY_TRANSFER[type] as readonly string[]).includes(addressType));
  if (unsupported !== undefined) {
    throw new ApiError(`The address type ${unsupported} is not available for ${type}. Use one of: ${ADDRESS_TYPES_BY_TRANSFER[type].join(', ')}.`, { param });
  }
}

/**
 * The country a transfer type's account lives in. An EU account takes the requested country,
 * else the customer's address country, when Cashbook issues IBANs there, else the country of the
 * customer's oldest IBAN, else the merchant's when Cashbook issues IBANs there; else IE (spec
 * cash-balance §6, from Stripe's accept-a-payment guide).
 */
export async function transferCountry(tx: Tx, ctx: RequestContext, type: BankTransferType, euCountry: string | undefined, param: string, customer?: Customer): Promise<string> {
  if (type !== 'eu_bank_transfer') {
    if (euCountry !== undefined) throw new ApiError(`eu_bank_transfer can only be given with type eu_bank_transfer.`, { param });
    return COUNTRY_BY_TRANSFER[type];
  }
  if (euCountry) return euCountry;
  const customerCountry = customer?.address?.['country']?.toUpperCase();
  if (customerCountry && isEuCountry(customerCountry)) return customerCountry;
  // Stripe is silent; a customer who already has an IBAN is not given a second one of another country.
  const held = customer && (await tx.all<VirtualBankAccount>('virtual_bank_accounts', ctx.accountId, { customer: customer.id, bank_transfer_type: type }))[0];
  if (held) return held.country;
  const merchantCountry = (await loadAccount(tx, ctx.accountId)).settings.country;
  return isEuCountry(merchantCountry) ? merchantCountry : 'IE';
}

/**
 * A number no virtual account of the account has: in the bank's range when the merchant set one
 * (always in live mode, where a bank credits only numbers it issued), else Cashbook's test bank.
 */
async function freeNumbers(tx: Tx, ctx: RequestContext, type: BankTransferType, country: string): Promise<VirtualAccountNumbers> {
  const range = await rangeFor(tx, ctx, type, country);
  if (!range) {
    if (ctx.livemode && !(RANGE_TYPES as readonly string[]).includes(type)) {
      throw new ApiError(`Live virtual accounts are issued for ${RANGE_TYPES.join(', ')} only: no bank range can be set for ${type}.`, { code: 'payment_method_unactivated' });
    }
    if (ctx.livemode) {
      const which = type === 'eu_bank_transfer' ? `${type} (${country})` : type;
      throw new ApiError(`No virtual account can be issued for ${which} in live mode before you set the range of account numbers your bank gave you for it (POST /cashbook/v1/virtual_account_ranges, or cashbook virtual-account-range set).`, { code: 'payment_method_unactivated' });
    }
    for (;;) {
      const numbers = generateNumbers(type, country, randomDigits(24));
      if (!(await tx.find('virtual_bank_accounts', ctx.accountId, { account_number: numbers.account_number }))) return numbers;
    }
  }
  // A range holds few numbers beside 24 random digits: two first requests at once (PostgreSQL) must not both take one.
  // Locked after the customer, as nothing locks a range before a customer.
  await tx.getForUpdate('virtual_account_ranges', ctx.accountId, range.id);
  // The merchant's own accounts may lie inside a wide range (a whole bank code): none is issued to a customer.
  const own = new Set((await tx.all<MerchantBankAccount>('merchant_bank_accounts', ctx.accountId, {})).flatMap((a) => [a.iban, a.account_number]));
  const issued = await drawInRange(range, () => randomDigits(24), async (number) => own.has(number) || (await tx.find('virtual_bank_accounts', ctx.accountId, { account_number: number })) !== undefined);
  if (issued) return { bank_transfer_type: type, country, ...issued };
  throw new ApiError(`The range ${range.prefix || range.sort_code || range.routing_number} of ${range.bank_name} has (almost) no free account numbers left: set a wider range with POST /cashbook/v1/virtual_account_ranges.`, { code: 'payment_method_unactivated' });
}

/** Whether the customer has, or can be issued, bank details in `currency`: in live mode only from a bank range. */
export async function canPayByTransfer(tx: Tx, ctx: RequestContext, customer: Customer, currency: string): Promise<boolean> {
  const type = BANK_TRANSFER_TYPE_BY_CURRENCY[currency as CashCurrency];
  if (type === undefined) return false;
  if (!ctx.livemode || (await tx.find('virtual_bank_accounts', ctx.accountId, { customer: customer.id, bank_transfer_type: type }))) return true;
  return (await rangeFor(tx, ctx, type, await transferCountry(tx, ctx, type, undefined, 'currency', customer))) !== undefined;
}

/** Finds or allocates the customer's virtual account; its currency appears in the cash balance at 0. */
export async function virtualAccountFor(tx: Tx, ctx: RequestContext, customer: Customer, currency: string, type: BankTransferType, country: string): Promise<VirtualBankAccount> {
  // Serialize on the customer row: concurrent first requests must not each allocate an account.
  await lockCustomer(tx, ctx, customer.id);
  const existing = await tx.find<VirtualBankAccount>('virtual_bank_accounts', ctx.accountId, {
    customer: customer.id,
    bank_transfer_type: type,
    country,
  });
  if (existing) return existing;
  const numbers = await freeNumbers(tx, ctx, type, country);
  const account: VirtualBankAccount = {
    id: ctx.ids('vba'),
    object: 'virtual_bank_account',
    created: ctx.clock.nowSeconds(),
    customer: customer.id,
    currency,
    ...numbers,
  };
  await tx.insert('virtual_bank_accounts', ctx.accountId, account);
  await tx.lockCashBalance(ctx.accountId, customer.id, currency);
  return account;
}

export async function fundingInstructionsObject(
  tx: ReadTx,
  ctx: RequestContext,
  account: VirtualBankAccount,
  requestedAddressTypes?: string[],
): Promise<Record<string, unknown>> {
  const holder = (await loadAccount(tx, ctx.accountId)).settings.business_name;
  return {
    object: 'funding_instructions',
    bank_transfer: {
      country: account.country,
      financial_addresses: financialAddresses(account, holder, requestedAddressTypes),
      type: account.bank_transfer_type,
    },
    currency: account.currency,
    funding_type: 'bank_transfer',
    livemode: ctx.livemode,
  };
}

/**
 * The virtual accounts the customer already has (one per transfer type and country; at most
 * ten), oldest first: read only, so nothing is allocated by looking.
 */
export async function existingVirtualAccounts(tx: ReadTx, ctx: RequestContext, customerId: string): Promise<VirtualBankAccount[]> {
  return tx.all<VirtualBankAccount>('virtual_bank_accounts', ctx.accountId, { customer: customerId });
}
