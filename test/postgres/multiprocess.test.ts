// Several Cashbook processes on one PostgreSQL database, as behind a load balancer. Two
// processes start at the same moment (migrations and the default account race), then 50
// concurrent clients fund and pay against the same few customers through both, some sending
// one Idempotency-Key to both processes at once; then one process is killed with SIGKILL
// mid-load while the clients carry on through the other. Afterwards: every acknowledged
// write is there exactly once, no key booked twice, no balance negative, and every ledger
// invariant holds (test/support/invariants.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { assertAllCashLedgers, assertCashLedger } from '../support/invariants.ts';
import { startServerProcess, type ChildServer } from '../support/process.ts';
import { sdk } from '../support/server.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from './database.ts';
import { rng } from '../support/random.ts';

const KEY = 'sk_test_cashbook_multiprocess_000000000000';
const CLIENTS = 50;
const OPS_PER_CLIENT = 12;
const CUSTOMERS = 4;

interface FundCall {
  kind: 'fund';
  key: string;
  customer: string;
  amount: number;
  /** Entry id of the acknowledged 200. */
  acked?: string;
}

interface PayCall {
  kind: 'pay';
  key: string;
  customer: string;
  amount: number;
  intent?: Stripe.PaymentIntent;
}

type Call = FundCall | PayCall;

function isRetryable(error: unknown): boolean {
  const e = error as { statusCode?: number; type?: string; code?: string };
  // 409 + Stripe-Should-Retry (a conflict that outlived the store's retries, or the key in
  // flight in that process), or a connection that died with a killed process.
  return e.statusCode === 409 || e.type === 'StripeConnectionError';
}

async function send(stripe: Stripe, call: Call): Promise<void> {
  if (call.kind === 'fund') {
    const entry = await stripe.testHelpers.customers.fundCashBalance(
      call.customer,
      { amount: call.amount, currency: 'usd', reference: call.key },
      { idempotencyKey: call.key },
    );
    assert.equal(entry.net_amount, call.amount);
    if (call.acked) assert.equal(entry.id, call.acked, `key ${call.key} answered with two different entries`);
    call.acked = entry.id;
  } else {
    const intent = await stripe.paymentIntents.create(
      {
        amount: call.amount,
        currency: 'usd',
        customer: call.customer,
        payment_method_types: ['customer_balance'],
        payment_method_data: { type: 'customer_balance' },
        payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'us_bank_transfer' } } },
        confirm: true,
      } as Stripe.PaymentIntentCreateParams,
      { idempotencyKey: call.key },
    );
    if (call.intent) assert.equal(intent.id, call.intent.id, `key ${call.key} answered with two different intents`);
    call.intent = intent;
  }
}

/** Sends until acknowledged, retrying with the same key on the processes still alive. */
const stats = { retries: 0 };

async function sendUntilAcked(clients: () => Stripe[], call: Call, random: () => number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const live = clients();
    try {
      await send(live[Math.floor(random() * live.length)], call);
      return;
    } catch (error) {
      if (!isRetryable(error) || attempt >= 50) throw error;
      stats.retries++;
      await new Promise((r) => setTimeout(r, 5 + random() * 20));
    }
  }
}

async function ledgerByReference(stripe: Stripe, customer: string): Promise<Map<string, Stripe.CustomerCashBalanceTransaction[]>> {
  const byRef = new Map<string, Stripe.CustomerCashBalanceTransaction[]>();
  for await (const entry of stripe.customers.listCashBalanceTransactions(customer, { limit: 100 })) {
    const ref = entry.type === 'funded' ? entry.funded!.bank_transfer.reference! : `pi:${(entry.applied_to_payment?.payment_intent ?? entry.unapplied_from_payment?.payment_intent) as string}`;
    byRef.set(ref, [...(byRef.get(ref) ?? []), entry]);
  }
  return byRef;
}

/** Checks every acknowledged call against the ledger of every customer. */
async function checkEffects(stripe: Stripe, customers: string[], calls: Call[]): Promise<void> {
  const refs = new Map<string, Stripe.CustomerCashBalanceTransaction[]>();
  for (const customer of customers) for (const [ref, entries] of await ledgerByReference(stripe, customer)) refs.set(ref, entries);
  const keys = new Set(calls.map((c) => c.key));
  for (const call of calls) {
    if (call.kind === 'fund') {
      const entries = refs.get(call.key) ?? [];
      assert.ok(entries.length <= 1, `key ${call.key} booked ${entries.length} times`);
      if (call.acked) {
        assert.equal(entries.length, 1, `acknowledged funding ${call.key} is missing`);
        assert.equal(entries[0].id, call.acked);
        assert.equal(entries[0].net_amount, call.amount);
      }
    } else if (call.intent) {
      const intent = await stripe.paymentIntents.retrieve(call.intent.id);
      const applied = -(refs.get(`pi:${intent.id}`) ?? []).reduce((sum, e) => sum + e.net_amount, 0);
      assert.ok(applied >= 0 && applied <= intent.amount, `intent ${intent.id} took ${applied} of ${intent.amount}`);
      if (intent.status === 'succeeded') assert.equal(applied, intent.amount, `succeeded ${intent.id} must have taken its whole amount`);
    }
  }
  for (const ref of refs.keys()) if (!ref.startsWith('pi:')) assert.ok(keys.has(ref), `entry for unknown key ${ref}`);
  // Intents created per key: one per key, never two.
  const intents: Stripe.PaymentIntent[] = [];
  for await (const intent of stripe.paymentIntents.list({ limit: 100 })) intents.push(intent);
  const acked = calls.filter((c): c is PayCall => c.kind === 'pay' && c.intent !== undefined);
  const ids = new Set(intents.map((i) => i.id));
  for (const call of acked) assert.ok(ids.has(call.intent!.id), `acknowledged intent ${call.intent!.id} is missing`);
  assert.ok(intents.length <= calls.filter((c) => c.kind === 'pay').length, 'more intents than pay keys');
  for (const customer of customers) await assertCashLedger(stripe, customer);
  assert.equal(await assertAllCashLedgers(stripe), customers.length);
  const paid = intents.filter((i) => i.status === 'succeeded').length;
  console.log(`checked ${calls.length} calls: ${calls.filter((c) => c.kind === 'fund').length} fundings, ${intents.length} intents (${paid} paid from the cash balance), ${stats.retries} client retries`);
}

describe('postgres: several processes on one database', () => {
  const seed = Number(process.env.MULTIPROCESS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = rng(seed);
  let databaseUrl: string;
  let a: ChildServer | undefined;
  let b: ChildServer | undefined;
  let customers: string[] = [];
  const calls: Call[] = [];

  before(async () => {
    databaseUrl = await freshPostgresDatabase();
    // Both at once: migrations run under an advisory lock, the default account is made once.
    [a, b] = await Promise.all([
      startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error', env: { CASHBOOK_DATABASE_POOL_SIZE: '8' } }),
      startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error', env: { CASHBOOK_DATABASE_POOL_SIZE: '8' } }),
    ]);
    const stripe = sdk(a.url, KEY);
    for (let i = 0; i < CUSTOMERS; i++) customers.push((await stripe.customers.create({ email: `mp${i}@example.com` })).id);
  });

  after(async () => {
    await Promise.all([a?.kill('SIGKILL'), b?.kill('SIGKILL')]);
    if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  });

  it(`keeps every guarantee with 50 clients funding and paying through two processes (seed ${seed})`, async () => {
    const clients = [sdk(a!.url, KEY), sdk(b!.url, KEY)];
    let sequence = 0;
    const worker = async (w: number) => {
      for (let op = 0; op < OPS_PER_CLIENT; op++) {
        const customer = customers[Math.floor(random() * customers.length)];
        const key = `mp-${seed}-${w}-${op}-${sequence++}`;
        const call: Call = random() < 0.6
          ? { kind: 'fund', key, customer, amount: 1 + Math.floor(random() * 5000) }
          : { kind: 'pay', key, customer, amount: 50 + Math.floor(random() * 7950) }; // at least Stripe's 0.50 USD minimum
        calls.push(call);
        if (random() < 0.15) {
          // The same key through both processes at the same moment: one effect, same answer.
          const results = await Promise.allSettled(clients.map((stripe) => send(stripe, call)));
          for (const result of results) if (result.status === 'rejected' && !isRetryable(result.reason)) throw result.reason;
          if (results.every((r) => r.status === 'rejected')) await sendUntilAcked(() => clients, call, random);
        } else {
          await sendUntilAcked(() => clients, call, random);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    assert.ok(calls.every((c) => (c.kind === 'fund' ? c.acked : c.intent)), 'every call was acknowledged');
    await checkEffects(sdk(b!.url, KEY), customers, calls);
  });

  it('loses no acknowledged write when one process is killed with SIGKILL mid-load', async () => {
    const victim = a!;
    const survivor = b!;
    let dead = false;
    void victim.exited.then(() => (dead = true));
    const clients = () => (dead ? [sdk(survivor.url, KEY)] : [sdk(victim.url, KEY), sdk(survivor.url, KEY)]);
    const roundCalls: Call[] = [];
    let acked = 0;
    const killAfter = 50 + Math.floor(random() * 150);
    let killing: Promise<unknown> | undefined;
    const worker = async (w: number) => {
      for (let op = 0; op < OPS_PER_CLIENT; op++) {
        const customer = customers[Math.floor(random() * customers.length)];
        const key = `crash-${seed}-${w}-${op}`;
        const call: Call = random() < 0.6
          ? { kind: 'fund', key, customer, amount: 1 + Math.floor(random() * 5000) }
          : { kind: 'pay', key, customer, amount: 50 + Math.floor(random() * 7950) }; // at least Stripe's 0.50 USD minimum
        roundCalls.push(call);
        // Retries go to whichever process is alive, with the same key, as a client would.
        await sendUntilAcked(clients, call, random);
        if (++acked >= killAfter && !killing) killing = victim.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    await killing;
    assert.deepEqual(await victim.exited, { code: null, signal: 'SIGKILL' });
    calls.push(...roundCalls);
    await checkEffects(sdk(survivor.url, KEY), customers, calls);

    // A fresh process on the same database sees the same ledger and replays every key.
    a = await startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error' });
    const fresh = sdk(a.url, KEY);
    for (const call of roundCalls.filter((c) => c.kind === 'fund').slice(0, 40)) {
      const before = (call as FundCall).acked;
      await send(fresh, call);
      assert.equal((call as FundCall).acked, before, `${call.key} must replay its entry`);
    }
    await checkEffects(fresh, customers, calls);
  });
});
