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

/** Runs until `signal` aborts. Returns the secret it signed with. */
export async function listen(options: ListenOptions): Promise<string> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const secret = options.secret ?? `whsec_${randomBase62(32)}`;
  const newest = await getEvents(options, { limit: '1' });
  let cursor: string | undefined = newest.data[0]?.id;
  print(`Ready! Your webhook signing secret is ${secret} (^C to quit)`);
  while (!options.signal?.aborted) {
    try {
      for (const event of await newerThan(options, cursor)) {
        cursor = event.id;
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
