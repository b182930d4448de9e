import { z } from 'zod';
import { EU_COUNTRIES } from '../../core/bank-details.ts';
import { BANK_TRANSFER_TYPES, CASH_CURRENCIES } from '../../core/money.ts';
import { hash, param, paramsObject } from '../../wire/params.ts';

export const bankTransferTypeParam = param.enumOf(BANK_TRANSFER_TYPES as unknown as [string, ...string[]]);
export const euCountryParam = hash({ country: param.enumOf(EU_COUNTRIES) });

export const createFundingInstructionsParams = paramsObject({
  bank_transfer: hash({
    type: bankTransferTypeParam,
    eu_bank_transfer: euCountryParam.optional(),
    requested_address_types: param.array(param.enumOf(['iban', 'sort_code', 'spei', 'zengin', 'aba', 'swift']), { max: 6 }).optional(),
  }),
  currency: param.currency(CASH_CURRENCIES),
  funding_type: param.enumOf(['bank_transfer']),
});

export type CreateFundingInstructionsParams = z.output<typeof createFundingInstructionsParams>;
