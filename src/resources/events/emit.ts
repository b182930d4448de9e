// Events are written in the same transaction as the change they describe (an outbox).
import type { StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { toWire } from '../../wire/wire-object.ts';

export const API_VERSION = '2024-04-10';

export interface EventObject extends StoredObject {
  object: 'event';
  type: string;
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
  const event: EventObject = {
    id: ctx.ids('evt'),
    object: 'event',
    account: null,
    api_version: API_VERSION,
    created: ctx.clock.nowSeconds(),
    data,
    livemode: ctx.livemode,
    pending_webhooks: 0,
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
    type,
  };
  await tx.insert('events', ctx.accountId, event);
  return event;
}
