// Cashbook routes for the bank ranges of virtual accounts (live mode issues none without one):
//   POST/GET /cashbook/v1/virtual_account_ranges
import type { FastifyInstance } from 'fastify';
import { RANGE_TYPES } from '../../core/virtual-account-range.ts';
import { listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { setRange } from './service.ts';

export const RANGES_PATH = '/cashbook/v1/virtual_account_ranges';

const rangeParams = paramsObject({
  type: param.enumOf(RANGE_TYPES),
  country: param.string({ max: 2 }).optional(),
  bank_name: param.string({ max: 70 }),
  bic: param.string({ max: 14 }).optional(),
  routing_number: param.string({ max: 12 }).optional(),
  sort_code: param.string({ max: 8 }).optional(),
  prefix: param.string({ max: 40 }).optional(),
  account_number_length: param.integer({ min: 4, max: 17 }).optional(),
});

export function virtualAccountRangeRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: RANGES_PATH,
    params: rangeParams,
    handler: async ({ ctx, tx, params }) => toWire(await setRange(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: RANGES_PATH,
    params: paramsObject({ ...listParams }),
    handler: async ({ ctx, tx, params }) => listObjects(tx, ctx, 'virtual_account_ranges', 'virtual_account_range', RANGES_PATH, params),
  });
}
