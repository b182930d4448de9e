// A seeded random workload over the money endpoints, checked by an auditor that knows only
// what the test sent: fundings (some quoting an intent's reference, some Stripe's `reversal_`
// convention; in EUR and USD a third come in as bank statements crediting the customer's
// virtual account, MT940 or camt.053/054 of any version, some imported twice, which must fund once), customer_balance PaymentIntents, amount changes, cancels, manual applies,
// refunds to the bank and into the cash balance, returns and their cancels, credit balance
// adjustments, invoices finalized, paid by hand and voided, and days passing on the customers'
// test clock (45-day refund expiry, the 75-day return, the 90-day sweep), in three currencies
// (JPY has its own reconciliation rules) and both reconciliation modes. After every step:
// a refused request changed nothing, and an automatic-mode customer with money left has no
// intent waiting for it (unless the last transfer quoted a reference: Stripe then pays the
// matched object and keeps the excess in the balance). Every few steps and at the end: the
// books (ledger chains, balances, double-entry sums, merchant balance) and every object
// against the ledger rows that name it.
// The same workload also runs on eight concurrent clients, audited at the end, where the
// built `cashbook verify` must also find the database clean.
// Replay a failure with WORKLOAD_SEED=<seed printed in the message>; WORKLOAD_STEPS=<n> runs
// longer, WORKLOAD_TRAIL=1 prints every step taken and the ledger rows by type at each audit.
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { fund, intent, type Mode } from './payments-helpers.ts';
import { advanceClock, assertBooks, DAY, refundToCashBalance } from './refund-helpers.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import type { Refund } from '../../src/resources/refunds/object.ts';
import { assertInvoiceAmounts } from './invoice-helpers.ts';
import { databaseOf } from '../support/databases.ts';
import { cashbook } from '../cli/binary.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt, CAMT_VERSIONS } from './camt-fixture.ts';
import { MASTER } from './live-helpers.ts';
import { rng } from '../support/random.ts';

const STEPS = Number(process.env.WORKLOAD_STEPS ?? 90);
const ACTORS = 8;
const CURRENCIES = ['usd', 'eur', 'jpy'] as const;
const MODES: Mode[] = ['automatic', 'automatic', 'manual'];
const OPEN = new Set(['requires_action', 'requires_payment_method', 'requires_confirmation']);

/** Seeded (test/support/random.ts), so a failing run can be replayed exactly. */
function generator(seed: number) {
  const next = rng(seed);
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T | undefined => (items.length === 0 ? undefined : items[Math.floor(next() * items.length)]),
    chance: (p: number) => next() < p,
  };
}

interface Audit {
  /** What the test funded, per customer and currency (reversal fundings included). */
  funded: Map<string, number>;
  reversed: Map<string, number>;
  intents: Map<string, { customer: string; currency: string }>;
  /** Returns (refunds with origin=customer_balance) by id; their ledger rows do not name them. */
  returns: Map<string, { customer: string; currency: string }>;
  bankRefunds: Set<string>;
  invoices: Set<string>;
}

const key = (customer: string, currency: string) => `${customer}|${currency}`;

async function entriesOf(stripe: Stripe, customer: string): Promise<Stripe.CustomerCashBalanceTransaction[]> {
  const rows: Stripe.CustomerCashBalanceTransaction[] = [];
  for await (const row of stripe.customers.listCashBalanceTransactions(customer, { limit: 100 })) rows.push(row);
  return rows.reverse();
}

/** The customer's balance and newest ledger row: what a refused request must leave alone. */
async function fingerprint(stripe: Stripe, customer: string) {
  const [balance, newest] = await Promise.all([stripe.customers.retrieveCashBalance(customer), stripe.customers.listCashBalanceTransactions(customer, { limit: 1 })]);
  return { available: balance.available ?? {}, newest: newest.data[0]?.id ?? null };
}

/** An MT940 statement of one virtual account with one booked credit (amount in minor units). */
function mt940Credit(account: string, amount: number, currency: string, bankReference: string, reference?: string): string {
  const decimal = `${Math.floor(amount / 100)},${String(amount % 100).padStart(2, '0')}`;
  const tag86 = reference ? [`:86:${reference}`] : [];
  return [':20:WORKLOAD', `:25:${account}`, ':28C:1/1', `:60F:C261201${currency.toUpperCase()}0,00`, `:61:2612011201C${decimal}NTRFNONREF//${bankReference}`, ...tag86, `:62F:C261201${currency.toUpperCase()}${decimal}`, '-'].join('\r\n');
}

/** Imports a statement; anything but a 200 is thrown as a Stripe-like error (statusCode). */
async function importStatement(server: TestServer, body: string): Promise<Statement> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'text/plain' }, body });
  const json = (await reply.json()) as Statement;
  if (reply.status !== 200) throw Object.assign(new Error(json.error?.message ?? `status ${reply.status}`), { statusCode: reply.status });
  return json;
}

/**
 * Every object the workload made, against the ledger rows and the amounts the test sent.
 * The books' own invariants (amount_received, refunds within their charge, invoices paid
 * whole, credit and cash chains, 75/90-day jobs) are the auditor's, run first: not repeated.
 */
async function auditAll(server: TestServer, customers: string[], audit: Audit): Promise<void> {
  const { stripe } = server;
  await assertBooks(server);
  const applied = new Map<string, number>();
  const refundedToCash = new Map<string, number>();
  /** Money out by return, net of returns canceled, per customer and currency. */
  const returnedNet = new Map<string, number>();
  const types: Record<string, number> = {};
  const funded = new Map<string, number>();
  const reversed = new Map<string, number>();
  const add = (map: Map<string, number>, k: string, amount: number) => map.set(k, (map.get(k) ?? 0) + amount);
  for (const customer of customers) {
    for (const row of await entriesOf(stripe, customer)) {
      types[row.type] = (types[row.type] ?? 0) + 1;
      const k = key(customer, row.currency);
      if (row.type === 'funded') add(funded, k, row.net_amount);
      if (row.type === 'funding_reversed') add(reversed, k, -row.net_amount);
      const pi = row.applied_to_payment?.payment_intent ?? row.unapplied_from_payment?.payment_intent;
      if (pi) applied.set(pi as string, (applied.get(pi as string) ?? 0) - row.net_amount);
      const refund = row.refunded_from_payment?.refund;
      if (refund) refundedToCash.set(refund as string, (refundedToCash.get(refund as string) ?? 0) + row.net_amount);
      if (row.type === 'return_initiated' || row.type === 'return_canceled') returnedNet.set(k, (returnedNet.get(k) ?? 0) - row.net_amount);
    }
    for (const currency of CURRENCIES) {
      const k = key(customer, currency);
      assert.equal(funded.get(k) ?? 0, audit.funded.get(k) ?? 0, `funded ${k}: the ledger holds exactly what was sent`);
      assert.equal(reversed.get(k) ?? 0, audit.reversed.get(k) ?? 0, `reversed ${k}`);
    }
  }
  if (process.env.WORKLOAD_TRAIL) console.log(`ledger rows by type: ${JSON.stringify(types)}`);
  for (const [id] of audit.intents) {
    const pi = await stripe.paymentIntents.retrieve(id);
    const held = applied.get(id) ?? 0;
    assert.ok(held >= 0 && held <= pi.amount, `${id}: applied ${held} within 0..${pi.amount}`);
    if (pi.status === 'succeeded') {
      assert.equal(held, pi.amount, `${id}: a succeeded intent was paid in full from the cash balance`);
      assert.equal(pi.amount_received, pi.amount);
      for await (const refund of stripe.refunds.list({ payment_intent: id, limit: 100 })) {
        if (refundedToCash.has(refund.id)) assert.equal(refundedToCash.get(refund.id), refund.amount, `${refund.id} credited its amount`);
      }
    } else if (pi.status === 'requires_action') {
      assert.ok(held < pi.amount, `${id}: waiting with ${held} of ${pi.amount}`);
      assert.equal(pi.next_action?.display_bank_transfer_instructions?.amount_remaining, pi.amount - held, `${id}: amount_remaining`);
    } else {
      assert.equal(held, 0, `${id} (${pi.status}) holds no cash`);
    }
  }
  // What the API shows of each invoice adds up as the stored one does (the auditor read those).
  for (const id of audit.invoices) assertInvoiceAmounts(await stripe.invoices.retrieve(id));
  const stillOut = new Map<string, number>();
  // Every return of these customers, the 75-day process's too: the API does not say whose a
  // return is, so the auditor reads that one internal field from the store.
  const refunds = await server.store.read((tx) => tx.all<Refund>('refunds', DEFAULT_ACCOUNT_ID, {}));
  for (const refund of refunds.filter((r) => r._origin === 'customer_balance' && customers.includes(r._customer))) {
    const live = refund.status !== 'canceled' && refund.status !== 'failed';
    if (audit.returns.has(refund.id)) assert.equal(audit.returns.get(refund.id)!.customer, refund._customer);
    stillOut.set(key(refund._customer, refund.currency), (stillOut.get(key(refund._customer, refund.currency)) ?? 0) + (live ? refund.amount : 0));
  }
  for (const customer of customers) {
    for (const currency of CURRENCIES) {
      const k = key(customer, currency);
      assert.equal(returnedNet.get(k) ?? 0, stillOut.get(k) ?? 0, `returns of ${k}: the ledger holds out what live returns took`);
    }
  }
}

/**
 * Runs `steps` random steps on each of `actors` concurrent clients over three shared customers.
 * Alone, every step is checked as it happens; with others, only the audit at the end holds.
 */
async function runWorkload(server: TestServer, seed: number, steps: number, actors: number): Promise<void> {
  const alone = actors === 1;
  const { stripe } = server;
  const customers: string[] = [];
  const modes = new Map<string, Mode>();
  // One test clock for the three: advancing it runs every deadline they have come to.
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  for (const [index, mode] of MODES.entries()) {
    // The last has no email: its unused money is swept at 90 days instead of returned at 75.
    const email = index < MODES.length - 1 ? `${mode}${index}@example.com` : undefined;
    const customer = await stripe.customers.create({ email, test_clock: clock.id, cash_balance: { settings: { reconciliation_mode: mode } } });
    customers.push(customer.id);
    modes.set(customer.id, mode);
  }
  const accounts = new Map<string, string>();
  for (const customer of customers) for (const currency of ['eur', 'usd'] as const) accounts.set(key(customer, currency), (await virtualAccount(stripe, customer, currency)).account);
  const audit: Audit = { funded: new Map(), reversed: new Map(), intents: new Map(), returns: new Map(), bankRefunds: new Set(), invoices: new Set() };
  const trail: string[] = [];
  /** Customer|currency whose last transfer quoted a reference: its excess may wait beside intents. */
  const referenceExcess = new Set<string>();
  const amountFrom = (random: ReturnType<typeof generator>) => (currency: string) => (currency === 'jpy' ? random.int(1, 60) * 100 : random.int(1, 6000));
  const intentsOf = async (customer: string, currency?: string, status?: string) => {
    const found: Stripe.PaymentIntent[] = [];
    for await (const pi of stripe.paymentIntents.list({ customer, limit: 100 })) {
      if ((!currency || pi.currency === currency) && (!status || pi.status === status)) found.push(pi);
    }
    return found;
  };

  /** Runs one request; a refusal must be a Stripe 4xx that left the customer's money alone. */
  async function attempt(customer: string, what: string, call: () => Promise<unknown>): Promise<boolean> {
    const before = alone ? await fingerprint(stripe, customer) : undefined;
    try {
      await call();
      trail.push(what);
      return true;
    } catch (error) {
      const status = (error as Stripe.errors.StripeError).statusCode;
      assert.ok(status !== undefined && status >= 400 && status < 500, `${what}: ${String(error)}`);
      if (before) assert.deepEqual(await fingerprint(stripe, customer), before, `${what} was refused (${status}) but changed the cash balance`);
      trail.push(`${what} -> ${status} ${(error as Error).message}`);
      return false;
    }
  }

  async function act(actor: number): Promise<void> {
    const random = generator(seed + actor * 7919);
    const amount = amountFrom(random);
    for (let step = 1; step <= steps; step++) {
      const customer = random.pick(customers)!;
      const currency = random.pick(CURRENCIES)!;
      const op = random.int(0, 124);
      if (op < 28) {
        const value = amount(currency);
        const open = await intentsOf(customer, currency, 'requires_action');
        const invoices = (await stripe.invoices.list({ customer, status: 'open', limit: 100 })).data.filter((i) => i.currency === currency);
        const references = [...open.map((p) => p.next_action?.display_bank_transfer_instructions?.reference), ...invoices.map((i) => i.number)];
        const quoted = random.chance(0.3) ? (random.pick(references.filter((r): r is string => typeof r === 'string')) ?? undefined) : undefined;
        const reference = random.chance(0.12) ? `reversal_${actor}_${step}` : (quoted ?? undefined);
        const account = reference?.startsWith('reversal_') ? undefined : accounts.get(key(customer, currency));
        const viaBank = account !== undefined && random.chance(0.35);
        const twice = viaBank && random.chance(0.3);
        const camtVersion = random.chance(0.5) ? random.pick([...CAMT_VERSIONS])! : undefined;
        const transfer = async () => {
          const bankReference = `WL${seed}A${actor}S${step}`;
          const decimal = `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
          const file = camtVersion
            ? camt(random.chance(0.5) ? '053' : '054', camtVersion, MASTER, [{ amount: decimal, currency: currency.toUpperCase(), creditorAccount: account!, ref: bankReference, remittance: reference }])
            : mt940Credit(account!, value, currency, bankReference, reference);
          const first = await importStatement(server, file);
          assert.equal(first.lines[0]?.status, 'funded', `the statement credit to ${account} funds ${customer}`);
          if (twice) assert.equal((await importStatement(server, file)).lines[0]?.status, 'duplicate', 'the same statement again funds nothing');
        };
        const what = `${viaBank ? `${camtVersion ? `camt .${camtVersion}` : 'MT940'} statement credit${twice ? ' (imported twice)' : ''}` : 'fund'} ${customer} ${value} ${currency} ${reference ?? ''}`;
        if (!(await attempt(customer, what, viaBank ? transfer : () => fund(stripe, customer, value, currency, reference)))) continue;
        if (quoted && reference === quoted && currency !== 'jpy') referenceExcess.add(key(customer, currency));
        else referenceExcess.delete(key(customer, currency));
        audit.funded.set(key(customer, currency), (audit.funded.get(key(customer, currency)) ?? 0) + value);
        if (reference?.startsWith('reversal_')) audit.reversed.set(key(customer, currency), (audit.reversed.get(key(customer, currency)) ?? 0) + value);
      } else if (op < 50) {
        const value = amount(currency);
        const fundingType = random.chance(0.85);
        let created: Stripe.PaymentIntent | undefined;
        await attempt(customer, `intent ${customer} ${value} ${currency} funding_type=${fundingType}`, async () => {
          created = await intent(stripe, customer, value, { currency, fundingType });
        });
        if (created) audit.intents.set(created.id, { customer, currency });
      } else if (op < 58) {
        const pi = random.pick((await intentsOf(customer)).filter((p) => OPEN.has(p.status)));
        if (pi) await attempt(customer, `cancel ${pi.id}`, () => stripe.paymentIntents.cancel(pi.id));
      } else if (op < 66) {
        const pi = random.pick(await intentsOf(customer, undefined, 'requires_action'));
        if (pi) {
          const value = amount(pi.currency);
          await attempt(customer, `update ${pi.id} amount ${value}`, () => stripe.paymentIntents.update(pi.id, { amount: value }));
        }
      } else if (op < 72) {
        // Manual reconciliation: mostly the manual-mode customer, whose money waits for it.
        const who = random.chance(0.8) ? customers[2] : customer;
        const pi = random.pick(await intentsOf(who, undefined, 'requires_action'));
        if (pi) {
          const available = (await stripe.customers.retrieveCashBalance(who)).available?.[pi.currency] ?? 0;
          const value = random.chance(0.7) && available > 0 ? random.int(1, available) : amount(pi.currency);
          await attempt(who, `apply ${value} to ${pi.id}`, () => stripe.paymentIntents.applyCustomerBalance(pi.id, { amount: value, currency: pi.currency }));
        }
      } else if (op < 80) {
        const pi = random.pick(await intentsOf(customer, undefined, 'succeeded'));
        if (pi) {
          const value = Math.max(1, Math.floor(pi.amount * random.int(10, 70) / 100));
          await attempt(customer, `refund ${value} of ${pi.id} into the cash balance`, async () => {
            const response = await refundToCashBalance(server, pi.id, `amount=${value}`);
            if (response.status !== 200) throw Object.assign(new Error(JSON.stringify(response.body)), { statusCode: response.status });
          });
        }
      } else if (op < 86) {
        const pi = random.pick(await intentsOf(customer, undefined, 'succeeded'));
        if (pi) {
          const value = Math.max(1, Math.floor(pi.amount * random.int(10, 70) / 100));
          await attempt(customer, `bank refund ${value} of ${pi.id}`, async () => {
            audit.bankRefunds.add((await stripe.refunds.create({ payment_intent: pi.id, amount: value })).id);
          });
        }
      } else if (op < 95) {
        const available = (await stripe.customers.retrieveCashBalance(customer)).available?.[currency] ?? 0;
        const value = Math.max(1, Math.floor(available * random.int(20, 120) / 100));
        await attempt(customer, `return ${value} ${currency} of ${available}`, async () => {
          const created = await stripe.refunds.create({ origin: 'customer_balance', customer, currency, amount: value, instructions_email: 'back@example.com' });
          audit.returns.set(created.id, { customer, currency });
        });
      } else if (op < 100) {
        const open: string[] = [];
        for (const id of [...audit.returns.keys(), ...audit.bankRefunds]) if ((await stripe.refunds.retrieve(id)).status === 'requires_action') open.push(id);
        const id = random.pick(open);
        if (id) await attempt(customer, `cancel refund ${id}`, () => stripe.refunds.cancel(id));
      } else if (op < 108) {
        // An open invoice payable from the cash balance (automatic mode may pay it at once).
        const value = amount(currency);
        await attempt(customer, `invoice ${customer} ${value} ${currency}`, async () => {
          const draft = await stripe.invoices.create({
            customer,
            currency,
            collection_method: 'send_invoice',
            days_until_due: 30,
            payment_settings: { payment_method_types: ['customer_balance'] },
          });
          audit.invoices.add(draft.id);
          await stripe.invoiceItems.create({ customer, invoice: draft.id, amount: value, currency });
          const open = (await stripe.invoices.finalizeInvoice(draft.id)) as unknown as { payment_intent: string | null };
          if (open.payment_intent) audit.intents.set(open.payment_intent, { customer, currency });
        });
      } else if (op < 113) {
        const open = (await stripe.invoices.list({ customer, status: 'open', limit: 100 })).data;
        const invoice = random.pick(open);
        if (invoice) await attempt(customer, `pay ${invoice.id} from the cash balance`, () => stripe.invoices.pay(invoice.id));
      } else if (op < 116) {
        const invoice = random.pick((await stripe.invoices.list({ customer, status: 'open', limit: 100 })).data);
        if (invoice) await attempt(customer, `void ${invoice.id}`, () => stripe.invoices.voidInvoice(invoice.id));
      } else if (op < 120) {
        const value = (random.chance(0.6) ? -1 : 1) * amount(currency);
        await attempt(customer, `credit adjustment ${value} ${currency}`, () => stripe.customers.createBalanceTransaction(customer, { amount: value, currency }));
      } else {
        const days = random.int(5, 60);
        await attempt(customer, `advance the clock ${days} days`, async () => {
          const { frozen_time } = await stripe.testHelpers.testClocks.retrieve(clock.id);
          await advanceClock(stripe, clock.id, frozen_time + days * DAY);
        });
      }

      if (!alone) continue; // other actors are mid-flight: only the final audit holds
      // Automatic mode: money left in a currency means nothing in it is waiting to be paid.
      for (const who of customers.filter((c) => modes.get(c) === 'automatic')) {
        const available = (await stripe.customers.retrieveCashBalance(who)).available ?? {};
        for (const [cur, left] of Object.entries(available)) {
          const waiting = (await intentsOf(who, cur, 'requires_action')).filter((p) => !(p as unknown as { invoice: string | null }).invoice);
          if (left > 0 && !referenceExcess.has(key(who, cur))) assert.deepEqual(waiting.map((p) => p.id), [], `${who} has ${left} ${cur} left and intents waiting`);
        }
      }
      if (step % 30 === 0) await auditAll(server, customers, audit);
    }
  }

  try {
    await Promise.all(Array.from({ length: actors }, (_, actor) => act(actor)));
    await auditAll(server, customers, audit);
    const verified = await cashbook(['verify', '--database-url', databaseOf(stripe)]);
    assert.equal(verified.code, 0, `cashbook verify after the workload:\n${verified.stdout}\n${verified.stderr}`);
    // Left alone, no money waits in a cash balance without a deadline: 400 days on, every cent
    // was returned, swept to the merchant, or is held by a payment (spec refunds §2, §6).
    const { frozen_time } = await stripe.testHelpers.testClocks.retrieve(clock.id);
    await advanceClock(stripe, clock.id, frozen_time + 400 * DAY);
    for (const customer of customers) {
      const left = Object.entries((await stripe.customers.retrieveCashBalance(customer)).available ?? {}).filter(([, amount]) => amount !== 0);
      assert.deepEqual(left, [], `${customer} still holds cash 400 days after the last step`);
    }
    await auditAll(server, customers, audit);
    if (process.env.WORKLOAD_TRAIL) console.log(trail.join('\n'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`WORKLOAD_SEED=${seed}: ${message}\nlast steps:\n  ${trail.slice(-Number(process.env.WORKLOAD_TAIL ?? 12)).join('\n  ')}`, { cause: error });
  }
}

describeEachStore('a seeded random workload, audited', (server) => {
  afterEach(async () => assertBooks(server()));
  const seed = () => Number(process.env.WORKLOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));

  it(`${STEPS} random steps keep every object consistent with the ledger`, async () => runWorkload(server(), seed(), STEPS, 1));

  it(`${ACTORS} clients at once, ${STEPS / 3} random steps each, leave books that the audit accepts`, async () => runWorkload(server(), seed(), STEPS / 3, ACTORS));
});
