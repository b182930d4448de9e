// Work that comes due with the passing of days (refund expiry, the 75-day return and the
// 90-day sweep of unreconciled funds), stored in the database so it survives restarts.
// A job with `test_clock` set runs when that clock is advanced past `due_at`; one without
// runs from the periodic scheduler once the real clock passes `due_at`.
import type { StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';

export type JobKind = 'refund_expire' | 'funding_return' | 'funding_sweep';

export interface ScheduledJob extends StoredObject {
  object: 'scheduled_job';
  kind: JobKind;
  /** The object the job acts on (a refund, a `funded` cash balance transaction). */
  target: string;
  customer: string;
  currency: string;
  due_at: number;
  test_clock: string | null;
  livemode: boolean;
  status: 'pending' | 'done' | 'failed' | 'canceled';
  error?: string;
  /** What a done job left to follow it (the day-75 job's return or sweep job), for the auditor. */
  follow_up?: string;
}

/** Runs a due job; answers the id of what it left to follow it, if anything. */
export type JobHandler = (tx: Tx, ctx: RequestContext, job: ScheduledJob) => Promise<string | void>;
const handlers = new Map<JobKind, JobHandler>();

export function registerJobHandler(kind: JobKind, handler: JobHandler): void {
  handlers.set(kind, handler);
}

export function jobHandler(kind: JobKind): JobHandler | undefined {
  return handlers.get(kind);
}

export async function scheduleJob(
  tx: Tx,
  ctx: RequestContext,
  job: { kind: JobKind; target: string; customer: string; currency: string; dueAt: number; testClock: string | null },
): Promise<ScheduledJob> {
  const row: ScheduledJob = {
    id: ctx.ids('job'),
    object: 'scheduled_job',
    created: ctx.clock.nowSeconds(),
    kind: job.kind,
    target: job.target,
    customer: job.customer,
    currency: job.currency,
    due_at: job.dueAt,
    test_clock: job.testClock,
    livemode: ctx.livemode,
    status: 'pending',
  };
  await tx.insert('scheduled_jobs', ctx.accountId, row);
  return row;
}
