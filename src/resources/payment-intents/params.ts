import { z } from 'zod';
import { EU_COUNTRIES } from '../../core/bank-details.ts';
import { BANK_TRANSFER_TYPES, CASH_CURRENCIES } from '../../core/money.ts';
import { createdParam, listParams } from '../../wire/list.ts';
import { hash, param, paramsObject } from '../../wire/params.ts';

// Stripe's rules for what a bank statement shows: Latin characters, none of < > \ ' " *.
const DESCRIPTOR_CHARS = "[ -!#-&(-)+-;=?-\\[\\]-~\u00a0-\u024f]";
const statementDescriptor = param.matching(new RegExp(`^(?=.*[A-Za-z\u00c0-\u024f])${DESCRIPTOR_CHARS}{1,22}$`), "1 to 22 Latin characters with at least one letter, and none of < > \\ ' \" *");
const descriptorSuffix = param.matching(new RegExp(`^${DESCRIPTOR_CHARS}{1,22}$`), "1 to 22 Latin characters, none of < > \\ ' \" *");

export const ADDRESS_TYPES = ['aba', 'iban', 'sepa', 'sort_code', 'spei', 'swift', 'zengin'] as const;

const customerBalanceOptions = hash({
  bank_transfer: hash({
    type: param.enumOf(BANK_TRANSFER_TYPES as unknown as [string, ...string[]]),
    eu_bank_transfer: hash({ country: param.enumOf(EU_COUNTRIES) }).optional(),
    requested_address_types: param.array(param.enumOf(ADDRESS_TYPES), { max: 7 }).optional(),
  }).optional(),
  funding_type: param.enumOf(['bank_transfer']).optional(),
  setup_future_usage: param.enumOf(['none']).optional(),
});

const paymentMethodOptions = hash({ customer_balance: customerBalanceOptions.optional() });

const paymentMethodData = hash({
  type: param.enumOf(['customer_balance']),
  metadata: param.metadata().optional(),
  billing_details: hash({
    email: param.nullableString(800).optional(),
    name: param.nullableString(800).optional(),
    phone: param.nullableString(800).optional(),
  }).optional(),
});

const paymentMethodTypes = param.array(param.string({ max: 100 }), { max: 50 });

export const createIntentParams = paramsObject({
  amount: param.amount(),
  currency: param.currency(CASH_CURRENCIES),
  customer: param.string({ max: 255 }).optional(),
  confirm: param.boolean().optional(),
  description: param.nullableString(1000).optional(),
  metadata: param.metadata().optional(),
  payment_method: param.string({ max: 255 }).optional(),
  payment_method_data: paymentMethodData.optional(),
  payment_method_options: paymentMethodOptions.optional(),
  payment_method_types: paymentMethodTypes.optional(),
  // What newer SDKs (API 2025+) send instead of payment_method_types.
  allowed_payment_method_types: paymentMethodTypes.optional(),
  automatic_payment_methods: hash({ enabled: param.boolean(), allow_redirects: param.enumOf(['always', 'never']).optional() }).optional(),
  receipt_email: param.nullableEmail(800).optional(),
  setup_future_usage: param.enumOf(['off_session', 'on_session']).optional(),
  statement_descriptor: statementDescriptor.optional(),
  statement_descriptor_suffix: descriptorSuffix.optional(),
  return_url: param.string({ max: 2000 }).optional(),
});

/** Parameters Stripe takes on update that Cashbook keeps fixed after create: refused by name, not as unknown. */
export const FIXED_AFTER_CREATE = ['currency', 'customer', 'payment_method', 'payment_method_data', 'payment_method_types', 'setup_future_usage'] as const;

export const updateIntentParams = paramsObject({
  amount: param.amount().optional(),
  description: param.nullableString(1000).optional(),
  metadata: param.metadata().optional(),
  payment_method_options: paymentMethodOptions.optional(),
  receipt_email: param.nullableEmail(800).optional(),
  statement_descriptor: z.union([z.literal('').transform(() => null), statementDescriptor]).optional(), // '' unsets, as elsewhere
  statement_descriptor_suffix: z.union([z.literal('').transform(() => null), descriptorSuffix]).optional(),
  ...Object.fromEntries(FIXED_AFTER_CREATE.map((name) => [name, z.unknown().optional()])),
});

export const confirmIntentParams = paramsObject({
  payment_method: param.string({ max: 255 }).optional(),
  payment_method_data: paymentMethodData.optional(),
  payment_method_options: paymentMethodOptions.optional(),
  payment_method_types: paymentMethodTypes.optional(),
  allowed_payment_method_types: paymentMethodTypes.optional(),
  receipt_email: param.nullableEmail(800).optional(),
  return_url: param.string({ max: 2000 }).optional(),
});

export const cancelIntentParams = paramsObject({
  cancellation_reason: param.enumOf(['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer']).optional(),
});

export const applyBalanceParams = paramsObject({
  amount: param.amount().optional(),
  currency: param.currency(CASH_CURRENCIES).optional(),
});

export const retrieveIntentParams = paramsObject({ client_secret: param.string({ max: 500 }).optional() });

export const listIntentsParams = paramsObject({
  ...listParams,
  ...createdParam,
  customer: param.string({ max: 255 }).optional(),
});

export type CreateIntentParams = z.output<typeof createIntentParams>;
export type UpdateIntentParams = z.output<typeof updateIntentParams>;
export type ConfirmIntentParams = z.output<typeof confirmIntentParams>;
export type PaymentMethodOptionsParam = z.output<typeof paymentMethodOptions>;
export type PaymentMethodDataParam = z.output<typeof paymentMethodData>;
