import type { FastifyInstance } from 'fastify';
import { registerLoader } from '../../wire/expand.ts';
import { listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { createEndpointParams, listEndpointsParams, retrieveEndpointParams, updateEndpointParams } from './params.ts';
import { createEndpoint, deleteEndpoint, loadEndpoint, updateEndpoint, type WebhookEndpoint } from './service.ts';

registerLoader('we', async (tx, ctx, id) => {
  const endpoint = await tx.get<WebhookEndpoint>('webhook_endpoints', ctx.accountId, id);
  return endpoint ? toWire(endpoint) : undefined;
});

export function webhookEndpointRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/webhook_endpoints',
    params: createEndpointParams,
    handler: async ({ ctx, tx, params }) => createEndpoint(tx, ctx, params),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/webhook_endpoints/:webhook_endpoint',
    params: retrieveEndpointParams,
    handler: async ({ ctx, tx, path }) => toWire(await loadEndpoint(tx, ctx, path.webhook_endpoint)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/webhook_endpoints/:webhook_endpoint',
    params: updateEndpointParams,
    handler: async ({ ctx, tx, params, path }) => toWire(await updateEndpoint(tx, ctx, path.webhook_endpoint, params)),
  });
  addWriteRoute(app, deps, {
    method: 'DELETE',
    url: '/v1/webhook_endpoints/:webhook_endpoint',
    params: retrieveEndpointParams,
    handler: async ({ ctx, tx, path }) => deleteEndpoint(tx, ctx, path.webhook_endpoint),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/webhook_endpoints',
    params: listEndpointsParams,
    handler: async ({ ctx, tx, params }) => listObjects(tx, ctx, 'webhook_endpoints', 'webhook_endpoint', '/v1/webhook_endpoints', params),
  });
}
