// The periodic scheduler started by server.ts: every `intervalMs` it runs the real-clock jobs
// that have come due. Due times live in the database, so a restart loses nothing.
import { systemClock, type Clock } from '../../core/clock.ts';
import { randomIds } from '../../core/ids.ts';
import type { Store } from '../../store/types.ts';
import { runDueJobs } from './run.ts';

export interface SchedulerOptions {
  store: Store;
  intervalMs?: number;
  clock?: Clock;
  log?: { error(object: unknown, message?: string): void };
}

export function startScheduler(options: SchedulerOptions): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    running = runDueJobs(options.store, options.clock ?? systemClock, randomIds)
      .catch((error) => options.log?.error({ err: error }, 'scheduler run failed'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, options.intervalMs ?? 60_000);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
