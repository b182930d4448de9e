// Runs due jobs: each in a savepoint, marked done (or failed, with its error) in the same
// transaction as its effects, so a job runs once even across restarts and concurrent runners.
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { DueRow, Store, Tx } from '../../store/types.ts';
import { systemContext, type RequestContext } from '../../wire/context.ts';
import { jobHandler, type ScheduledJob } from './jobs.ts';

const BATCH = 50;

async function runJob(tx: Tx, ctx: RequestContext, row: DueRow<ScheduledJob>): Promise<void> {
  const job = row.object;
  const handler = jobHandler(job.kind);
  try {
    await tx.savepoint(async () => {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(tx, ctx, job);
    });
    job.status = 'done';
  } catch (error) {
    job.status = 'failed';
    job.error = error instanceof Error ? error.message : String(error);
  }
  await tx.update('scheduled_jobs', row.accountId, job);
}

/** Runs every real-clock job due at `clock`'s now; returns how many ran. */
export async function runDueJobs(store: Store, clock: Clock, ids: IdGenerator): Promise<number> {
  let total = 0;
  for (;;) {
    const ran = await store.write(async (tx) => {
      const rows = await tx.due<ScheduledJob>('scheduled_jobs', { column: 'due_at', max: clock.nowSeconds(), where: { status: 'pending', test_clock: null }, limit: BATCH });
      for (const row of rows) await runJob(tx, systemContext(row.accountId, row.object.livemode, clock, ids), row);
      return rows.length;
    });
    total += ran;
    if (ran < BATCH) return total;
  }
}

/**
 * Runs, in the caller's transaction and in due order, every job of a test clock due up to
 * `until`; each runs at its own due time (`onTime` moves the clock there first). Jobs that a
 * job schedules within the window run too.
 */
export async function runClockJobs(tx: Tx, ctx: RequestContext, clockId: string, until: number, onTime: (time: number) => Promise<void>): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await tx.due<ScheduledJob>('scheduled_jobs', { column: 'due_at', max: until, where: { status: 'pending', test_clock: clockId }, accountId: ctx.accountId, limit: 1 });
    if (rows.length === 0) return total;
    const time = rows[0].object.due_at;
    await onTime(time);
    await runJob(tx, { ...ctx, clock: { nowSeconds: () => time } }, rows[0]);
    total++;
  }
}
