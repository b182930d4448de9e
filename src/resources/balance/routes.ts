import type { FastifyInstance } from 'fastify';
import { MERCHANT } from '../../core/double-entry.ts';
import type { ReadTx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { accountPostings } from './journal.ts';

/** The merchant balance per currency: the sum of the merchant account's postings. */
export async function merchantBalances(tx: ReadTx, ctx: RequestContext): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const posting of await accountPostings(tx, ctx.accountId, MERCHANT)) sums[posting.currency] = (sums[posting.currency] ?? 0) + posting.amount;
  return sums;
}

export function balanceRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/balance',
    params: paramsObject({}),
    handler: async ({ ctx, tx }) => {
      const sums = await merchantBalances(tx, ctx);
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
