import type { FastifyInstance } from 'fastify';
import { registerLoader } from '../../wire/expand.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { webhookEndpointRoutes } from '../webhook-endpoints/routes.ts';
import { listEventsParams, retrieveEventParams } from './params.ts';
import { findEvent, listEvents, retrieveEvent } from './service.ts';

registerLoader('evt', async (tx, ctx, id) => {
  const event = await findEvent(tx, ctx, id);
  return event ? toWire(event) : undefined;
});

export function eventRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/events/:id',
    params: retrieveEventParams,
    handler: async ({ ctx, tx, path }) => retrieveEvent(tx, ctx, path.id),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/events',
    params: listEventsParams,
    handler: async ({ ctx, tx, params }) => listEvents(tx, ctx, params),
  });
}

/** Events and webhook endpoints: the one entry app.ts registers. */
export function eventsAndWebhooksRoutes(app: FastifyInstance, deps: AppDeps): void {
  eventRoutes(app, deps);
  webhookEndpointRoutes(app, deps);
}
