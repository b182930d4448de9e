import { z } from 'zod';
import { EU_COUNTRIES } from '../../core/bank-details.ts';
import { BANK_TRANSFER_TYPES } from '../../core/money.ts';
import { createdParam, listParams } from '../../wire/list.ts';
import { hash, param, paramsObject } from '../../wire/params.ts';

/** Payment method types an invoice may list (2024-04-10); only customer_balance is acted on here. */
export const INVOICE_PAYMENT_METHOD_TYPES = [
  'ach_credit_transfer', 'ach_debit', 'acss_debit', 'au_becs_debit', 'bacs_debit', 'bancontact', 'boleto', 'card',
  'cashapp', 'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay', 'ideal', 'konbini', 'link', 'p24', 'paynow',
  'paypal', 'promptpay', 'sepa_debit', 'sofort', 'us_bank_account', 'wechat_pay',
] as const;

const customerBalanceOptions = hash({
  bank_transfer: hash({
    type: param.enumOf(BANK_TRANSFER_TYPES as unknown as [string, ...string[]]).optional(),
    eu_bank_transfer: hash({ country: param.enumOf(EU_COUNTRIES) }).optional(),
  }).optional(),
  funding_type: param.enumOf(['bank_transfer']).optional(),
});

const paymentSettings = hash({
  default_mandate: param.nullableString(255).optional(),
  payment_method_options: hash({ customer_balance: z.union([z.literal(''), customerBalanceOptions]).optional() }).optional(),
  payment_method_types: param.array(param.enumOf(INVOICE_PAYMENT_METHOD_TYPES), { max: 30 }).optional(),
});

const editable = {
  auto_advance: param.boolean().optional(),
  collection_method: param.enumOf(['charge_automatically', 'send_invoice']).optional(),
  days_until_due: param.integer({ min: 0, max: 3650 }).optional(),
  description: param.nullableString(1500).optional(),
  due_date: param.integer({ min: 0, max: 253_402_300_799 }).optional(),
  footer: param.nullableString(5000).optional(),
  metadata: param.metadata().optional(),
  payment_settings: paymentSettings.optional(),
};

export const createInvoiceParams = paramsObject({
  ...editable,
  customer: param.string({ max: 255 }),
  currency: param.currency().optional(),
  pending_invoice_items_behavior: param.enumOf(['exclude', 'include']).optional(),
});
export const updateInvoiceParams = paramsObject(editable);
export const retrieveInvoiceParams = paramsObject({});
export const finalizeInvoiceParams = paramsObject({ auto_advance: param.boolean().optional() });
export const payInvoiceParams = paramsObject({
  forgive: param.boolean().optional(),
  off_session: param.boolean().optional(),
  paid_out_of_band: param.boolean().optional(),
  payment_method: param.string({ max: 255 }).optional(),
});
export const voidInvoiceParams = paramsObject({});
export const listInvoicesParams = paramsObject({
  ...listParams,
  ...createdParam,
  collection_method: param.enumOf(['charge_automatically', 'send_invoice']).optional(),
  customer: param.string({ max: 255 }).optional(),
  status: param.enumOf(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
});

export const listLinesParams = paramsObject(listParams);

export type CreateInvoiceParams = z.output<typeof createInvoiceParams>;
export type UpdateInvoiceParams = z.output<typeof updateInvoiceParams>;
export type PayInvoiceParams = z.output<typeof payInvoiceParams>;
export type PaymentSettingsParam = z.output<typeof paymentSettings>;
