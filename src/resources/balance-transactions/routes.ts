import type { FastifyInstance } from 'fastify';
import { errors } from '../../core/errors.ts';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { createdParam, listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import type { BalanceTransaction } from './service.ts';

/** Every type Stripe's `type` filter takes (its description's list): an unknown one is a 400, a known one Cashbook never books lists nothing. */
const STRIPE_BALANCE_TRANSACTION_TYPES = ['adjustment', 'advance', 'advance_funding', 'anticipation_repayment', 'application_fee', 'application_fee_refund', 'charge', 'climate_order_purchase', 'climate_order_refund', 'connect_collection_transfer', 'contribution', 'issuing_authorization_hold', 'issuing_authorization_release', 'issuing_dispute', 'issuing_transaction', 'obligation_outbound', 'obligation_reversal_inbound', 'payment', 'payment_failure_refund', 'payment_network_reserve_hold', 'payment_network_reserve_release', 'payment_refund', 'payment_reversal', 'payment_unreconciled', 'payout', 'payout_cancel', 'payout_failure', 'refund', 'refund_failure', 'reserve_transaction', 'reserved_funds', 'stripe_fee', 'stripe_fx_fee', 'tax_fee', 'topup', 'topup_reversal', 'transfer', 'transfer_cancel', 'transfer_failure', 'transfer_refund'] as const;
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
  type: param.enumOf(STRIPE_BALANCE_TRANSACTION_TYPES).optional(),
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
