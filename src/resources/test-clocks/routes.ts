import type { FastifyInstance } from 'fastify';
import { registerLoader } from '../../wire/expand.ts';
import { listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { createClock, deleteClock, loadClock, startAdvance, type TestClock } from './service.ts';

registerLoader('clock', async (tx, ctx, id) => {
  const clock = await tx.get<TestClock>('test_clocks', ctx.accountId, id);
  return clock && toWire(clock);
});

const MAX_TIME = 253_402_300_799; // 9999-12-31

const createParams = paramsObject({ frozen_time: param.integer({ min: 0, max: MAX_TIME }), name: param.string({ max: 300 }).optional() });
const advanceParams = paramsObject({ frozen_time: param.integer({ min: 0, max: MAX_TIME }) });
const BASE = '/v1/test_helpers/test_clocks';

export function testClockRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: BASE,
    params: createParams,
    testModeOnly: true,
    handler: async ({ ctx, tx, params }) => toWire(await createClock(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: `${BASE}/:test_clock`,
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => toWire(await loadClock(tx, ctx, path.test_clock)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: BASE,
    params: paramsObject({ ...listParams }),
    handler: async ({ ctx, tx, params }) => listObjects(tx, ctx, 'test_clocks', 'test_helpers.test_clock', BASE, params),
  });
  addWriteRoute(app, deps, {
    method: 'DELETE',
    url: `${BASE}/:test_clock`,
    params: paramsObject({}),
    testModeOnly: true,
    handler: async ({ ctx, tx, path }) => deleteClock(tx, ctx, path.test_clock),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: `${BASE}/:test_clock/advance`,
    params: advanceParams,
    testModeOnly: true,
    handler: async ({ ctx, tx, params, path }) => {
      const clock = await startAdvance(tx, ctx, path.test_clock, params.frozen_time);
      // The advancer's first slice waits for this transaction (it locks the clock row).
      deps.advancer.kick(ctx.accountId, ctx.livemode, clock.id);
      return toWire(clock);
    },
  });
}
