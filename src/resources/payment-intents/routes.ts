import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { publicBaseUrlFor } from '../hosted-instructions/routes.ts';
import { intentWire, type PaymentIntent } from './object.ts';
import { applyBalanceParams, cancelIntentParams, confirmIntentParams, createIntentParams, listIntentsParams, retrieveIntentParams, updateIntentParams } from './params.ts';
import { applyCustomerBalance, cancelIntent, confirmIntent, createIntent, loadIntent, updateIntent } from './service.ts';

registerLoader('pi', async (tx, ctx, id) => {
  const intent = await tx.get<PaymentIntent>('payment_intents', ctx.accountId, id);
  return intent && intentWire(intent);
});
registerExpandable('payment_intent', ['customer', 'payment_method', 'latest_charge', 'invoice', 'application', 'on_behalf_of', 'review']);

export function paymentIntentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const options = () => ({ baseUrl: publicBaseUrlFor(app, deps) });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/payment_intents',
    params: createIntentParams,
    handler: async ({ ctx, tx, params }) => intentWire(await createIntent(tx, ctx, params, options())),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/payment_intents/:intent',
    params: retrieveIntentParams,
    handler: async ({ ctx, tx, path }) => intentWire(await loadIntent(tx, ctx, path.intent)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/payment_intents/:intent',
    params: updateIntentParams,
    handler: async ({ ctx, tx, params, path }) => intentWire(await updateIntent(tx, ctx, path.intent, params)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/payment_intents/:intent/confirm',
    params: confirmIntentParams,
    handler: async ({ ctx, tx, params, path }) => intentWire(await confirmIntent(tx, ctx, path.intent, params, options())),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/payment_intents/:intent/cancel',
    params: cancelIntentParams,
    handler: async ({ ctx, tx, params, path }) => intentWire(await cancelIntent(tx, ctx, path.intent, params.cancellation_reason)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/payment_intents/:intent/apply_customer_balance',
    params: applyBalanceParams,
    handler: async ({ ctx, tx, params, path }) => intentWire(await applyCustomerBalance(tx, ctx, path.intent, params, options())),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/payment_intents',
    params: listIntentsParams,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string> = {};
      if (params.customer !== undefined) where.customer = params.customer;
      return listObjects(tx, ctx, 'payment_intents', 'payment_intent', '/v1/payment_intents', params, where);
    },
  });
}
