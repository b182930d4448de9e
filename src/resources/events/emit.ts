// Events are written in the same transaction as the change they describe (an outbox), and
// so is the pending delivery to the matching webhook endpoints (a mark on the event row, which
// the worker fans out into one delivery per endpoint): nothing committed is ever lost.
import type { StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { toWire } from '../../wire/wire-object.ts';
import { routeEvent } from '../webhook-endpoints/routing.ts';

export const API_VERSION = '2024-04-10';

export interface EventObject extends StoredObject {
  object: 'event';
  type: string;
  pending_webhooks: number;
  /** 1 when every endpoint it was sent to acknowledged it (the `delivery_success` filter). */
  _delivery_success?: number;
  /** Set while the event waits to be fanned out (ms since epoch, wall clock); then null. */
  _fanout_due_at?: number | null;
  /** The endpoints it is to be delivered to, chosen when it was emitted; removed by the fan-out. */
  _endpoints?: string[];
  /** Where its 30 days of retention start: the later of `created` (a test clock's time, maybe past) and when it was recorded. */
  _retained_from?: number;
}

/** Internal: one event to one endpoint. `next_attempt_at` is ms since epoch, null once finished. */
export interface Delivery extends StoredObject {
  object: 'webhook_delivery';
  event: string;
  endpoint: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  attempts: number;
  next_attempt_at: number | null;
  /** Set by the first attempt. */
  last_attempt_at?: number | null;
  last_status?: number | null;
  last_error?: string | null;
  /** Token of the worker claim that holds it. */
  _claim?: string;
}

/** Internal, before migration 8: an event waiting to be fanned out into one delivery per endpoint. */
export interface OutboxRow extends StoredObject {
  event: string;
  endpoints: string[];
  due_at: number;
}

export async function emitEvent(
  tx: Tx,
  ctx: RequestContext,
  type: string,
  object: object,
  previousAttributes?: Record<string, unknown>,
): Promise<EventObject> {
  const data: Record<string, unknown> = { object: toWire(object) };
  if (previousAttributes) data.previous_attributes = previousAttributes;
  const endpoints = await routeEvent(tx, ctx.accountId, ctx.livemode, type);
  const created = ctx.clock.nowSeconds();
  // `account` is only for Connect events and `context` is newer than our schema: both left out.
  const event: EventObject = {
    id: ctx.ids('evt'),
    object: 'event',
    api_version: API_VERSION,
    created,
    data,
    livemode: ctx.livemode,
    pending_webhooks: endpoints.length,
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
    type,
    _delivery_success: endpoints.length === 0 ? 1 : 0,
    // An event at a back-dated test clock's time is kept 30 days from when it was made, like any other.
    _retained_from: Math.max(created, (ctx.requestClock ?? ctx.clock).nowSeconds()),
  };
  if (endpoints.length > 0) {
    // Due now (wall clock, in ms): the worker fans it out after commit, whatever a test clock says.
    event._fanout_due_at = Date.now();
    event._endpoints = endpoints;
  }
  await tx.insert('events', ctx.accountId, event);
  return event;
}
