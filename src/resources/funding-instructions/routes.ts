import type { FastifyInstance } from 'fastify';
import { ApiError, errors } from '../../core/errors.ts';
import type { BankTransferType } from '../../core/money.ts';
import { paramsObject } from '../../wire/params.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { loadCustomer } from '../customers/service.ts';
import { createFundingInstructionsParams } from './params.ts';
import { checkAddressTypes, checkTransferType, existingVirtualAccounts, fundingInstructionsObject, transferCountry, virtualAccountFor } from './service.ts';

export function fundingInstructionsRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Cashbook-only: the funding instructions the customer already has, without making any
  // (Stripe's POST gets or creates). A list of every one: a customer has at most ten.
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/cashbook/v1/customers/:customer/funding_instructions',
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => {
      const customer = await loadCustomer(tx, ctx, path.customer);
      const accounts = await existingVirtualAccounts(tx, ctx, customer.id);
      const data = [];
      for (const account of accounts) data.push(await fundingInstructionsObject(tx, ctx, account));
      return { object: 'list', data, has_more: false, url: `/cashbook/v1/customers/${customer.id}/funding_instructions` };
    },
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/customers/:customer/funding_instructions',
    params: createFundingInstructionsParams,
    handler: async ({ ctx, tx, params, path }) => {
      const customer = await loadCustomer(tx, ctx, path.customer);
      const type = params.bank_transfer.type as BankTransferType;
      checkTransferType(params.currency, type, 'bank_transfer[type]');
      // Stripe's reference: eu_bank_transfer (its country) is required when the type is eu_bank_transfer.
      if (type === 'eu_bank_transfer' && params.bank_transfer.eu_bank_transfer === undefined) throw errors.missing('bank_transfer[eu_bank_transfer]');
      checkAddressTypes(type, params.bank_transfer.requested_address_types, 'bank_transfer[requested_address_types]');
      const country = await transferCountry(tx, ctx, type, params.bank_transfer.eu_bank_transfer?.country, 'bank_transfer[eu_bank_transfer]');
      const account = await virtualAccountFor(tx, ctx, customer, params.currency, type, country);
      const instructions = await fundingInstructionsObject(tx, ctx, account, params.bank_transfer.requested_address_types);
      const addresses = (instructions.bank_transfer as { financial_addresses: unknown[] }).financial_addresses;
      // A bank range without a SWIFT code has no swift address: say so rather than answer none (an account made now is undone).
      if (addresses.length === 0) {
        const offered = (await fundingInstructionsObject(tx, ctx, account)).bank_transfer as { financial_addresses: { type: string }[] };
        throw new ApiError(`This customer's ${type} account has no ${params.bank_transfer.requested_address_types!.join(' or ')} address: its bank takes no such transfers. Use ${offered.financial_addresses.map((a) => a.type).join(', ')}.`, { param: 'bank_transfer[requested_address_types]' });
      }
      return instructions;
    },
  });
}
