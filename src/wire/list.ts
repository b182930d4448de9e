// List conventions: limit 1..100 (default 10), exclusive cursors, created filters, newest first.
import { z } from 'zod';
import { ApiError, errors } from '../core/errors.ts';
import type { CreatedFilter, ListPage, ListQuery } from '../store/types.ts';
import { param } from './params.ts';

const createdRange = z.union([
  param.integer({ min: 0 }),
  z.strictObject({
    gt: param.integer({ min: 0 }).optional(),
    gte: param.integer({ min: 0 }).optional(),
    lt: param.integer({ min: 0 }).optional(),
    lte: param.integer({ min: 0 }).optional(),
  }),
]);

export const listParams = {
  limit: param.integer({ min: 1, max: 100 }).optional(),
  starting_after: param.string({ max: 255 }).optional(),
  ending_before: param.string({ max: 255 }).optional(),
};

export const createdParam = { created: createdRange.optional() };

export interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?: number | CreatedFilter;
}

export function toListQuery(params: ListParams, where: ListQuery['where'] = {}): ListQuery {
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw new ApiError('You may only specify one of these parameters: ending_before, starting_after.', {
      code: 'parameters_exclusive',
      param: 'ending_before',
    });
  }
  const created = typeof params.created === 'number' ? { gte: params.created, lte: params.created } : params.created;
  return {
    where,
    created,
    limit: params.limit ?? 10,
    startingAfter: params.starting_after,
    endingBefore: params.ending_before,
  };
}

export interface ListEnvelope<T> {
  [field: string]: unknown;
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export function listEnvelope<T>(url: string, page: ListPage<T>): ListEnvelope<T> {
  return { object: 'list', data: page.data, has_more: page.hasMore, url };
}

import type { ReadTx, StoredObject } from '../store/types.ts';
import type { RequestContext } from './context.ts';
import { toWire } from './wire-object.ts';

/** Reads one page of a table as a Stripe list; an unknown cursor is a 404, as for any id. */
export async function listObjects<T extends StoredObject>(
  tx: ReadTx,
  ctx: RequestContext,
  table: string,
  objectName: string,
  url: string,
  params: ListParams,
  where: ListQuery['where'] = {},
  whereNotNull?: string[],
): Promise<ListEnvelope<Record<string, unknown>>> {
  const query = { ...toListQuery(params, where), whereNotNull };
  for (const [name, cursor] of [['starting_after', query.startingAfter], ['ending_before', query.endingBefore]] as const) {
    if (cursor !== undefined && !(await tx.get(table, ctx.accountId, cursor))) {
      throw new ApiError(`No such ${objectName}: '${cursor}'`, { status: 404, code: 'resource_missing', param: name });
    }
  }
  const page = await tx.list<T>(table, ctx.accountId, query);
  return listEnvelope(url, { data: page.data.map(toWire), hasMore: page.hasMore });
}

/**
 * A nested list's cursors (starting_after, ending_before) must be objects of its parent: another
 * customer's transaction is unknown in this customer's list, as its retrieve there would be.
 */
export async function assertCursorsOf(tx: ReadTx, ctx: RequestContext, table: string, objectName: string, params: ListParams, field: string, owner: string): Promise<void> {
  if (params.starting_after !== undefined && params.ending_before !== undefined) return; // refused as a pair by toListQuery
  for (const name of ['starting_after', 'ending_before'] as const) {
    const cursor = params[name];
    if (cursor === undefined) continue;
    const row = await tx.get<StoredObject & Record<string, unknown>>(table, ctx.accountId, cursor);
    if (!row || row[field] !== owner) throw errors.noSuch(objectName, cursor, name);
  }
}
