// GET /cashbook/v1/account: the account the secret key belongs to, with what a client cannot
// learn from any Stripe route: its default reconciliation mode (a customer "using the merchant
// default" only reports it) and the display name its customers see on bank details and pages.
// Cashbook-only (Stripe's Account object is a Connect resource, outside this server's scope).
import type { FastifyInstance } from 'fastify';
import { paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { loadAccount, type Account } from './service.ts';

export const ACCOUNT_PATH = '/cashbook/v1/account';

export function accountToWire(account: Account): Record<string, unknown> {
  const name = account.settings.business_name?.trim();
  return {
    id: account.id,
    object: 'account',
    livemode: account.livemode,
    display_name: name ? name : null,
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
}
