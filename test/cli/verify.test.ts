// `cashbook verify` through the built command: clean on a database the API wrote (also while
// the server keeps writing), and each invariant broken directly in the database is found and
// named with its ids (exit 1); restoring the row makes it clean again.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type Stripe from 'stripe';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { databaseOf } from '../support/databases.ts';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent, newCustomer } from '../integration/payments-helpers.ts';
import { advanceClock, DAY } from '../integration/refund-helpers.ts';
import { assertCashLedger } from '../support/invariants.ts';
import { cashbook, openRaw, type RawDb } from './binary.ts';

const ACCOUNT = DEFAULT_ACCOUNT_ID;

type Restore = () => Promise<unknown>;

async function objects<T = Record<string, unknown>>(raw: RawDb, table: string): Promise<T[]> {
  const rows = await raw.all<{ data: string }>(`SELECT data FROM ${table} WHERE account_id = ? ORDER BY seq`, [ACCOUNT]);
  return rows.map((row) => JSON.parse(row.data) as T);
}

/** Rewrites one stored object's JSON; the restore puts the original text back. */
async function edit(raw: RawDb, table: string, id: string, mutate: (object: Record<string, unknown>) => void): Promise<Restore> {
  const [row] = await raw.all<{ data: string }>(`SELECT data FROM ${table} WHERE account_id = ? AND id = ?`, [ACCOUNT, id]);
  assert.ok(row, `${table} ${id} exists`);
  const object = JSON.parse(row.data) as Record<string, unknown>;
  mutate(object);
  assert.equal(await raw.run(`UPDATE ${table} SET data = ? WHERE account_id = ? AND id = ?`, [JSON.stringify(object), ACCOUNT, id]), 1);
  return () => raw.run(`UPDATE ${table} SET data = ? WHERE account_id = ? AND id = ?`, [row.data, ACCOUNT, id]);
}

async function shiftBalance(raw: RawDb, customer: string, currency: string, by: number): Promise<Restore> {
  const sql = 'UPDATE cash_balances SET available = available + ? WHERE account_id = ? AND customer_id = ? AND currency = ?';
  assert.equal(await raw.run(sql, [by, ACCOUNT, customer, currency]), 1);
  return () => raw.run(sql, [-by, ACCOUNT, customer, currency]);
}

async function verify(database: string, ...args: string[]) {
  return cashbook(['verify', '--database-url', database, ...args]);
}

describeEachStore('cashbook verify', (server) => {
  let database: string;
  let stripe: Stripe;
  // The objects the breaks below tamper with.
  let plain: Stripe.Customer;
  let payer: Stripe.Customer;
  let paid: Stripe.PaymentIntent;
  let refund: Stripe.Refund;
  let invoice: Stripe.Invoice;
  let aged: Stripe.Customer; // on a test clock past day 75: its day-75 job is done and left a sweep
  let asked: Stripe.Customer; // the same, with an email: its day-75 job left a return
  let transfer: string; // an unmatched transfer from a statement

  before(async () => {
    stripe = server().stripe;
    database = databaseOf(stripe);
    plain = await newCustomer(stripe);
    await fund(stripe, plain.id, 5_000);
    await fund(stripe, plain.id, 700, 'usd', 'reversal_verify'); // funded, then funding_reversed
    payer = await newCustomer(stripe, 'automatic');
    await fund(stripe, payer.id, 10_000);
    paid = await intent(stripe, payer.id, 3_000);
    assert.equal(paid.status, 'succeeded');
    refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 1_000, instructions_email: 'payer@example.com' });
    const draft = await stripe.invoices.create({ customer: payer.id, currency: 'usd', collection_method: 'send_invoice', days_until_due: 30, payment_settings: { payment_method_types: ['customer_balance'] } });
    await stripe.invoiceItems.create({ customer: payer.id, invoice: draft.id, amount: 2_000 });
    invoice = await stripe.invoices.finalizeInvoice(draft.id); // the cash balance pays it at once (automatic mode)
    assert.equal(invoice.status, 'paid');
    await stripe.customers.createBalanceTransaction(plain.id, { amount: -1_500, currency: 'usd', description: 'credit' });
    await stripe.customers.createBalanceTransaction(plain.id, { amount: 400, currency: 'usd', description: 'debit' });
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
    aged = await stripe.customers.create({ test_clock: clock.id }); // no email: day 75 schedules the day-90 sweep
    await fund(stripe, aged.id, 800);
    // A credit to no virtual account of Cashbook's: kept as an unmatched transfer.
    const mt940 = [':20:VERIFY', ':25:NL91ABNA0417164300', ':28C:1/1', ':60F:C261201EUR0,00', ':61:2612011201C12,00NTRFNONREF//VERIFY-U1', ':86:?20SVWZ+nobody?32SOMEONE', ':62F:C261201EUR12,00', '-'].join('\n');
    const imported = await server().request('POST', '/cashbook/v1/bank_statements', { form: mt940, headers: { 'content-type': 'text/plain' } });
    transfer = imported.body.lines[0].unmatched_transfer;
    assert.ok(transfer, JSON.stringify(imported.body));
    asked = await stripe.customers.create({ test_clock: clock.id, email: 'asked@example.com' }); // day 75 starts a return
    await fund(stripe, asked.id, 900);
    await advanceClock(stripe, clock.id, clock.frozen_time + 76 * DAY);
  });

  it('is clean on a database the API wrote, for all accounts, one account and as JSON', async () => {
    const all = await verify(database);
    assert.equal(all.code, 0, `${all.stdout}\n${all.stderr}`);
    assert.match(all.stdout, /in one snapshot/);
    assert.match(all.stdout, /^ok\s+each cash balance equals the sum of its entries$/m);
    assert.match(all.stdout, /^ok\s+every funded entry's 75\/90-day job exists/m);
    assert.match(all.stdout, /\nno breaks\n$/);
    const one = await verify(database, '--account', ACCOUNT, '--json');
    assert.equal(one.code, 0, one.stderr);
    const report = JSON.parse(one.stdout) as { breaks: unknown[]; checks: { name: string }[]; counts: Record<string, number> };
    assert.deepEqual(report.breaks, []);
    assert.equal(report.checks.length, 12);
    assert.ok(report.counts['cash balance transactions'] >= 6 && report.counts.refunds === 2 && report.counts.invoices === 1, JSON.stringify(report.counts));
    const none = await verify(database, '--account', 'acct_nobody');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^cashbook: no account acct_nobody/);
  });

  it("checks one customer's day-75 return in its own scope, and a deleted test clock's canceled jobs are no break", async () => {
    const returns = (await stripe.refunds.list({ limit: 100 })).data.filter((r) => r.amount === 900 && r.status === 'requires_action');
    assert.equal(returns.length, 1, 'the day-75 job started a return of what was left');
    await assertCashLedger(stripe, asked.id); // the follow-up return is read in the customer's scope
    const other = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
    const gone = await stripe.customers.create({ test_clock: other.id });
    await fund(stripe, gone.id, 300);
    await stripe.testHelpers.testClocks.del(other.id); // its customers go, their pending 75-day jobs are canceled
    const result = await verify(database);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  });

  it('stays clean while the server keeps writing (one snapshot)', async () => {
    const customers = await Promise.all([0, 1, 2].map(() => newCustomer(stripe, 'automatic')));
    let stop = false;
    let writes = 0;
    const writers = customers.map(async (customer, n) => {
      while (!stop) {
        await fund(stripe, customer.id, 100 + n);
        if (writes % 3 === 0) await intent(stripe, customer.id, 50);
        writes++;
      }
    });
    try {
      for (let round = 0; round < 3; round++) {
        const result = await verify(database);
        assert.equal(result.code, 0, `round ${round}:\n${result.stdout}\n${result.stderr}`);
      }
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    assert.ok(writes > 0);
  });

  it('finds each broken invariant, names it with the ids involved, and exits 1', async () => {
    const raw = await openRaw(database);
    try {
      const cash = await objects<{ id: string; customer: string; type: string; net_amount: number; ending_balance: number }>(raw, 'cash_balance_transactions');
      const postings = await objects<{ id: string; journal: string; account: string }>(raw, 'ledger_postings');
      const ledgerBalances = await objects<{ id: string; account: string; currency: string }>(raw, 'ledger_balances');
      const jobs = await objects<{ id: string; kind: string; target: string }>(raw, 'scheduled_jobs');
      const firstFunding = cash.find((e) => e.customer === plain.id && e.type === 'funded')!;
      const applied = cash.filter((e) => e.customer === payer.id && e.type === 'applied_to_payment').at(-1)!;
      const posting = postings.find((p) => p.account.startsWith('cash_balance:'))!;
      const merchantTotal = ledgerBalances.find((b) => b.account === 'merchant_available' && b.currency === 'usd')!;
      const job = jobs.find((j) => j.kind === 'funding_return' && j.target === firstFunding.id)!;
      const plainPosting = postings.find((p) => p.account === `cash_balance:${plain.id}`)!;
      const agedFunding = cash.find((e) => e.customer === aged.id && e.type === 'funded')!;
      const agedJob = jobs.find((j) => j.kind === 'funding_return' && j.target === agedFunding.id) as { id: string; status?: string; follow_up?: string };
      const sweep = jobs.find((j) => j.kind === 'funding_sweep' && j.target === agedFunding.id)!;
      assert.ok(firstFunding && applied && posting && plainPosting && merchantTotal && job && sweep, 'the objects to break exist');
      assert.equal(agedJob.status, 'done');
      assert.equal(agedJob.follow_up, sweep.id, 'the day-75 job names the sweep it left');
      const charge = (await stripe.charges.list({ payment_intent: paid.id })).data[0];
      assert.equal(cash.filter((e) => e.customer === payer.id).at(-1)!.id, applied.id, 'the payer\'s last entry is the one overdrawn');

      const cases: [string, string, () => Promise<Restore[]>][] = [
        ['cash_balance', plain.id, async () => [await shiftBalance(raw, plain.id, 'usd', 1)]],
        ['ending_balance', firstFunding.id, async () => [await edit(raw, 'cash_balance_transactions', firstFunding.id, (o) => ((o.ending_balance as number) += 1))]],
        // The payer's last entry takes more than there was: the balance ends below zero, uncorrected.
        ['overdraft', applied.id, async () => {
          const before = applied.ending_balance - applied.net_amount;
          return [
            await edit(raw, 'cash_balance_transactions', applied.id, (o) => Object.assign(o, { net_amount: -(before + 1), ending_balance: -1 })),
            await shiftBalance(raw, payer.id, 'usd', -(applied.ending_balance + 1)),
          ];
        }],
        ['journal', posting.journal, async () => [await edit(raw, 'ledger_postings', posting.id, (o) => ((o.amount as number) += 1))]],
        ['merchant_balance', merchantTotal.id, async () => [await edit(raw, 'ledger_balances', merchantTotal.id, (o) => ((o.amount as number) += 1))]],
        ['payment_intent', paid.id, async () => [await edit(raw, 'payment_intents', paid.id, (o) => ((o.amount_received as number) -= 1))]],
        ['refund', charge.id, async () => [await edit(raw, 'refunds', refund.id, (o) => ((o.amount as number) = charge.amount + 1))]],
        ['invoice', invoice.id, async () => [await edit(raw, 'invoices', invoice.id, (o) => ((o.amount_paid as number) -= 1))]],
        ['funding_job', firstFunding.id, async () => [await edit(raw, 'scheduled_jobs', job.id, (o) => (o.target = 'ccsbtxn_elsewhere'))]],
        // The day-90 sweep the done day-75 job left is gone from its lot; a job due on the wrong day.
        ['funding_job', sweep.id, async () => [await edit(raw, 'scheduled_jobs', sweep.id, (o) => (o.target = 'ccsbtxn_elsewhere'))]],
        ['funding_job', job.id, async () => [await edit(raw, 'scheduled_jobs', job.id, (o) => ((o.due_at as number) += DAY))]],
        // Money still in the balance whose day-75 job is marked done without a return or a sweep: no deadline left.
        ['funding_job', firstFunding.id, async () => [await edit(raw, 'scheduled_jobs', job.id, (o) => (o.status = 'done'))]],
        // A posting moved from one customer's cash account to another's: the journal still sums to zero.
        ['cash_account', plain.id, async () => [await edit(raw, 'ledger_postings', plainPosting.id, (o) => (o.account = `cash_balance:${payer.id}`))]],
        // A reversal kept as a transfer by imports before 2026-12-03, then assigned: money from nothing.
        ['unmatched_transfer', transfer, async () => [await edit(raw, 'unmatched_transfers', transfer, (o) => Object.assign(o, { reason: 'a reversal that matches no funding of this account', status: 'assigned', customer: plain.id }))]],
        ['credit_balance', plain.id, async () => [await edit(raw, 'customers', plain.id, (o) => ((o.balance as number) += 1))]],
      ];
      for (const [check, id, breakIt] of cases) {
        const restores = await breakIt();
        try {
          const result = await verify(database);
          assert.equal(result.code, 1, `${check}: exit 1\n${result.stdout}\n${result.stderr}`);
          const lines = result.stdout.split('\n').filter((line) => line.startsWith(`BREAK ${check} [${ACCOUNT}]`));
          assert.ok(lines.some((line) => line.includes(id)), `${check}: a BREAK line naming ${id}:\n${result.stdout}`);
          assert.match(result.stdout, new RegExp(`^FAIL\\s+.*\\(\\d+ breaks?\\)$`, 'm'));
          assert.match(result.stdout, /\d+ breaks? found\n$/);
        } finally {
          for (const restore of restores.reverse()) await restore();
        }
        const clean = await verify(database);
        assert.equal(clean.code, 0, `clean again after restoring ${check}:\n${clean.stdout}`);
      }
    } finally {
      await raw.close();
    }
  });
});
