// Reading events: retrieval and the filtered list, both limited to the last 30 days (counted
// from `_retained_from`: the later of `created` and when the event was recorded).
import { ApiError, errors } from '../../core/errors.ts';
import { expandTypePattern, isValidTypePattern } from '../../core/event-types.ts';
import type { ReadTx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { listEnvelope, toListQuery } from '../../wire/list.ts';
import { toWire } from '../../wire/wire-object.ts';
import type { EventObject } from './emit.ts';
import type { ListEventsParams } from './params.ts';

export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

function retentionCutoff(ctx: RequestContext): number {
  return ctx.clock.nowSeconds() - EVENT_RETENTION_SECONDS;
}

/** An event of the last 30 days, or undefined (older ones are gone, as at Stripe). */
export async function findEvent(tx: ReadTx, ctx: RequestContext, id: string): Promise<EventObject | undefined> {
  const event = await tx.get<EventObject>('events', ctx.accountId, id);
  return event && (event._retained_from ?? event.created) >= retentionCutoff(ctx) ? event : undefined;
}

export async function retrieveEvent(tx: ReadTx, ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  const event = await findEvent(tx, ctx, id);
  if (!event) throw errors.noSuch('event', id);
  return toWire(event);
}

function typeFilter(params: ListEventsParams): string[] | null {
  if (params.type !== undefined && params.types !== undefined) {
    throw new ApiError('You may only specify one of these parameters: type, types.', { code: 'parameters_exclusive', param: 'types' });
  }
  if (params.types !== undefined) {
    // A wildcard inside types[] is not documented; we accept it the same way as in `type`.
    const names = new Set<string>();
    for (const pattern of params.types) {
      if (!isValidTypePattern(pattern)) throw new ApiError(`Invalid event type pattern: ${pattern}`, { param: 'types' });
      const expanded = expandTypePattern(pattern);
      if (expanded === null) return null;
      for (const name of expanded) names.add(name);
    }
    return [...names];
  }
  if (params.type !== undefined) {
    if (!isValidTypePattern(params.type)) {
      throw new ApiError(`Invalid event type pattern: ${params.type}. Use an event type or a prefix ending in '.*'.`, { param: 'type' });
    }
    return expandTypePattern(params.type);
  }
  return null;
}

export async function listEvents(tx: ReadTx, ctx: RequestContext, params: ListEventsParams): Promise<Record<string, unknown>> {
  const where: Record<string, number> = {};
  if (params.delivery_success !== undefined) where._delivery_success = params.delivery_success ? 1 : 0;
  const query = toListQuery(params, where);
  const types = typeFilter(params);
  if (types !== null) query.whereIn = { type: types };
  query.atLeast = { _retained_from: retentionCutoff(ctx) };
  for (const [name, cursor] of [['starting_after', query.startingAfter], ['ending_before', query.endingBefore]] as const) {
    if (cursor !== undefined && !(await findEvent(tx, ctx, cursor))) {
      throw new ApiError(`No such event: '${cursor}'`, { status: 404, code: 'resource_missing', param: name });
    }
  }
  const page = await tx.list<EventObject>('events', ctx.accountId, query);
  return listEnvelope('/v1/events', { data: page.data.map(toWire), hasMore: page.hasMore });
}
