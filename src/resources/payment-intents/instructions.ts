// Bank-transfer instructions of a waiting intent: the customer's virtual account, the
// reference to quote and the hosted page.
import { randomInt } from 'node:crypto';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, type BankTransferType, type CashCurrency } from '../../core/money.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { loadAccount } from '../accounts/service.ts';
import type { Customer } from '../customers/service.ts';
import { financialAddresses } from '../funding-instructions/addresses.ts';
import { transferCountry, virtualAccountFor } from '../funding-instructions/service.ts';
import { createHostedToken, hostedUrl } from '../hosted-instructions/service.ts';
import type { PaymentIntent } from './object.ts';

const REFERENCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 12 upper-case alphanumerics, the shape Stripe's references have. */
export function newReference(): string {
  let out = '';
  for (let i = 0; i < 12; i++) out += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return out;
}

/** Sets `next_action` to show bank-transfer instructions for `remaining`; allocates what it needs once. */
export async function showInstructions(tx: Tx, ctx: RequestContext, customer: Customer, intent: PaymentIntent, remaining: number, baseUrl?: string): Promise<void> {
  const options = intent.payment_method_options.customer_balance.bank_transfer;
  const type = (options?.type ?? BANK_TRANSFER_TYPE_BY_CURRENCY[intent.currency as CashCurrency]) as BankTransferType;
  const country = await transferCountry(tx, ctx, type, options?.eu_bank_transfer?.country, 'payment_method_options[customer_balance][bank_transfer][eu_bank_transfer]', customer);
  const account = await virtualAccountFor(tx, ctx, customer, intent.currency, type, country);
  const holder = (await loadAccount(tx, ctx.accountId)).settings.business_name;
  let addresses = financialAddresses(account, holder, options?.requested_address_types);
  // A request naming only network types (e.g. `sepa`) still gets the account that serves them.
  if (addresses.length === 0) addresses = financialAddresses(account, holder);
  // JP transfers carry no usable reference.
  if (intent.currency !== 'jpy') intent._reference ??= newReference();
  intent._hosted_token ??= await createHostedToken(tx, ctx, intent.id);
  intent.next_action = {
    type: 'display_bank_transfer_instructions',
    display_bank_transfer_instructions: {
      amount_remaining: remaining,
      currency: intent.currency,
      financial_addresses: addresses,
      hosted_instructions_url: hostedUrl(intent._hosted_token, baseUrl),
      reference: intent.currency === 'jpy' ? null : intent._reference,
      type,
    },
  };
}
