// The search API: GET /v1/{customers,payment_intents,charges,invoices}/search with Stripe's
// query language (src/core/search/). Each request reads at most SCAN_ROWS rows of the
// account's table, newest first (narrowed to an indexed column when the query pins one);
// when that budget runs out first the page is short, has_more is true and next_page
// continues the scan where it stopped, so no request does unbounded work.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import { checkSearchQuery, matchesSearch, requiredEquality, type SearchResource } from '../../core/search/fields.ts';
import { parseSearchQuery, SearchQueryError, type SearchQuery } from '../../core/search/query.ts';
import type { ReadTx, StoredObject } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { presentInvoice, type Invoice } from '../invoices/object.ts';

/** Rows read per request at most, whatever the query. */
export const SCAN_ROWS = 1_000;
const STORE_PAGE = 100;

interface Searchable {
  resource: SearchResource;
  table: string;
  /** Indexed columns an exact clause can narrow the scan to. */
  columns: string[];
  /** Fixed filters (deleted customers are not searchable). */
  where?: Record<string, string | number | null>;
  present: (tx: ReadTx, ctx: RequestContext, row: StoredObject) => Promise<Record<string, unknown>>;
}

const plain = async (_tx: ReadTx, _ctx: RequestContext, row: StoredObject) => toWire(row);

const SEARCHABLE: Searchable[] = [
  { resource: 'customers', table: 'customers', columns: [], where: { _deleted: null }, present: plain },
  { resource: 'payment_intents', table: 'payment_intents', columns: ['customer', 'status', 'currency'], present: plain },
  { resource: 'charges', table: 'charges', columns: ['customer', 'payment_intent'], present: plain },
  { resource: 'invoices', table: 'invoices', columns: ['customer', 'status', 'currency'], present: (tx, ctx, row) => presentInvoice(tx, ctx, row as Invoice) },
];

const searchParams = paramsObject({
  query: param.string({ max: 1_000 }),
  limit: param.integer({ min: 1, max: 100 }).optional(),
  page: param.string({ max: 500 }).optional(),
});

function queryHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

/** next_page: where the scan stopped, tied to its query so a page of another query is refused. */
function pageToken(text: string, lastId: string): string {
  return Buffer.from(JSON.stringify({ q: queryHash(text), after: lastId })).toString('base64url');
}

function readPageToken(text: string, token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { q?: unknown; after?: unknown };
    if (decoded.q === queryHash(text) && typeof decoded.after === 'string') return decoded.after;
  } catch {
    // falls through to the error below
  }
  throw new ApiError('Invalid page: it must be the next_page of an earlier search with the same query.', { param: 'page' });
}

function parse(resource: SearchResource, text: string): SearchQuery {
  try {
    const query = parseSearchQuery(text);
    checkSearchQuery(resource, query);
    return query;
  } catch (error) {
    if (error instanceof SearchQueryError) throw new ApiError(error.message, { param: 'query' });
    throw error;
  }
}

async function search(tx: ReadTx, ctx: RequestContext, searchable: Searchable, params: { query: string; limit?: number; page?: string }) {
  const query = parse(searchable.resource, params.query);
  const limit = params.limit ?? 10;
  const where: Record<string, string | number | null> = { ...searchable.where };
  for (const column of searchable.columns) {
    const pinned = requiredEquality(searchable.resource, query, column);
    if (pinned !== undefined) where[column] = pinned;
  }
  let cursor = params.page === undefined ? undefined : readPageToken(params.query, params.page);
  if (cursor !== undefined && !(await tx.get(searchable.table, ctx.accountId, cursor))) {
    throw new ApiError('Invalid page: the object it continues from no longer exists.', { param: 'page' });
  }
  const data: Record<string, unknown>[] = [];
  let scanned = 0;
  let more = true;
  while (data.length < limit && scanned < SCAN_ROWS && more) {
    const page = await tx.list<StoredObject>(searchable.table, ctx.accountId, { where, limit: Math.min(STORE_PAGE, SCAN_ROWS - scanned), startingAfter: cursor });
    more = page.hasMore;
    for (const [index, row] of page.data.entries()) {
      scanned++;
      cursor = row.id;
      const object = await searchable.present(tx, ctx, row);
      if (matchesSearch(searchable.resource, query, object)) data.push(object);
      if (data.length === limit) {
        more = more || index < page.data.length - 1;
        break;
      }
    }
  }
  return {
    object: 'search_result',
    data,
    has_more: more,
    next_page: more && cursor !== undefined ? pageToken(params.query, cursor) : null,
    url: `/v1/${searchable.resource}/search`,
  };
}

export function searchRoutes(app: FastifyInstance, deps: AppDeps): void {
  for (const searchable of SEARCHABLE) {
    addReadRoute(app, deps, {
      method: 'GET',
      url: `/v1/${searchable.resource}/search`,
      params: searchParams,
      handler: async ({ ctx, tx, params }) => search(tx, ctx, searchable, params),
    });
  }
}
