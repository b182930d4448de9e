import { z } from 'zod';
import { MAX_AMOUNT_MINOR } from '../../core/money.ts';
import { createdParam, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';

export const createBalanceTransactionParams = paramsObject({
  amount: param.integer({ min: -MAX_AMOUNT_MINOR, max: MAX_AMOUNT_MINOR }),
  currency: param.currency(),
  description: param.nullableString(350).optional(),
  metadata: param.metadata().optional(),
});
export const updateBalanceTransactionParams = paramsObject({
  description: param.nullableString(350).optional(),
  metadata: param.metadata().optional(),
});
export const retrieveBalanceTransactionParams = paramsObject({});
export const listBalanceTransactionsParams = paramsObject({
  ...listParams,
  ...createdParam,
  invoice: param.string({ max: 255 }).optional(),
});

export type CreateBalanceTransactionParams = z.output<typeof createBalanceTransactionParams>;
export type UpdateBalanceTransactionParams = z.output<typeof updateBalanceTransactionParams>;
