import { z } from 'zod';
import { hash, param, paramsObject } from '../../wire/params.ts';
import { createdParam, listParams } from '../../wire/list.ts';

const address = hash({
  city: param.nullableString(200).optional(),
  country: param.nullableString(2).optional(),
  line1: param.nullableString(200).optional(),
  line2: param.nullableString(200).optional(),
  postal_code: param.nullableString(50).optional(),
  state: param.nullableString(200).optional(),
});

const invoiceSettings = hash({
  custom_fields: z
    .union([param.array(hash({ name: param.string({ max: 40 }), value: param.string({ max: 140 }) }), { max: 4 })])
    .optional(),
  default_payment_method: param.nullableString(255).optional(),
  footer: param.nullableString(5000).optional(),
});

export const reconciliationModeParam = param.enumOf(['automatic', 'manual', 'merchant_default']);

const cashBalance = hash({ settings: hash({ reconciliation_mode: reconciliationModeParam.optional() }).optional() });

const common = {
  address: z.union([z.literal(''), address]).optional(),
  balance: param.integer({ min: -99_999_999_999, max: 99_999_999_999 }).optional(),
  cash_balance: cashBalance.optional(),
  description: param.nullableString(5000).optional(),
  email: param.nullableEmail(512).optional(),
  invoice_prefix: param.matching(/^[A-Z0-9]{3,12}$/, '3 to 12 uppercase letters or digits').optional(),
  invoice_settings: invoiceSettings.optional(),
  metadata: param.metadata().optional(),
  name: param.nullableString(256).optional(),
  next_invoice_sequence: param.integer({ min: 1, max: 1_000_000_000 }).optional(),
  phone: param.nullableString(20).optional(),
  preferred_locales: param.array(param.string({ max: 20 }), { max: 10 }).optional(),
  tax_exempt: param.enumOf(['exempt', 'none', 'reverse']).optional(),
};

export const createCustomerParams = paramsObject({ ...common, test_clock: param.string({ max: 255 }).optional() });
export const updateCustomerParams = paramsObject(common);
export const retrieveParams = paramsObject({});
export const listCustomersParams = paramsObject({
  ...listParams,
  ...createdParam,
  email: param.string({ max: 512 }).optional(),
  test_clock: param.string({ max: 255 }).optional(),
});

export type CreateCustomerParams = z.output<typeof createCustomerParams>;
export type UpdateCustomerParams = z.output<typeof updateCustomerParams>;
