// Webhook delivery must not slow the API: POST /v1/customers (each emits customer.created)
// on an account without webhook endpoints, then on one with three endpoints (two healthy
// receivers in their own process, one dead URL that refuses connections) while the server's
// worker delivers every event. Each scenario uses its own account, so the other scenarios'
// events go nowhere. The second is compared with the first (its `baseline`): the target is a
// drop under 10%; `--rounds N` interleaves the two N times so the machine's drift hits both.
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { createAccount } from '../../src/resources/accounts/service.ts';
import { createEndpoint } from '../../src/resources/webhook-endpoints/service.ts';
import { systemContext } from '../../src/wire/context.ts';
import { spawnNodeServer, type ChildServer } from '../../test/support/process.ts';
import type { Scenario, SeedContext, Target } from '../scenario.ts';

const PLAIN_KEY = 'sk_test_cashbook_bench_webhooks_none_000000';
const HOOKED_KEY = 'sk_test_cashbook_bench_webhooks_three_00000';

function customerRequests(key: string) {
  return [
    {
      method: 'POST' as const,
      path: '/v1/customers',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Bench&email=bench%40example.com',
    },
  ];
}

async function account(setup: SeedContext, key: string): Promise<string> {
  const { accountId } = await createAccount(setup.store, { key, now: Math.floor(Date.now() / 1000) });
  return accountId;
}

export const customersWithoutWebhooks: Scenario = {
  name: 'POST customers (no webhook endpoints)',
  server: 'cashbook',
  seed: async (setup) => account(setup, PLAIN_KEY),
  requests: () => customerRequests(PLAIN_KEY),
};

interface HookedState {
  receiver: ChildServer;
  accountId: string;
}

async function counts(receiver: ChildServer): Promise<Record<string, number>> {
  return (await (await fetch(`${receiver.url}/count`)).json()) as Record<string, number>;
}

async function eventCount(target: Target): Promise<number> {
  // Events of this account since the seed: page through ids only as far as needed.
  let total = 0;
  let after: string | undefined;
  while (true) {
    const query = new URLSearchParams({ limit: '100', type: 'customer.created', ...(after ? { starting_after: after } : {}) });
    const page = (await (await fetch(`${target.url}/v1/events?${query}`, { headers: { authorization: `Bearer ${HOOKED_KEY}` } })).json()) as { data: { id: string }[]; has_more: boolean };
    total += page.data.length;
    if (!page.has_more) return total;
    after = page.data[page.data.length - 1].id;
  }
}

export const customersWithWebhooks: Scenario<HookedState> = {
  name: 'POST customers (3 webhook endpoints, 1 dead)',
  server: 'cashbook',
  seed: async (setup) => {
    const accountId = await account(setup, HOOKED_KEY);
    const receiver = await spawnNodeServer({ args: ['bench/webhook-receiver.ts', '--port', '{port}'] });
    const ctx = systemContext(accountId, false, systemClock, randomIds);
    await setup.store.write(async (tx) => {
      for (const url of [`${receiver.url}/a`, `${receiver.url}/b`, 'http://127.0.0.1:1/dead']) {
        await createEndpoint(tx, ctx, { url, enabled_events: ['*'] });
      }
    });
    return { receiver, accountId };
  },
  requests: () => customerRequests(HOOKED_KEY),
  baseline: customersWithoutWebhooks.name,
  // Every event of the account so far (all runs) must reach both healthy endpoints, once.
  verify: async (target, { receiver }) => {
    // Requests autocannon had in flight when the run ended still commit: let them land.
    await new Promise((r) => setTimeout(r, 1000));
    const events = await eventCount(target);
    const started = Date.now();
    let got = await counts(receiver);
    while (((got['/a'] ?? 0) < events || (got['/b'] ?? 0) < events) && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 250));
      got = await counts(receiver);
    }
    const repeated = (got['/a repeated'] ?? 0) + (got['/b repeated'] ?? 0);
    console.error(`  webhooks: ${events} events; healthy endpoints received ${got['/a'] ?? 0} and ${got['/b'] ?? 0} (${repeated} repeats), all delivered ${((Date.now() - started) / 1000 + 1).toFixed(1)} s after the load ended`);
  },
  teardown: ({ receiver }) => receiver.stop().then(() => undefined),
};

export const webhookScenarios: Scenario[] = [customersWithoutWebhooks, customersWithWebhooks];
