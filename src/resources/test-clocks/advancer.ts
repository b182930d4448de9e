// Runs test clock advances in the background, one small transaction at a time, with a yield
// to the event loop between slices: an advance over thousands of due jobs never holds up
// other requests for more than one slice. The clock stays `advancing` in the database until
// it is done, so an advance left unfinished (a restart, a failed slice, or another process on
// the same PostgreSQL database that died) is taken up again: at start, and every few seconds.
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { ApiError } from '../../core/errors.ts';
import { isTransientConflict } from '../../store/conflict.ts';
import type { Store } from '../../store/types.ts';
import { systemContext } from '../../wire/context.ts';
import { sliceBudget, yieldToRequests } from '../scheduler/run.ts';
import { advanceSlice, type TestClock } from './service.ts';

export interface AdvancerLog {
  error(object: unknown, message?: string): void;
  warn?(object: unknown, message?: string): void;
}

export class ClockAdvancer {
  private readonly running = new Map<string, Promise<void>>();
  /** Clocks kicked while their run was in flight: the run checks them once more before ending. */
  private readonly again = new Set<string>();
  private closed = false;
  private watch: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log?: AdvancerLog,
  ) {}

  /** Starts (or keeps) advancing a clock whose status is `advancing`. */
  kick(accountId: string, livemode: boolean, clockId: string): void {
    const key = `${accountId}/${clockId}`;
    if (this.closed) return;
    // A run that is finishing may have read the clock before this advance committed: it looks again.
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = this.advance(key, accountId, livemode, clockId).catch((error) =>
      this.log?.error({ err: error, test_clock: clockId }, 'test clock advance failed; it is tried again within seconds'),
    );
    this.running.set(key, run);
  }

  /** Resumes every advance left unfinished in the database (after a restart). */
  async resume(): Promise<void> {
    const clocks = await this.store.read((tx) => tx.due<TestClock>('test_clocks', { column: 'frozen_time', max: Number.MAX_SAFE_INTEGER, where: { status: 'advancing' }, limit: 1000 }));
    for (const row of clocks) this.kick(row.accountId, row.object.livemode, row.object.id);
  }

  /**
   * Looks for unfinished advances every `intervalMs`. Slices are transactions that claim their
   * jobs, so two processes advancing one clock never run a job twice.
   */
  watchForUnfinished(intervalMs: number): void {
    if (this.watch || this.closed) return;
    this.watch = setInterval(() => {
      this.resume().catch((error) => this.log?.warn?.({ err: error }, 'looking for unfinished test clock advances failed'));
    }, intervalMs);
    this.watch.unref();
  }

  /** Resolves when no advance is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    await this.idle();
  }

  private async advance(key: string, accountId: string, livemode: boolean, clockId: string): Promise<void> {
    const ctx = systemContext(accountId, livemode, this.clock, this.ids);
    try {
      // Let the request that started the advance commit and answer first.
      await yieldToRequests();
      while (!this.closed) {
        let more: boolean;
        try {
          more = await this.store.write((tx) => advanceSlice(tx, ctx, clockId, sliceBudget()));
        } catch (error) {
          // Busy customers (the store's retries spent on conflicts): try the slice again shortly.
          if (!(error instanceof ApiError && error.code === 'lock_timeout') && !isTransientConflict(error)) throw error;
          this.log?.warn?.({ test_clock: clockId }, 'test clock slice met concurrent writes; trying again');
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
          continue;
        }
        if (more) {
          await yieldToRequests();
          continue;
        }
        if (this.again.delete(key)) continue;
        return;
      }
    } finally {
      // Runs in the same tick as the decision to stop, so no kick can fall between the two.
      this.running.delete(key);
      this.again.delete(key);
    }
  }
}
