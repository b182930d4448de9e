import { z } from 'zod';
import { CASH_CURRENCIES } from '../../core/money.ts';
import { listParams } from '../../wire/list.ts';
import { hash, param, paramsObject } from '../../wire/params.ts';
import { reconciliationModeParam } from '../customers/params.ts';

export const retrieveCashBalanceParams = paramsObject({});
export const updateCashBalanceParams = paramsObject({
  settings: hash({ reconciliation_mode: reconciliationModeParam.optional() }).optional(),
});
export const listCashTransactionsParams = paramsObject(listParams);
export const fundCashBalanceParams = paramsObject({
  amount: param.amount(),
  currency: param.currency(CASH_CURRENCIES),
  reference: param.string({ max: 140 }).optional(),
});

export type FundCashBalanceParams = z.output<typeof fundCashBalanceParams>;
