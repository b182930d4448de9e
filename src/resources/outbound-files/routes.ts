// Cashbook routes for money out: the merchant's bank accounts and the payment files.
//   POST/GET /cashbook/v1/merchant_bank_accounts
//   POST/GET /cashbook/v1/outbound_transfer_files, GET …/:id, GET …/:id/content
import type { FastifyInstance } from 'fastify';
import { listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, addWriteRoute, authenticateRequest, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { createOutboundFile, loadOutboundFile, setMerchantBankAccount } from './service.ts';

const currency = param.enumOf(['eur', 'gbp', 'usd']);
const accountParams = paramsObject({
  currency,
  account_holder_name: param.string({ max: 70 }),
  iban: param.string({ max: 40 }).optional(),
  bic: param.string({ max: 11 }).optional(),
  routing_number: param.string({ max: 9 }).optional(),
  account_number: param.string({ max: 17 }).optional(),
  company_id: param.string({ max: 10 }).optional(),
});

const BASE = '/cashbook/v1/outbound_transfer_files';

export function outboundFileRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/cashbook/v1/merchant_bank_accounts',
    params: accountParams,
    handler: async ({ ctx, tx, params }) => toWire(await setMerchantBankAccount(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/cashbook/v1/merchant_bank_accounts',
    params: paramsObject({ ...listParams }),
    handler: async ({ ctx, tx, params }) => listObjects(tx, ctx, 'merchant_bank_accounts', 'merchant_bank_account', '/cashbook/v1/merchant_bank_accounts', params),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: BASE,
    params: paramsObject({ currency }),
    handler: async ({ ctx, tx, params }) => toWire(await createOutboundFile(tx, ctx, params.currency)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: BASE,
    params: paramsObject({ ...listParams }),
    handler: async ({ ctx, tx, params }) => listObjects(tx, ctx, 'outbound_transfer_files', 'outbound_transfer_file', BASE, params),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: `${BASE}/:id`,
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => toWire(await loadOutboundFile(tx, ctx, path.id)),
  });
  app.get(`${BASE}/:id/content`, async (request, reply) => {
    const ctx = await authenticateRequest(deps, request);
    const file = await deps.store.read((tx) => loadOutboundFile(tx, ctx, (request.params as { id: string }).id));
    const type = file.format === 'nacha' ? 'text/plain; charset=us-ascii' : 'application/xml; charset=utf-8';
    const name = `${file.id}.${file.format === 'nacha' ? 'ach' : 'xml'}`;
    return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).send(file._content);
  });
}
