import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerIncludable, registerLoader } from '../../wire/expand.ts';
import { createdParam, listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { loadCharge, type Charge } from './service.ts';

const loader = async (tx: Parameters<Parameters<typeof registerLoader>[1]>[0], ctx: Parameters<Parameters<typeof registerLoader>[1]>[1], id: string) => {
  const charge = await tx.get<Charge>('charges', ctx.accountId, id);
  return charge && toWire(charge);
};
registerLoader('py', loader);
registerLoader('ch', loader);
registerExpandable('charge', ['customer', 'payment_intent', 'balance_transaction', 'invoice']);
// Not on a charge since API version 2022-11-15 unless expanded: its first 10 refunds, newest first, as GET /v1/refunds?charge= lists them.
registerIncludable('charge', 'refunds', async (tx, ctx, object) =>
  listObjects(tx, ctx, 'refunds', 'refund', `/v1/charges/${object.id as string}/refunds`, { limit: 10 }, { charge: object.id as string }));

const listChargesParams = paramsObject({
  ...listParams,
  ...createdParam,
  customer: param.string({ max: 255 }).optional(),
  payment_intent: param.string({ max: 255 }).optional(),
});

export function chargeRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/charges/:charge',
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => toWire(await loadCharge(tx, ctx, path.charge)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/charges',
    params: listChargesParams,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string> = {};
      if (params.customer !== undefined) where.customer = params.customer;
      if (params.payment_intent !== undefined) where.payment_intent = params.payment_intent;
      return listObjects(tx, ctx, 'charges', 'charge', '/v1/charges', params, where);
    },
  });
}
