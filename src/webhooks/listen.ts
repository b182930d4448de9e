// `cashbook listen`: like `stripe listen`, a client of the API. It polls GET /v1/events for
// events newer than the last one seen, prints each, and forwards it signed with a secret of
// its own to a local URL. Nothing is stored server-side; stopping it loses nothing.
import { typeMatches } from '../core/event-types.ts';
import { randomBase62 } from '../core/ids.ts';
import { sendEvent } from './send.ts';

export interface ListenOptions {
  apiBase: string;
  apiKey: string;
  forwardTo?: string;
  /** Event type patterns (`*`, names, `prefix.*`). */
  events: string[];
  secret?: string;
  intervalMs: number;
  timeoutMs?: number;
  print?: (line: string) => void;
  signal?: AbortSignal;
  /** See LOOKBACK_MS. */
  lookbackMs?: number;
}

interface EventLike {
  id: string;
  type: string;
  created: number;
}

interface Page {
  data: EventLike[];
  has_more: boolean;
}

async function getEvents(options: ListenOptions, query: Record<string, string>): Promise<Page> {
  const url = `${options.apiBase.replace(/\/$/, '')}/v1/events?${new URLSearchParams({ limit: '100', ...query })}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${options.apiKey}` }, signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as Page & { error?: { message: string } };
  if (!response.ok) throw new Error(`GET /v1/events answered ${response.status}: ${body.error?.message ?? 'unknown error'}`);
  return body;
}

/** Every event newer than `cursor` (all of them when there is none), oldest first. */
async function newerThan(options: ListenOptions, cursor: string | undefined): Promise<EventLike[]> {
  const out: EventLike[] = [];
  if (cursor === undefined) {
    let page = await getEvents(options, {});
    out.push(...page.data);
    while (page.has_more) {
      page = await getEvents(options, { starting_after: page.data[page.data.length - 1].id });
      out.push(...page.data);
    }
    return out.reverse();
  }
  let after = cursor;
  while (true) {
    const page = await getEvents(options, { ending_before: after });
    out.push(...page.data.slice().reverse());
    if (!page.has_more || page.data.length === 0) return out;
    after = page.data[0].id;
  }
}

function stamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * How far back each poll reads again. On PostgreSQL an event's place in the list is set when
 * it is written, but it becomes visible when its transaction commits, so a transaction that
 * began earlier can make an event appear behind ones already seen. Cashbook's transactions
 * take milliseconds; a lock wait is cut at 10 s (lock_timeout), so 15 s covers them.
 */
export const LOOKBACK_MS = 15_000;

/** Runs until `signal` aborts. Returns the secret it signed with. */
export async function listen(options: ListenOptions): Promise<string> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const secret = options.secret ?? `whsec_${randomBase62(32)}`;
  const lookback = options.lookbackMs ?? LOOKBACK_MS;
  const newest = await getEvents(options, { limit: '1' });
  // Each poll reads from the newest event of the last poll made more than `lookback` ago: by
  // then every event before it is visible. What it has seen since, it skips.
  let floor: string | undefined = newest.data[0]?.id;
  const polls: { at: number; newest: string | undefined }[] = [];
  const seen = new Map<string, number>(); // id -> when first seen
  print(`Ready! Your webhook signing secret is ${secret} (^C to quit)`);
  while (!options.signal?.aborted) {
    try {
      const now = performance.now(); // monotonic: a wall-clock jump must not move the floor
      while (polls.length > 0 && now - polls[0].at > lookback) floor = polls.shift()!.newest;
      for (const [id, at] of seen) {
        if (now - at <= 2 * lookback) break; // in the order first seen
        seen.delete(id);
      }
      const events = await newerThan(options, floor);
      polls.push({ at: now, newest: events.length > 0 ? events[events.length - 1].id : (polls.at(-1)?.newest ?? floor) });
      for (const event of events) {
        if (seen.has(event.id)) continue;
        seen.set(event.id, performance.now());
        if (!options.events.some((pattern) => typeMatches(pattern, event.type))) continue;
        print(`${stamp(event.created)}   --> ${event.type} [${event.id}]`);
        if (!options.forwardTo) continue;
        const body = JSON.stringify(event, null, 2);
        const result = await sendEvent(options.forwardTo, body, secret, Math.floor(Date.now() / 1000), options.timeoutMs ?? 10_000);
        print(`${stamp(Math.floor(Date.now() / 1000))}  <--  [${result.status ?? 'ERR'}] POST ${options.forwardTo} [${event.id}]${result.error && result.status === null ? ` ${result.error}` : ''}`);
      }
    } catch (error) {
      print(`error: ${(error as Error).message}; retrying`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  return secret;
}
