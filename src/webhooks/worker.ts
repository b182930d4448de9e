// The delivery worker: after commit, sends every pending delivery to its endpoint, signed,
// and records the answer. State lives in the database (delivery rows), so a restart picks up
// where the last process stopped. Each endpoint has its own queue and concurrency limit, so a
// slow or dead endpoint never delays the others; a failing endpoint is probed one delivery at
// a time per poll until it answers 2xx again. Nothing here runs inside an API request, and
// under heavy API load the worker yields (see `busy`).
import { randomBase62 } from '../core/ids.ts';
import type { EventObject } from '../resources/events/emit.ts';
import type { DueRow, Store } from '../store/types.ts';
import { toWire } from '../wire/wire-object.ts';
import { allEndpoints, claimDue, fanOut, hasDue, hasFanOut, recordOutcomes, type Claimed, type EndpointRow, type Outcome } from './deliveries.ts';
import type { WebhookConfig } from './config.ts';
import { sendEvent } from './send.ts';
import type { LoadSample } from './api-load.ts';

export interface WorkerLog {
  error(object: unknown, message?: string): void;
  warn?(object: unknown, message?: string): void;
}

export interface WorkerOptions extends Omit<WebhookConfig, 'enabled'> {
  store: Store;
  /** Wall clock in ms; tests may hand in their own. */
  now?: () => number;
  log?: WorkerLog;
  /** How long a claim holds a delivery before another worker may send it again. */
  leaseMs?: number;
  /** How hard this process's API is pressed (see `ApiLoad`); lets the worker yield to it (see `busy`). */
  load?: { sample(): LoadSample };
  /** Told of every attempt's result (metrics). */
  onAttempt?: (ok: boolean) => void;
}

interface EndpointState {
  row: DueRow<EndpointRow>;
  queue: Claimed[];
  inflight: number;
  pumping: boolean;
  failing: boolean;
}

/**
 * While the API is busy the worker looks for work at most this often: each look claims, fans
 * out and records in the API's commit groups. At the 200 ms idle poll the bench's API lost
 * 13-29% of its throughput to delivery (median 16%); at one look a second, 6-20% (median 9%).
 */
const BUSY_POLL_MS = 1000;

/** Occupancy and event loop utilization (see `ApiLoad`) at or above which the API saturates the process. */
const SATURATED = 0.9;

export class WebhookWorker {
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly now: () => number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private ticking = false;
  private outcomes: Outcome[] = [];
  private flushing: Promise<void> | undefined;
  private readonly active = new Set<Promise<unknown>>();
  /**
   * API requests come first: while the API saturates this process (clients waiting nearly all
   * the time and no spare CPU), each endpoint gets at most one claimed batch of `concurrency`
   * deliveries per poll, without chaining, so delivery costs the API little; the backlog is
   * worked off at full speed once there is room. Below saturation delivery runs at full speed
   * whatever the request rate: a steady load never starves it.
   */
  private busy = false;
  private lastSampleAt = 0;

  constructor(private readonly options: WorkerOptions) {
    this.now = options.now ?? Date.now;
    // Long enough for a whole claimed batch to be sent at the endpoint's concurrency.
    this.leaseMs = options.leaseMs ?? options.timeoutMs * Math.ceil(options.batchSize / options.concurrency) + 30_000;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    this.schedule(0);
    return this;
  }

  /**
   * Stops claiming and gives attempts in flight up to `graceMs` to finish and be recorded.
   * Whatever is still claimed after that is sent again once its lease runs out.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const deadline = Date.now() + graceMs;
    while ((this.active.size > 0 || this.ticking) && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.active]), new Promise((r) => setTimeout(r, 10))]);
    }
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref?.();
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.active.add(promise);
    void promise.finally(() => this.active.delete(promise)).catch(() => undefined);
    return promise;
  }

  private async tick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    try {
      this.measureLoad();
      await this.fanOutDue();
      const rows = await allEndpoints(this.options.store);
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.object.id);
        const state = this.endpoints.get(row.object.id);
        if (state) {
          state.row = row;
          if (row.object._failing_since == null) state.failing = false;
        } else {
          this.endpoints.set(row.object.id, { row, queue: [], inflight: 0, pumping: false, failing: row.object._failing_since != null });
        }
      }
      for (const [id, state] of this.endpoints) if (!seen.has(id) && state.inflight === 0 && state.queue.length === 0) this.endpoints.delete(id);
      await Promise.all([...this.endpoints.values()].filter((s) => seen.has(s.row.object.id)).map((state) => this.pump(state)));
    } catch (error) {
      this.options.log?.error({ err: error }, 'webhook worker tick failed');
    } finally {
      this.ticking = false;
      this.schedule(this.busy ? Math.max(this.options.pollMs, BUSY_POLL_MS) : this.options.pollMs);
    }
  }

  /** New events become per-endpoint deliveries; under API load, a bounded amount per poll. */
  private async fanOutDue(): Promise<void> {
    const { store } = this.options;
    const now = this.now();
    if (!(await hasFanOut(store, now))) return;
    const batch = this.busy ? 50 : 500;
    let rounds = this.busy ? 1 : 20;
    while (rounds-- > 0 && this.running && (await this.track(fanOut(store, now, batch))) === batch);
  }

  private measureLoad(): void {
    if (!this.options.load) return;
    const at = Date.now();
    if (at - this.lastSampleAt < 100) return;
    this.lastSampleAt = at;
    const { occupancy, utilization } = this.options.load.sample();
    this.busy = occupancy >= SATURATED && utilization >= SATURATED;
  }

  private capacity(state: EndpointState): number {
    return state.failing ? 1 : this.options.concurrency;
  }

  /** Claims due deliveries for one endpoint while it has free slots, and starts sending them. */
  private async pump(state: EndpointState): Promise<void> {
    if (!this.running || state.pumping) return;
    // Claimed but unsent deliveries wait at most one batch; a healthy endpoint prefetches.
    const ceiling = state.failing ? 1 : this.busy ? this.options.concurrency : Math.max(this.options.batchSize, this.options.concurrency);
    const want = ceiling - state.inflight - state.queue.length;
    if (want <= 0) return;
    state.pumping = true;
    try {
      const { store } = this.options;
      const now = this.now();
      const { accountId, object } = state.row;
      if (!(await store.read((tx) => hasDue(tx, accountId, object.id, now)))) return;
      const claimed = await this.track(claimDue(store, state.row, now, this.leaseMs, want, randomBase62(12)));
      state.queue.push(...claimed);
      this.drain(state);
    } catch (error) {
      this.options.log?.error({ err: error, endpoint: state.row.object.id }, 'claiming webhook deliveries failed');
    } finally {
      state.pumping = false;
    }
  }

  private drain(state: EndpointState): void {
    while (state.queue.length > 0 && state.inflight < this.capacity(state)) {
      const claimed = state.queue.shift()!;
      state.inflight++;
      void this.track(this.attempt(state, claimed)).finally(() => {
        state.inflight--;
        this.drain(state);
        // A healthy endpoint keeps going without waiting for the next poll; a failing one waits.
        if (state.queue.length < this.options.concurrency && !state.failing && !this.busy) void this.pump(state);
      });
    }
  }

  private async attempt(state: EndpointState, claimed: Claimed): Promise<void> {
    const endpoint = state.row.object;
    let outcome: Outcome;
    const event = await this.options.store.read((tx) => tx.get<EventObject>('events', claimed.accountId, claimed.delivery.event));
    if (!event) {
      outcome = { claimed, ok: false, status: null, error: 'event no longer exists', at: this.now(), livemode: endpoint.livemode };
    } else {
      const body = JSON.stringify(toWire(event), null, 2);
      const result = await sendEvent(endpoint.url, body, endpoint._secret, Math.floor(this.now() / 1000), this.options.timeoutMs);
      outcome = { claimed, ...result, at: this.now(), livemode: endpoint.livemode };
    }
    if (outcome.ok !== !state.failing) {
      const fields = { endpoint: endpoint.id, url: endpoint.url, error: outcome.error };
      this.options.log?.warn?.(fields, outcome.ok ? 'webhook endpoint answers again' : 'webhook endpoint failing');
    }
    state.failing = !outcome.ok;
    this.options.onAttempt?.(outcome.ok);
    this.outcomes.push(outcome);
    // The slot is free once the answer is in; recording it is batched with other answers
    // (the claim's lease covers the moment in between).
    if (!this.flushing) void this.track(this.flush());
  }

  /** Writes recorded attempts, many per transaction, until none are left. */
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    while (this.outcomes.length > 0) {
      const batch = this.outcomes.splice(0);
      this.flushing = recordOutcomes(this.options.store, batch, { live: this.options.liveSchedule, test: this.options.testSchedule })
        .catch((error) => this.options.log?.error({ err: error }, 'recording webhook attempts failed'))
        .finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }
}

export function startWebhookWorker(options: WorkerOptions): WebhookWorker {
  return new WebhookWorker(options).start();
}
