// Test clocks: a frozen time that objects of a customer on the clock see, moved only by
// `advance`, which runs the clock's due jobs in order at their own due times.
import { ApiError, errors } from '../../core/errors.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { emitEvent } from '../events/emit.ts';
import { moneyOnItsWayBack, type Customer } from '../customers/service.ts';
import { runClockJobs } from '../scheduler/run.ts';
import type { ScheduledJob } from '../scheduler/jobs.ts';

export interface TestClock extends StoredObject {
  object: 'test_helpers.test_clock';
  frozen_time: number;
  name: string | null;
  status: 'ready' | 'advancing' | 'internal_failure';
  livemode: boolean;
  deletes_after: number;
  /** While advancing: the frozen_time it is moving to. */
  _target_frozen_time?: number;
}

/** Stripe deletes test clocks 30 days after creation. */
const CLOCK_LIFETIME_SECONDS = 30 * 86_400;

export async function loadClock(tx: ReadTx, ctx: RequestContext, id: string, param = 'test_clock'): Promise<TestClock> {
  const clock = await tx.get<TestClock>('test_clocks', ctx.accountId, id);
  if (!clock) throw errors.noSuch('test_helpers.test_clock', id, param);
  return clock;
}

/** The context for work on a customer: on a test clock, time is the clock's frozen time. */
export async function customerContext(tx: ReadTx, ctx: RequestContext, customer: Pick<Customer, 'test_clock'>): Promise<RequestContext> {
  if (!customer.test_clock) return ctx;
  const clock = await tx.get<TestClock>('test_clocks', ctx.accountId, customer.test_clock);
  if (!clock) return ctx;
  const time = clock.frozen_time;
  return { ...ctx, clock: { nowSeconds: () => time }, requestClock: ctx.requestClock ?? ctx.clock };
}

export async function createClock(tx: Tx, ctx: RequestContext, params: { frozen_time: number; name?: string }): Promise<TestClock> {
  const created = ctx.clock.nowSeconds();
  const clock: TestClock = {
    id: ctx.ids('clock'),
    object: 'test_helpers.test_clock',
    created,
    deletes_after: created + CLOCK_LIFETIME_SECONDS,
    frozen_time: params.frozen_time,
    livemode: ctx.livemode,
    name: params.name ?? null,
    status: 'ready',
  };
  await tx.insert('test_clocks', ctx.accountId, clock);
  await emitEvent(tx, ctx, 'test_helpers.test_clock.created', clock);
  return clock;
}

/**
 * Starts moving the clock forward, as Stripe does: the clock answers `advancing` with its
 * frozen time unchanged, and the advancer (advancer.ts) runs what comes due on the way, in
 * small transactions, then sets the clock `ready` at `frozenTime`.
 */
export async function startAdvance(tx: Tx, ctx: RequestContext, id: string, frozenTime: number): Promise<TestClock> {
  const clock = await tx.getForUpdate<TestClock>('test_clocks', ctx.accountId, id);
  if (!clock) throw errors.noSuch('test_helpers.test_clock', id, 'test_clock');
  if (clock.status === 'advancing') {
    throw new ApiError(`The test clock ${id} is advancing; wait until its status is ready before advancing it again.`, { param: 'test_clock' });
  }
  if (frozenTime <= clock.frozen_time) {
    throw new ApiError(`The frozen_time must be greater than the test clock's current frozen_time (${clock.frozen_time}).`, { param: 'frozen_time' });
  }
  clock.status = 'advancing';
  clock._target_frozen_time = frozenTime;
  await tx.update('test_clocks', ctx.accountId, clock);
  await emitEvent(tx, ctx, 'test_helpers.test_clock.advancing', clock);
  return clock;
}

/**
 * One slice of an advance: runs the clock's due jobs while the budget lasts (each at its own due
 * time) and, when none is left, sets the clock `ready` at its target. Returns whether the
 * clock is still advancing.
 */
export async function advanceSlice(tx: Tx, ctx: RequestContext, id: string, budget: { jobs: number; spent: () => boolean }): Promise<boolean> {
  const clock = await tx.getForUpdate<TestClock>('test_clocks', ctx.accountId, id);
  if (!clock || clock.status !== 'advancing' || clock._target_frozen_time === undefined) return false;
  const target = clock._target_frozen_time;
  const { done } = await runClockJobs(tx, ctx, id, target, budget, async (time) => {
    if (time <= clock.frozen_time) return;
    clock.frozen_time = time;
    await tx.update('test_clocks', ctx.accountId, clock);
  });
  if (!done) return true;
  clock.frozen_time = target;
  clock.status = 'ready';
  delete clock._target_frozen_time;
  await tx.update('test_clocks', ctx.accountId, clock);
  await emitEvent(tx, ctx, 'test_helpers.test_clock.ready', clock);
  return false;
}

/** Deletes the clock with its customers (as Stripe does) and drops their pending jobs. */
export async function deleteClock(tx: Tx, ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  const clock = await tx.getForUpdate<TestClock>('test_clocks', ctx.accountId, id);
  if (!clock) throw errors.noSuch('test_helpers.test_clock', id, 'test_clock');
  // Deleting mid-advance would cancel the rest of its due work (returns, sweeps) half done.
  if (clock.status === 'advancing') throw new ApiError(`The test clock ${id} is advancing; wait until its status is ready before deleting it.`, { param: 'test_clock' });
  const customers = (await tx.all<Customer>('customers', ctx.accountId, { test_clock: id })).filter((customer) => !customer._deleted);
  for (const customer of customers) {
    // Stripe deletes everything; a return or payment in flight would be left with no customer to finish it, so they go first.
    const held = await moneyOnItsWayBack(tx, ctx.accountId, customer.id, { openInvoices: false }); // an open invoice goes with its customer, as at Stripe
    if (held) throw new ApiError(`This test clock's customer ${customer.id} has money on its way (${held}): cancel it (or let the return or refund complete) before deleting the clock.`, { param: 'test_clock' });
  }
  for (const customer of customers) {
    await tx.update('customers', ctx.accountId, { ...customer, _deleted: true });
    await emitEvent(tx, await customerContext(tx, ctx, customer), 'customer.deleted', customer);
  }
  for (const job of await tx.all<ScheduledJob>('scheduled_jobs', ctx.accountId, { test_clock: id, status: 'pending' })) {
    await tx.update('scheduled_jobs', ctx.accountId, { ...job, status: 'canceled' });
  }
  await tx.remove('test_clocks', ctx.accountId, id);
  await emitEvent(tx, ctx, 'test_helpers.test_clock.deleted', clock);
  return { id, object: 'test_helpers.test_clock', deleted: true };
}
