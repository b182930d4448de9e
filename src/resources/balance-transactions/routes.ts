import type { FastifyInstance } from 'fastify';
import { errors } from '../../core/errors.ts';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { createdParam, listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import type { BalanceTransaction } from './service.ts';
import './payments.ts';

registerLoader('txn', async (tx, ctx, id) => {
  const txn = await tx.get<BalanceTransaction>('balance_transactions', ctx.accountId, id);
  return txn && toWire(txn);
});
registerExpandable('balance_transaction', ['source']);

const listParamsSchema = paramsObject({
  ...listParams,
  ...createdParam,
  currency: param.string({ max: 3 }).optional(),
  type: param.string({ max: 100 }).optional(),
  source: param.string({ max: 255 }).optional(),
  payout: param.string({ max: 255 }).optional(),
});

export function balanceTransactionRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/balance_transactions/:id',
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => {
      const txn = await tx.get<BalanceTransaction>('balance_transactions', ctx.accountId, path.id);
      if (!txn) throw errors.noSuch('balance transaction', path.id, 'id');
      return toWire(txn);
    },
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/balance_transactions',
    params: listParamsSchema,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string> = {};
      if (params.currency !== undefined) where.currency = params.currency.toLowerCase();
      if (params.type !== undefined) where.type = params.type;
      if (params.source !== undefined) where.source = params.source;
      // Cashbook has no payouts: a payout filter matches nothing.
      if (params.payout !== undefined) return { object: 'list', data: [], has_more: false, url: '/v1/balance_transactions' };
      return listObjects(tx, ctx, 'balance_transactions', 'balance_transaction', '/v1/balance_transactions', params, where);
    },
  });
}
