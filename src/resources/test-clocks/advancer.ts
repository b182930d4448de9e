// Runs test clock advances in the background, one small transaction at a time, with a yield
// to the event loop between slices: an advance over thousands of due jobs never holds up
// other requests for more than one slice. An advance interrupted by a restart resumes when
// the app is ready again (the clock stays `advancing` in the database until it is done).
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Store } from '../../store/types.ts';
import { systemContext } from '../../wire/context.ts';
import { sliceBudget, yieldToRequests } from '../scheduler/run.ts';
import { advanceSlice, type TestClock } from './service.ts';

export interface AdvancerLog {
  error(object: unknown, message?: string): void;
}

export class ClockAdvancer {
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log?: AdvancerLog,
  ) {}

  /** Starts (or keeps) advancing a clock whose status is `advancing`. */
  kick(accountId: string, livemode: boolean, clockId: string): void {
    const key = `${accountId}/${clockId}`;
    if (this.closed || this.running.has(key)) return;
    const run = this.advance(accountId, livemode, clockId)
      .catch((error) => this.log?.error({ err: error, test_clock: clockId }, 'test clock advance failed; it resumes at the next start'))
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  /** Resumes every advance left unfinished in the database (after a restart). */
  async resume(): Promise<void> {
    const clocks = await this.store.read((tx) => tx.due<TestClock>('test_clocks', { column: 'frozen_time', max: Number.MAX_SAFE_INTEGER, where: { status: 'advancing' }, limit: 1000 }));
    for (const row of clocks) this.kick(row.accountId, row.object.livemode, row.object.id);
  }

  /** Resolves when no advance is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private async advance(accountId: string, livemode: boolean, clockId: string): Promise<void> {
    const ctx = systemContext(accountId, livemode, this.clock, this.ids);
    // Let the request that started the advance commit and answer first.
    await yieldToRequests();
    while (!this.closed) {
      const more = await this.store.write((tx) => advanceSlice(tx, ctx, clockId, sliceBudget()));
      if (!more) return;
      await yieldToRequests();
    }
  }
}
