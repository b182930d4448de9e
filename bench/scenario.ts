// What a bench scenario is. Add one: write bench/scenarios/<name>.ts exporting a Scenario, and
// add it to the SCENARIOS list in bench/run.ts.
import type autocannon from 'autocannon';
import type { Store } from '../src/store/types.ts';
import type { RequestContext } from '../src/wire/context.ts';

export interface SeedContext {
  /** The store, opened in the bench process before the server starts: seed in large batches here. */
  store: Store;
  /** A system context for the default account (the one the bench's API key belongs to). */
  ctx: RequestContext;
}

export interface Target {
  /** http://127.0.0.1:<port> of the server under test (a separate process). */
  url: string;
  /** The secret key, for `authorization: Bearer <key>`. */
  key: string;
}

export interface Scenario<State = any> {
  name: string;
  /** 'bare': the bare Fastify route (the ceiling); 'cashbook': the real server. */
  server: 'bare' | 'cashbook';
  /** Runs before the server starts, with the store in this process; returns what `requests` needs. */
  seed?(setup: SeedContext): Promise<State>;
  /** The requests autocannon cycles through (use `setupRequest` for per-request values). */
  requests(target: Target, state: State): autocannon.Request[];
  /** Optional check after each run (e.g. that every acknowledged write is readable). */
  verify?(target: Target, state: State, result: autocannon.Result): Promise<void>;
  /** Optional clean-up after the last run (stop helper processes). */
  teardown?(state: State): Promise<void>;
  /**
   * The scenario this one is compared with (by name): the bench prints how much slower this
   * one is, per interleaved round and as the median, which is what a target like "delivery
   * costs the API under 10%" is judged by.
   */
  baseline?: string;
}

/** Headers every Cashbook request carries. */
export function authHeaders(target: Target): Record<string, string> {
  return { authorization: `Bearer ${target.key}` };
}
