// GET and POST /cashbook/v1/account: the account the secret key belongs to, with what a client
// cannot learn or set through any Stripe route: its default reconciliation mode (a customer
// "using the merchant default" only reports it), the display name its customers see on bank
// details and pages, and its country (the IBAN country of EU bank transfers that name none).
// Cashbook-only (Stripe's Account object is a Connect resource, outside this server's scope).
import type { FastifyInstance } from 'fastify';
import { isCountryCode } from '../../core/countries.ts';
import { ApiError } from '../../core/errors.ts';
import { nameProblem } from '../../core/payment-files/latin.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { loadAccount, type Account } from './service.ts';

const updateAccountParams = paramsObject({
  display_name: param.string({ max: 70 }).optional(),
  country: param.string({ max: 2 }).optional(),
  default_reconciliation_mode: param.enumOf(['automatic', 'manual']).optional(),
});

export const ACCOUNT_PATH = '/cashbook/v1/account';

export function accountToWire(account: Account): Record<string, unknown> {
  const name = account.settings.business_name?.trim();
  return {
    id: account.id,
    object: 'account',
    livemode: account.livemode,
    display_name: name ? name : null,
    country: account.settings.country,
    default_reconciliation_mode: account.settings.default_reconciliation_mode,
  };
}

export function accountRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: ACCOUNT_PATH,
    params: paramsObject({}),
    handler: async ({ ctx, tx }) => accountToWire(await loadAccount(tx, ctx.accountId)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: ACCOUNT_PATH,
    params: updateAccountParams,
    handler: async ({ ctx, tx, params }) => {
      const account = await tx.getForUpdate<Account>('accounts', ctx.accountId, ctx.accountId);
      if (!account) throw new Error(`account ${ctx.accountId} is missing`);
      const settings = { ...account.settings };
      if (params.display_name !== undefined) {
        const name = params.display_name.trim().replace(/\s+/g, ' ');
        // Shown on the customer's pages and bank details, as the payment files show the account holder: the same rule.
        if (nameProblem(name) !== null) {
          throw new ApiError('The display name needs a Latin letter and no control characters: your customers see it on their bank details and pages.', { param: 'display_name' });
        }
        settings.business_name = name;
      }
      if (params.country !== undefined) {
        if (!isCountryCode(params.country.toUpperCase())) throw new ApiError('country must be a two-letter ISO 3166-1 country code, such as NL or US.', { param: 'country' });
        settings.country = params.country.toUpperCase();
      }
      if (params.default_reconciliation_mode !== undefined) settings.default_reconciliation_mode = params.default_reconciliation_mode;
      const next = { ...account, settings };
      await tx.update('accounts', ctx.accountId, next);
      return accountToWire(next);
    },
  });
}
