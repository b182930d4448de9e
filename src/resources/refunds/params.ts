import type { z } from 'zod';
import { createdParam, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';

export const createRefundParams = paramsObject({
  amount: param.amount().optional(),
  charge: param.string({ max: 255 }).optional(),
  currency: param.string({ max: 3 }).optional(),
  customer: param.string({ max: 255 }).optional(),
  instructions_email: param.email(512).optional(),
  metadata: param.metadata().optional(),
  origin: param.enumOf(['customer_balance']).optional(),
  payment_intent: param.string({ max: 255 }).optional(),
  reason: param.enumOf(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  refund_application_fee: param.boolean().optional(),
  reverse_transfer: param.boolean().optional(),
});
export type CreateRefundParams = z.output<typeof createRefundParams>;

export const updateRefundParams = paramsObject({ metadata: param.metadata().optional() });
export const emptyParams = paramsObject({});
export const listRefundsParams = paramsObject({
  ...listParams,
  ...createdParam,
  charge: param.string({ max: 255 }).optional(),
  payment_intent: param.string({ max: 255 }).optional(),
});

/** Cashbook extension: refund a payment into the customer's cash balance. */
export const refundToCashBalanceParams = paramsObject({
  amount: param.amount().optional(),
  metadata: param.metadata().optional(),
  reason: param.enumOf(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
});
export type RefundToCashBalanceParams = z.output<typeof refundToCashBalanceParams>;

/** Cashbook extension: the bank details a customer would type on the hosted refund page. */
export const submitBankDetailsParams = paramsObject({
  iban: param.string({ max: 34 }).optional(),
  routing_number: param.string({ max: 20 }).optional(),
  account_number: param.string({ max: 34 }).optional(),
  sort_code: param.string({ max: 8 }).optional(),
  clabe: param.string({ max: 18 }).optional(),
});
export type SubmitBankDetailsParams = z.output<typeof submitBankDetailsParams>;
