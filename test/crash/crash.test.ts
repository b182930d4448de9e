// Durability under kill -9: the real server runs as a child process, takes many concurrent
// fund_cash_balance calls (each with its own Idempotency-Key), and is killed with SIGKILL at
// a random moment mid-load, several times over, restarting on the same database file. After
// each restart: every acknowledged funding is in the ledger; retrying every call with its key
// never books a second entry (acknowledged ones replay); the ledger invariants hold.
// Replay a failure with CRASH_SEED=<seed> (printed at the start); CRASH_ROUNDS sets the rounds.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertAllCashLedgers } from '../support/invariants.ts';
import { startServerProcess, type ChildServer, type ExitStatus } from '../support/process.ts';
import { sdk, tempDir } from '../support/server.ts';
import { rng } from '../support/random.ts';

const KEY = 'sk_test_cashbook_crash_00000000000000000';
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 4);
const CONCURRENCY = 24;
const CUSTOMERS = 4;
const CURRENCIES = ['usd', 'eur', 'gbp'] as const;

interface Call {
  key: string;
  customer: string;
  currency: string;
  amount: number;
  /** The entry id from the 200 the client received before the crash, if it received one. */
  acked?: string;
  /** The entry id this key resolved to after the crash (from a retry). */
  settled?: string;
}

function form(call: Call): string {
  // The reference carries the key, so every ledger entry names the call that booked it.
  return new URLSearchParams({ amount: String(call.amount), currency: call.currency, reference: call.key }).toString();
}

async function fund(url: string, call: Call): Promise<{ status: number; replayed: boolean; body: any }> {
  const response = await fetch(`${url}/v1/test_helpers/customers/${call.customer}/fund_cash_balance`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'idempotency-key': call.key, 'content-type': 'application/x-www-form-urlencoded' },
    body: form(call),
  });
  const body = await response.json();
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body };
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function ledgerEntries(stripe: Stripe, customer: string): Promise<Stripe.CustomerCashBalanceTransaction[]> {
  const entries: Stripe.CustomerCashBalanceTransaction[] = [];
  for await (const entry of stripe.customers.listCashBalanceTransactions(customer, { limit: 100 })) entries.push(entry);
  return entries;
}

describe('crash: kill -9 under concurrent fund_cash_balance load', () => {
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = rng(seed);
  const databaseUrl = path.join(tempDir('cashbook-crash-'), 'cashbook.db');
  let server: ChildServer | undefined;
  console.log(`crash test seed: ${seed} (replay with CRASH_SEED=${seed}), rounds: ${ROUNDS}, database: ${databaseUrl}`);

  after(async () => {
    await server?.kill('SIGKILL');
  });

  it(`never loses an acknowledged funding nor books a key twice (seed ${seed})`, async () => {
    server = await startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error' });
    let stripe = sdk(server.url, KEY);
    const customers: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) customers.push((await stripe.customers.create({ email: `crash${i}@example.com` })).id);
    const calls: Call[] = [];
    let totalAcked = 0;

    for (let round = 0; round < ROUNDS; round++) {
      // --- load, then kill -9 once `killAfter` fundings were acknowledged in this round
      const killAfter = 1 + Math.floor(random() * 300);
      const jitterMs = random() * 2;
      const live: ChildServer = server;
      let acked = 0;
      let killing: Promise<unknown> | undefined;
      let dead = false;
      void live.exited.then(() => (dead = true));
      let sequence = 0;
      const roundCalls: Call[] = [];
      const worker = async (w: number) => {
        // Keep the load going until the process is gone, so the kill lands mid-load.
        while (!dead) {
          const call: Call = {
            key: `crash-${seed}-${round}-${w}-${sequence++}`,
            customer: customers[Math.floor(random() * customers.length)],
            currency: CURRENCIES[Math.floor(random() * CURRENCIES.length)],
            amount: 1 + Math.floor(random() * 100_000),
          };
          roundCalls.push(call);
          try {
            const result = await fund(live.url, call);
            assert.equal(result.status, 200, `before the crash, ${call.key} got ${result.status}: ${JSON.stringify(result.body)}`);
            call.acked = result.body.id;
            acked++;
            if (acked >= killAfter && !killing) {
              killing = new Promise((r) => setTimeout(r, jitterMs)).then(() => live.kill('SIGKILL'));
            }
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            // The connection died with the server: this call is unacknowledged.
            if (!killing) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
      const status: ExitStatus = await live.exited;
      assert.deepEqual(status, { code: null, signal: 'SIGKILL' }, 'the server must die of the SIGKILL we sent');
      calls.push(...roundCalls);
      totalAcked += acked;
      const unacked = roundCalls.filter((c) => !c.acked).length;

      // --- restart on the same file
      server = await startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error' });
      stripe = sdk(server.url, KEY);

      // Every acknowledged funding survived, exactly as acknowledged.
      const byKey = new Map<string, Stripe.CustomerCashBalanceTransaction>();
      const before = new Map<string, Stripe.CustomerCashBalanceTransaction[]>();
      for (const customer of customers) {
        const entries = await ledgerEntries(stripe, customer);
        before.set(customer, entries);
        for (const entry of entries) {
          const reference = entry.funded!.bank_transfer.reference!;
          assert.ok(!byKey.has(reference), `key ${reference} booked twice`);
          byKey.set(reference, entry);
        }
      }
      for (const call of calls.filter((c) => c.acked)) {
        const entry = byKey.get(call.key);
        assert.ok(entry, `acknowledged funding ${call.key} (${call.acked}) is missing after the crash`);
        assert.equal(entry.id, call.acked);
        assert.equal(entry.net_amount, call.amount);
        assert.equal(entry.currency, call.currency);
        assert.equal(entry.customer, call.customer);
      }
      // Nothing was booked that no call asked for.
      const keys = new Set(calls.map((c) => c.key));
      for (const reference of byKey.keys()) assert.ok(keys.has(reference), `entry for unknown key ${reference}`);

      // --- retry every call of this round with its own key, twice
      let replayedUnacked = 0;
      await pool(roundCalls, 8, async (call) => {
        const first = await fund(server!.url, call);
        assert.equal(first.status, 200, `retry of ${call.key}: ${JSON.stringify(first.body)}`);
        if (call.acked) {
          assert.equal(first.replayed, true, `acknowledged ${call.key} must replay`);
          assert.equal(first.body.id, call.acked, `acknowledged ${call.key} must replay the same entry`);
        } else if (byKey.has(call.key)) {
          // Committed, but the response was lost in the crash: the retry replays it.
          assert.equal(first.replayed, true, `${call.key} was booked before the crash and must replay`);
          assert.equal(first.body.id, byKey.get(call.key)!.id);
          replayedUnacked++;
        } else {
          assert.equal(first.replayed, false, `${call.key} was not booked, so its retry runs it`);
        }
        call.settled = first.body.id;
        const second = await fund(server!.url, call);
        assert.equal(second.status, 200);
        assert.equal(second.replayed, true, `second retry of ${call.key} must replay`);
        assert.equal(second.body.id, call.settled);
      });

      // Now every key ever used resolved to exactly one entry, and nothing else is booked.
      const entries = (await Promise.all(customers.map((c) => ledgerEntries(stripe, c)))).flat();
      assert.equal(entries.length, calls.length, 'one ledger entry per idempotency key, no more, no less');
      const settled = new Map(calls.map((c) => [c.key, c]));
      for (const entry of entries) {
        const call = settled.get(entry.funded!.bank_transfer.reference!);
        assert.ok(call, `entry ${entry.id} names no call`);
        assert.equal(entry.id, call.settled);
        assert.equal(entry.net_amount, call.amount);
        settled.delete(call.key);
      }
      assert.equal(settled.size, 0);
      const checked = await assertAllCashLedgers(stripe);
      assert.equal(checked, CUSTOMERS);
      console.log(
        `round ${round}: killed after ${acked} acknowledged (target ${killAfter}); ${unacked} unacknowledged ` +
          `(${replayedUnacked} had committed, ${unacked - replayedUnacked} had not); ledger now ${entries.length} entries`,
      );
    }
    assert.ok(totalAcked >= ROUNDS, 'each round acknowledged at least one funding before the kill');

    // A graceful stop exits 0.
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, `graceful stop must exit 0:\n${server.output()}`);
    server = undefined;
  });
});
