import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { loadPaymentMethod, type PaymentMethod } from './service.ts';

registerLoader('pm', async (tx, ctx, id) => {
  const method = await tx.get<PaymentMethod>('payment_methods', ctx.accountId, id);
  return method && toWire(method);
});
registerExpandable('payment_method', ['customer']);

export function paymentMethodRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/payment_methods/:payment_method',
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => toWire(await loadPaymentMethod(tx, ctx, path.payment_method)),
  });
}
