// Runs due jobs: each in a savepoint, marked done (or failed, with its error) in the same
// transaction as its effects, so a job runs once even across restarts and concurrent runners.
// Work is cut into small transactions (a few dozen jobs), with a yield to the event loop
// between them, so a backlog never holds up the requests around it.
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { isTransientConflict } from '../../store/conflict.ts';
import type { DueRow, Store, Tx } from '../../store/types.ts';
import { systemContext, type RequestContext } from '../../wire/context.ts';
import { jobHandler, type ScheduledJob } from './jobs.ts';

/** A slice ends after this many jobs or this much time, whichever comes first. */
export const SLICE_JOBS = 25;
export const SLICE_MS = 8;

/** A budget for one slice, measured on the process clock (not the clock jobs run at). */
export function sliceBudget(): { jobs: number; spent: () => boolean } {
  const start = performance.now();
  return { jobs: SLICE_JOBS, spent: () => performance.now() - start >= SLICE_MS };
}

export const yieldToRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function runJob(tx: Tx, ctx: RequestContext, row: DueRow<ScheduledJob>): Promise<void> {
  const job = row.object;
  const handler = jobHandler(job.kind);
  try {
    const followUp = await tx.savepoint(async () => {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      return handler(tx, ctx, job);
    });
    job.status = 'done';
    if (typeof followUp === 'string') job.follow_up = followUp;
  } catch (error) {
    // A deadlock or serialization failure is no outcome of the job: the slice is tried again whole.
    if (isTransientConflict(error)) throw error;
    job.status = 'failed';
    job.error = error instanceof Error ? error.message : String(error);
  }
  await tx.update('scheduled_jobs', row.accountId, job);
}

/** Runs every real-clock job due at `clock`'s now, a slice per transaction; returns how many ran. */
export async function runDueJobs(store: Store, clock: Clock, ids: IdGenerator, options: { stopped?: () => boolean } = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const ran = await store.write(async (tx) => {
      const budget = sliceBudget();
      const rows = await tx.due<ScheduledJob>('scheduled_jobs', { column: 'due_at', max: clock.nowSeconds(), where: { status: 'pending', test_clock: null }, limit: budget.jobs });
      let ran = 0;
      for (const row of rows) {
        await runJob(tx, systemContext(row.accountId, row.object.livemode, clock, ids), row);
        ran++;
        if (budget.spent()) return { ran, more: true };
      }
      return { ran, more: rows.length === budget.jobs };
    });
    total += ran.ran;
    if (!ran.more || options.stopped?.()) return total;
    await yieldToRequests();
  }
}

/**
 * Runs, in the caller's transaction and in due order, the jobs of a test clock due
 * up to `until`; each runs at its own due time (`onTime` moves the stored clock there first, since
 * services read a clocked customer's time from it). Jobs
 * that a job schedules within the window are found by the next lookup, so order holds. Stops
 * when the budget is spent (after one job at least); `done` says no job is left.
 */
export async function runClockJobs(
  tx: Tx,
  ctx: RequestContext,
  clockId: string,
  until: number,
  budget: { jobs: number; spent: () => boolean },
  onTime: (time: number) => Promise<void>,
): Promise<{ ran: number; done: boolean }> {
  let total = 0;
  while (total < budget.jobs && !(total > 0 && budget.spent())) {
    const rows = await tx.due<ScheduledJob>('scheduled_jobs', { column: 'due_at', max: until, where: { status: 'pending', test_clock: clockId }, accountId: ctx.accountId, limit: 1 });
    if (rows.length === 0) return { ran: total, done: true };
    const time = rows[0].object.due_at;
    await onTime(time);
    await runJob(tx, { ...ctx, clock: { nowSeconds: () => time }, requestClock: ctx.requestClock ?? ctx.clock }, rows[0]);
    total++;
  }
  return { ran: total, done: false };
}
