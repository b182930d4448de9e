import type { FastifyInstance } from 'fastify';
import { paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { merchantTotals } from './journal.ts';

export function balanceRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/balance',
    params: paramsObject({}),
    handler: async ({ ctx, tx }) => {
      const sums = await merchantTotals(tx, ctx.accountId);
      // Stripe always shows at least one currency; Cashbook shows usd at 0 before any movement.
      const currencies = Object.keys(sums).sort();
      if (currencies.length === 0) currencies.push('usd');
      // Every movement is available at once (no payout schedule): pending is always 0.
      return {
        object: 'balance',
        available: currencies.map((currency) => ({ amount: sums[currency] ?? 0, currency, source_types: { bank_account: sums[currency] ?? 0 } })),
        livemode: ctx.livemode,
        pending: currencies.map((currency) => ({ amount: 0, currency, source_types: { bank_account: 0 } })),
      };
    },
  });
}
