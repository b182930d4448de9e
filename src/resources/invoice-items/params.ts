import { z } from 'zod';
import { MAX_AMOUNT_MINOR } from '../../core/money.ts';
import { createdParam, listParams } from '../../wire/list.ts';
import { hash, param, paramsObject } from '../../wire/params.ts';

const signedAmount = param.integer({ min: -MAX_AMOUNT_MINOR, max: MAX_AMOUNT_MINOR });
/** Minor units as a decimal string; only whole units, since money here is integer minor units. */
const wholeDecimal = z.unknown().transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,16}(\.0+)?$/.test(text) || Number.parseFloat(text) > MAX_AMOUNT_MINOR) {
    ctx.addIssue({ code: 'custom', message: 'Invalid decimal: unit_amount_decimal must be a whole number of minor units here.' });
    return z.NEVER;
  }
  return Math.trunc(Number.parseFloat(text));
});

const editable = {
  amount: signedAmount.optional(),
  description: param.nullableString(5000).optional(),
  discountable: param.boolean().optional(),
  metadata: param.metadata().optional(),
  period: hash({ start: param.integer({ min: 0 }), end: param.integer({ min: 0 }) }).optional(),
  quantity: param.integer({ min: 0, max: 1_000_000 }).optional(),
  unit_amount: signedAmount.optional(),
  unit_amount_decimal: wholeDecimal.optional(),
};

export const createInvoiceItemParams = paramsObject({
  ...editable,
  customer: param.string({ max: 255 }),
  currency: param.currency().optional(),
  invoice: param.string({ max: 255 }).optional(),
});
export const updateInvoiceItemParams = paramsObject(editable);
export const retrieveInvoiceItemParams = paramsObject({});
export const listInvoiceItemsParams = paramsObject({
  ...listParams,
  ...createdParam,
  customer: param.string({ max: 255 }).optional(),
  invoice: param.string({ max: 255 }).optional(),
  pending: param.boolean().optional(),
});

export type CreateInvoiceItemParams = z.output<typeof createInvoiceItemParams>;
export type UpdateInvoiceItemParams = z.output<typeof updateInvoiceItemParams>;
