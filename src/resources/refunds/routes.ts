import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { errors } from '../../core/errors.ts';
import { cancelRefund, expireRefund, submitBankDetails, updateRefund } from './lifecycle.ts';
import type { Refund } from './object.ts';
import { createRefundParams, emptyParams, listRefundsParams, refundToCashBalanceParams, submitBankDetailsParams, updateRefundParams } from './params.ts';
import { createPaymentRefund, createReturn, refundToCashBalance } from './service.ts';
import './unreconciled.ts';

const loader = async (tx: Parameters<Parameters<typeof registerLoader>[1]>[0], ctx: Parameters<Parameters<typeof registerLoader>[1]>[1], id: string) => {
  const refund = await tx.get<Refund>('refunds', ctx.accountId, id);
  return refund && toWire(refund);
};
registerLoader('re', loader);
registerLoader('pyr', loader);
registerExpandable('refund', ['balance_transaction', 'charge', 'failure_balance_transaction', 'payment_intent']);

export function refundRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/refunds',
    params: createRefundParams,
    handler: async ({ ctx, tx, params }) =>
      toWire(params.origin === 'customer_balance' ? await createReturn(tx, ctx, params) : await createPaymentRefund(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/refunds/:refund',
    params: emptyParams,
    handler: async ({ ctx, tx, path }) => {
      const refund = await tx.get<Refund>('refunds', ctx.accountId, path.refund);
      if (!refund) throw errors.noSuch('refund', path.refund, 'refund');
      return toWire(refund);
    },
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/refunds/:refund',
    params: updateRefundParams,
    handler: async ({ ctx, tx, params, path }) => toWire(await updateRefund(tx, ctx, path.refund, params.metadata)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/refunds',
    params: listRefundsParams,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string> = {};
      if (params.charge !== undefined) where.charge = params.charge;
      if (params.payment_intent !== undefined) where.payment_intent = params.payment_intent;
      return listObjects(tx, ctx, 'refunds', 'refund', '/v1/refunds', params, where);
    },
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/refunds/:refund/cancel',
    params: emptyParams,
    handler: async ({ ctx, tx, path }) => toWire(await cancelRefund(tx, ctx, path.refund)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/test_helpers/refunds/:refund/expire',
    params: emptyParams,
    testModeOnly: true,
    handler: async ({ ctx, tx, path }) => toWire(await expireRefund(tx, ctx, path.refund)),
  });
  // Cashbook extensions (not Stripe paths): what Stripe offers only in its Dashboard and its
  // hosted bank-details page.
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/cashbook/v1/payment_intents/:intent/refund_to_cash_balance',
    params: refundToCashBalanceParams,
    handler: async ({ ctx, tx, params, path }) => toWire(await refundToCashBalance(tx, ctx, path.intent, params)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/cashbook/v1/test_helpers/refunds/:refund/submit_bank_details',
    params: submitBankDetailsParams,
    testModeOnly: true,
    handler: async ({ ctx, tx, params, path }) => toWire(await submitBankDetails(tx, ctx, path.refund, params)),
  });
}
