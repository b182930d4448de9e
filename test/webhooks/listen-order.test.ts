// `cashbook listen` against an API whose events become visible out of list order, as on
// PostgreSQL: an event's place in the list is set when it is written, but it shows once its
// transaction commits, so it can appear behind events already seen. listen must still print
// each event exactly once. The API here is a stand-in that serves /v1/events from a list
// whose visibility the test controls: listen is only a client of that endpoint.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { listen } from '../../src/webhooks/listen.ts';

interface Ev { id: string; type: string; created: number; object: 'event' }

/** GET /v1/events over `visible` (oldest first), newest first with Stripe's cursors. */
function eventsApi(visible: () => Ev[]) {
  return http.createServer((request, response) => {
    const url = new URL(request.url!, 'http://x');
    const all = visible().slice().reverse(); // newest first
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const before = url.searchParams.get('ending_before');
    const after = url.searchParams.get('starting_after');
    let page: Ev[];
    let hasMore: boolean;
    if (before) {
      const at = all.findIndex((e) => e.id === before);
      const newer = all.slice(0, at);
      page = newer.slice(Math.max(0, newer.length - limit));
      hasMore = newer.length > limit;
    } else {
      const from = after ? all.findIndex((e) => e.id === after) + 1 : 0;
      page = all.slice(from, from + limit);
      hasMore = all.length > from + limit;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ object: 'list', data: page, has_more: hasMore, url: '/v1/events' }));
  });
}

it('listen prints an event that becomes visible behind ones it has seen, and none twice', async () => {
  const list: (Ev & { shown: boolean })[] = [];
  let n = 0;
  const add = (shown: boolean) => {
    const event = { id: `evt_${String(++n).padStart(4, '0')}`, type: 'customer.created', created: 1_800_000_000, object: 'event' as const, shown };
    list.push(event);
    return event;
  };
  add(true); // before listen starts: not printed
  const server = eventsApi(() => list.filter((e) => e.shown).map(({ shown: _, ...e }) => e));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const printed: string[] = [];
  const abort = new AbortController();
  const running = listen({
    apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey: 'sk_test_x',
    events: ['*'],
    intervalMs: 10,
    lookbackMs: 400,
    print: (line) => printed.push(line),
    signal: abort.signal,
  });
  const ids = () => printed.map((line) => /\[(evt_\d+)\]/.exec(line)?.[1]).filter((id): id is string => id !== undefined);
  const until = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!done()) {
      assert.ok(Date.now() < deadline, `${what}: printed ${ids()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    await until(() => printed.some((line) => line.startsWith('Ready!')), 'ready');
    const late = add(false); // written first, committed last
    const a = add(true);
    const b = add(true);
    await until(() => ids().includes(b.id), 'the visible ones');
    await new Promise((resolve) => setTimeout(resolve, 100));
    late.shown = true;
    await until(() => ids().includes(late.id), 'the late one');
    const c = add(true);
    await until(() => ids().includes(c.id), 'one after it');
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the look-back: nothing is printed again
    assert.deepEqual(ids(), [a.id, b.id, late.id, c.id]);
  } finally {
    abort.abort();
    await running;
    server.close();
  }
});
