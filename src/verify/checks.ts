// The auditor's checks: pure functions over the rows of one snapshot. Each promise Cashbook
// makes about money is one check; a break names the check, the account and the ids involved.
import { cashAccount, MERCHANT } from '../core/double-entry.ts';
import { CASH_TRANSACTION_SIGN, type CashTransactionType } from '../core/ledger.ts';
import { checkInvoiceAmounts } from '../core/invoice.ts';
import { transferDirection } from '../core/bank-files/entry.ts';
import { AUTO_RETURN_AFTER_SECONDS, isLot, MONEY_BACK_TYPES, openLots, SWEEP_AFTER_SECONDS } from '../core/refund.ts';
import type { BalanceRow, Row } from './snapshot.ts';

export const CHECKS = {
  cash_balance: 'each cash balance equals the sum of its entries',
  ending_balance: "each entry's ending_balance is the previous one plus its net_amount",
  overdraft: 'no balance below zero, except an overdraft corrected in the same step',
  journal: 'the double-entry journal sums to zero per currency (each journal and all postings)',
  merchant_balance: "the merchant balance's running totals equal its postings and its balance transactions",
  cash_account: "each customer's cash account in the books equals its cash balance",
  payment_intent: "each PaymentIntent's amount_received equals the money applied to it",
  refund: 'no refund exceeds its charge',
  invoice: 'no invoice is paid in part, and its amounts add up',
  funding_job: "every funded entry's 75/90-day job exists, is due on its day and has not failed, a done 75-day job's return or sweep exists, and no money in a cash balance is left with no such job to run",
  credit_balance: 'each credit balance equals the sum of its transactions',
  unmatched_transfer: 'no bank debit kept as an unmatched transfer (a reversal, by imports before 2026-12-03) funded a customer or was paid out',
} as const;

export type CheckName = keyof typeof CHECKS;

export interface Break {
  check: CheckName;
  account: string;
  /** The objects involved, the first one the one that is wrong. */
  ids: string[];
  message: string;
}

export interface Data {
  customers: Row<Customer>[];
  cashEntries: Row<CashEntry>[];
  balances: BalanceRow[];
  postings: Row<Posting>[];
  ledgerBalances: Row<LedgerBalance>[];
  balanceTransactions: Row<BalanceTransaction>[];
  intents: Row<Intent>[];
  charges: Row<Charge>[];
  refunds: Row<Refund>[];
  invoices: Row<Invoice>[];
  jobs: Row<Job>[];
  creditEntries: Row<CreditEntry>[];
  unmatchedTransfers: Row<UnmatchedTransfer>[];
}

interface Customer { id: string; balance: number; currency: string | null; _deleted?: boolean; _credit_balances?: Record<string, number> }
interface CashEntry { id: string; created: number; customer: string; currency: string; type: CashTransactionType; net_amount: number; ending_balance: number; applied_to_payment?: { payment_intent?: string }; unapplied_from_payment?: { payment_intent?: string }; _lot?: number; _aged?: boolean; _sweep_at?: number }
interface Posting { id: string; journal: string; account: string; currency: string; amount: number }
interface LedgerBalance { id: string; account: string; currency: string; amount: number }
interface BalanceTransaction { id: string; currency: string; net: number }
interface Intent { id: string; amount: number; amount_received: number; status: string; currency: string; _applied?: number; next_action?: { display_bank_transfer_instructions?: { amount_remaining?: number } } | null }
interface Charge { id: string; amount: number; amount_refunded: number; refunded: boolean }
interface Refund { id: string; amount: number; status: string; charge: string | null; customer?: string | null; _expires_at?: number | null; _sweep_on_expiry?: boolean }
interface Invoice { id: string; status: string; subtotal: number; total: number; starting_balance: number; ending_balance: number | null; amount_due: number; amount_paid: number; amount_remaining: number; lines: { data: { amount: number }[] } }
interface Job { id: string; kind: string; target: string; status: string; due_at: number; error?: string; follow_up?: string }
interface UnmatchedTransfer { id: string; status: string; reason: string | null; customer: string | null; amount: number; currency: string; outbound_transfer_file?: string | null }
interface CreditEntry { id: string; customer: string; currency: string; amount: number; ending_balance: number }

const key = (...parts: string[]) => parts.join('\u0000');
const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function add(map: Map<string, number>, k: string, amount: number): void {
  map.set(k, (map.get(k) ?? 0) + amount);
}

/** Which checks a scope can run: a one-customer scope cannot see the merchant's books. */
export function checksFor(customerScope: boolean): CheckName[] {
  const all = Object.keys(CHECKS) as CheckName[];
  return customerScope ? all.filter((c) => c !== 'journal' && c !== 'merchant_balance' && c !== 'refund' && c !== 'invoice' && c !== 'unmatched_transfer') : all;
}

export function runChecks(data: Data, checks: CheckName[]): Break[] {
  const breaks: Break[] = [];
  const push = (check: CheckName, account: string, ids: string[], message: string) => breaks.push({ check, account, ids, message });
  const on = new Set(checks);
  if (on.has('cash_balance') || on.has('ending_balance') || on.has('overdraft')) cashLedgers(data, push, on);
  if (on.has('journal')) journals(data, push);
  if (on.has('merchant_balance')) merchant(data, push);
  if (on.has('cash_account')) cashAccounts(data, push);
  if (on.has('payment_intent')) intents(data, push);
  if (on.has('refund')) refunds(data, push);
  if (on.has('invoice')) invoices(data, push);
  if (on.has('funding_job')) fundingJobs(data, push);
  if (on.has('credit_balance')) creditLedgers(data, push);
  if (on.has('unmatched_transfer')) unmatchedTransfers(data, push);
  return breaks;
}

type Push = (check: CheckName, account: string, ids: string[], message: string) => void;

function cashLedgers(data: Data, push: Push, on: Set<CheckName>): void {
  const chains = groupBy(data.cashEntries, (r) => key(r.account, r.object.customer, r.object.currency));
  const balances = new Map(data.balances.map((b) => [key(b.account, b.customer, b.currency), b]));
  for (const [k, chain] of chains) {
    const { account } = chain[0];
    const { customer, currency } = chain[0].object;
    let running = 0;
    let sum = 0;
    for (const [index, { object: entry }] of chain.entries()) {
      const next = chain[index + 1]?.object;
      if (on.has('ending_balance')) {
        const sign = CASH_TRANSACTION_SIGN[entry.type];
        if (!isAmount(entry.net_amount) || entry.net_amount === 0 || sign === undefined || Math.sign(entry.net_amount) !== sign) {
          push('ending_balance', account, [entry.id, customer], `${entry.id} (${entry.type}) has net_amount ${entry.net_amount}: not a non-zero integer of its type's sign`);
        }
        if (entry.ending_balance !== running + entry.net_amount) {
          push('ending_balance', account, [entry.id, customer], `${entry.id}: ending_balance ${entry.ending_balance} ${currency}, but the previous entry ended at ${running} and net_amount is ${entry.net_amount}`);
        }
      }
      if (on.has('overdraft')) {
        if (entry.ending_balance < 0) {
          const corrected = entry.type === 'funding_reversed' && next?.type === 'adjusted_for_overdraft' && next.ending_balance === 0;
          if (!corrected) push('overdraft', account, [entry.id, customer], `${entry.id} (${entry.type}) leaves ${customer}'s ${currency} balance at ${entry.ending_balance}, not corrected by the next entry`);
        }
        if (entry.type === 'adjusted_for_overdraft' && !(running < 0 && entry.ending_balance === 0)) {
          push('overdraft', account, [entry.id, customer], `${entry.id} (adjusted_for_overdraft) follows a balance of ${running} and ends at ${entry.ending_balance}: it must bring a negative balance to zero`);
        }
      }
      running = entry.ending_balance;
      sum += entry.net_amount;
    }
    const stored = balances.get(k);
    balances.delete(k);
    if (!on.has('cash_balance')) continue;
    const last = chain[chain.length - 1].object.id;
    if (!stored) push('cash_balance', account, [customer, last], `${customer} has ${chain.length} ${currency} entries summing to ${sum} but no stored ${currency} balance`);
    else if (stored.available !== sum || stored.available !== running) {
      push('cash_balance', account, [customer, last], `${customer}'s ${currency} balance is ${stored.available}, but its ${chain.length} entries sum to ${sum} (the last, ${last}, ends at ${running})`);
    }
  }
  for (const stored of balances.values()) {
    if (on.has('cash_balance') && stored.available !== 0) push('cash_balance', stored.account, [stored.customer], `${stored.customer}'s ${stored.currency} balance is ${stored.available} with no entries at all`);
  }
  if (on.has('overdraft')) {
    for (const stored of data.balances) {
      if (stored.available < 0) push('overdraft', stored.account, [stored.customer], `${stored.customer}'s ${stored.currency} balance is ${stored.available}`);
    }
  }
}

function journals(data: Data, push: Push): void {
  const byJournal = groupBy(data.postings, (r) => key(r.account, r.object.journal));
  for (const rows of byJournal.values()) {
    const sums = new Map<string, number>();
    for (const { object: p } of rows) {
      if (!isAmount(p.amount) || p.amount === 0) push('journal', rows[0].account, [p.id, p.journal], `posting ${p.id} of ${p.journal} has amount ${p.amount}: not a non-zero integer`);
      add(sums, p.currency, p.amount);
    }
    for (const [currency, sum] of sums) {
      if (sum !== 0) push('journal', rows[0].account, [rows[0].object.journal, ...rows.filter((r) => r.object.currency === currency).map((r) => r.object.id)], `journal ${rows[0].object.journal} sums to ${sum} ${currency}, not zero`);
    }
  }
  const totals = new Map<string, number>();
  for (const { account, object: p } of data.postings) add(totals, key(account, p.currency), p.amount);
  for (const [k, sum] of totals) {
    const [account, currency] = k.split('\u0000');
    if (sum !== 0) push('journal', account, [account], `all ${currency} postings of ${account} sum to ${sum}, not zero`);
  }
}

function merchant(data: Data, push: Push): void {
  const postings = new Map<string, number>();
  for (const { account, object: p } of data.postings) if (p.account === MERCHANT) add(postings, key(account, p.currency), p.amount);
  const totals = new Map<string, number>();
  const totalIds = new Map<string, string[]>();
  for (const { account, object: row } of data.ledgerBalances) {
    if (row.account !== MERCHANT) continue;
    add(totals, key(account, row.currency), row.amount);
    totalIds.set(key(account, row.currency), [...(totalIds.get(key(account, row.currency)) ?? []), row.id]);
  }
  const txns = new Map<string, number>();
  for (const { account, object: t } of data.balanceTransactions) add(txns, key(account, t.currency), t.net);
  for (const k of new Set([...postings.keys(), ...totals.keys(), ...txns.keys()])) {
    const [account, currency] = k.split('\u0000');
    const posted = postings.get(k) ?? 0;
    const total = totals.get(k) ?? 0;
    const booked = txns.get(k) ?? 0;
    if (total !== posted) push('merchant_balance', account, totalIds.get(k) ?? [`${MERCHANT}:${currency}`], `the merchant's ${currency} running total is ${total}, but its postings sum to ${posted}`);
    if (booked !== posted) push('merchant_balance', account, [`${MERCHANT}:${currency}`], `the merchant's ${currency} balance transactions net ${booked}, but its postings sum to ${posted}`);
  }
}

function cashAccounts(data: Data, push: Push): void {
  const books = new Map<string, number>();
  for (const { account, object: p } of data.postings) if (p.account.startsWith('cash_balance:')) add(books, key(account, p.account, p.currency), p.amount);
  const stored = new Map<string, number>();
  for (const b of data.balances) stored.set(key(b.account, cashAccount(b.customer), b.currency), b.available);
  for (const k of new Set([...books.keys(), ...stored.keys()])) {
    const [account, ledgerAccount, currency] = k.split('\u0000');
    const inBooks = books.get(k) ?? 0;
    const balance = stored.get(k) ?? 0;
    const customer = ledgerAccount.slice('cash_balance:'.length);
    if (inBooks !== balance) push('cash_account', account, [customer], `${customer}'s ${currency} cash account holds ${inBooks} in the books, but its cash balance is ${balance}`);
  }
}

function intents(data: Data, push: Push): void {
  const applied = new Map<string, number>();
  const entries = new Map<string, string[]>();
  for (const { account, object: e } of data.cashEntries) {
    const intent = e.type === 'applied_to_payment' ? e.applied_to_payment?.payment_intent : e.type === 'unapplied_from_payment' ? e.unapplied_from_payment?.payment_intent : undefined;
    if (!intent) continue;
    add(applied, key(account, intent), -e.net_amount);
    entries.set(key(account, intent), [...(entries.get(key(account, intent)) ?? []), e.id]);
  }
  for (const { account, object: pi } of data.intents) {
    const k = key(account, pi.id);
    const held = applied.get(k) ?? 0;
    const ids = [pi.id, ...(entries.get(k) ?? [])];
    const received = pi.status === 'succeeded' ? held : 0;
    if (pi.amount_received !== received) {
      push('payment_intent', account, ids, `${pi.id} (${pi.status}) has amount_received ${pi.amount_received} ${pi.currency}, but ${held} is applied to it${pi.status === 'succeeded' ? '' : ' and it has not succeeded'}`);
    }
    if (pi.status === 'succeeded' && held !== pi.amount) push('payment_intent', account, ids, `${pi.id} succeeded for ${pi.amount} ${pi.currency} with ${held} applied to it`);
    if (held < 0 || held > pi.amount) push('payment_intent', account, ids, `${pi.id} has ${held} applied to it, outside 0..${pi.amount}`);
    if (pi.status === 'canceled' && held !== 0) push('payment_intent', account, ids, `${pi.id} was canceled but still holds ${held} ${pi.currency}`);
    if (pi._applied !== undefined && pi._applied !== held) push('payment_intent', account, ids, `${pi.id} records ${pi._applied} applied, but its entries apply ${held}`);
    const remaining = pi.next_action?.display_bank_transfer_instructions?.amount_remaining;
    if (pi.status === 'requires_action' && remaining !== undefined && remaining !== pi.amount - held) {
      push('payment_intent', account, ids, `${pi.id} shows amount_remaining ${remaining}, but ${pi.amount - held} of ${pi.amount} is left to pay`);
    }
  }
}

function refunds(data: Data, push: Push): void {
  const byCharge = groupBy(data.refunds.filter((r) => r.object.charge !== null), (r) => key(r.account, r.object.charge!));
  const charges = new Map(data.charges.map((c) => [key(c.account, c.object.id), c]));
  for (const [k, rows] of byCharge) {
    const row = charges.get(k);
    const ids = rows.map((r) => r.object.id);
    if (!row) {
      push('refund', rows[0].account, ids, `${ids.join(', ')} refund${ids.length > 1 ? '' : 's'} charge ${rows[0].object.charge}, which does not exist`);
      continue;
    }
    const charge = row.object;
    const live = rows.filter((r) => r.object.status !== 'canceled');
    const total = live.reduce((sum, r) => sum + r.object.amount, 0);
    for (const r of rows) if (!isAmount(r.object.amount) || r.object.amount <= 0) push('refund', row.account, [r.object.id, charge.id], `${r.object.id} has amount ${r.object.amount}`);
    if (total > charge.amount) push('refund', row.account, [charge.id, ...live.map((r) => r.object.id)], `${charge.id} is refunded ${total} in all, more than its amount ${charge.amount}`);
    if (charge.amount_refunded !== total) push('refund', row.account, [charge.id, ...live.map((r) => r.object.id)], `${charge.id} has amount_refunded ${charge.amount_refunded}, but its refunds (not canceled) add up to ${total}`);
  }
  for (const { account, object: charge } of data.charges) {
    if (charge.amount_refunded > charge.amount || charge.amount_refunded < 0) push('refund', account, [charge.id], `${charge.id} has amount_refunded ${charge.amount_refunded} of ${charge.amount}`);
    if (charge.refunded !== (charge.amount_refunded === charge.amount)) push('refund', account, [charge.id], `${charge.id} says refunded: ${charge.refunded} with ${charge.amount_refunded} of ${charge.amount} refunded`);
  }
}

function invoices(data: Data, push: Push): void {
  for (const { account, object: invoice } of data.invoices) {
    if (invoice.status === 'paid' && invoice.amount_paid !== invoice.amount_due) {
      push('invoice', account, [invoice.id], `${invoice.id} is paid with ${invoice.amount_paid} of ${invoice.amount_due}: paid in part`);
    } else if (invoice.status !== 'paid' && invoice.amount_paid !== 0) {
      push('invoice', account, [invoice.id], `${invoice.id} is ${invoice.status} with ${invoice.amount_paid} of ${invoice.amount_due} paid: paid in part`);
    }
    try {
      checkInvoiceAmounts({ ...invoice, status: invoice.status as never, lineAmounts: invoice.lines.data.map((line) => line.amount) });
    } catch (error) {
      push('invoice', account, [invoice.id], `${invoice.id}: ${(error as Error).message.replace(/^invariant violated: /, '')}`);
    }
  }
}

const FUNDING_JOB_DAY = { funding_return: AUTO_RETURN_AFTER_SECONDS, funding_sweep: SWEEP_AFTER_SECONDS } as Record<string, number>;

function fundingJobs(data: Data, push: Push): void {
  const jobs = groupBy(data.jobs.filter((j) => j.object.kind in FUNDING_JOB_DAY), (j) => key(j.account, j.object.target));
  const sweeps = new Set(data.jobs.filter((j) => j.object.kind === 'funding_sweep').map((j) => key(j.account, j.object.id)));
  const returns = new Map(data.refunds.map((r) => [key(r.account, r.object.id), r.object]));
  // Deleting a test clock deletes its customers and cancels their jobs: no money waits on those.
  const deleted = new Set(data.customers.filter((c) => c.object._deleted).map((c) => key(c.account, c.object.id)));
  for (const { account, object: entry } of data.cashEntries) {
    // Fundings, and money back written since migration 17 (marked `_aged`), age as lots.
    const aged = entry.type === 'funded' || (MONEY_BACK_TYPES.has(entry.type) && entry._aged === true);
    if (!aged || !isLot(entry)) continue;
    const found = jobs.get(key(account, entry.id)) ?? [];
    // A canceled or bounced 75-day return's money is only swept, when its funding turns 90 days old.
    const sweptAt = entry._sweep_at;
    const needed = sweptAt === undefined ? 'funding_return' : 'funding_sweep';
    if (!found.some((j) => j.object.kind === needed)) push('funding_job', account, [entry.id, entry.customer], `${entry.id} (${entry.type} ${entry.net_amount} ${entry.currency}) has no ${sweptAt === undefined ? '75-day return' : 'sweep'} job`);
    for (const { object: job } of found) {
      const due = sweptAt ?? entry.created + FUNDING_JOB_DAY[job.kind];
      if (job.due_at !== due) push('funding_job', account, [job.id, entry.id], `${job.kind} job ${job.id} of ${entry.id} is due at ${job.due_at}, not ${due}`);
      if (job.status === 'failed' || (job.status === 'canceled' && !deleted.has(key(account, entry.customer)))) push('funding_job', account, [job.id, entry.id], `${job.kind} job ${job.id} of ${entry.id} ${job.status}: ${job.error ?? 'no error recorded'}`);
      if (job.kind !== 'funding_return' || job.status !== 'done' || !job.follow_up) continue;
      // Day 75 left money in the cash balance: a day-90 sweep of this lot, or a return that sweeps on expiry.
      const followed = job.follow_up.startsWith('re_')
        ? returns.get(key(account, job.follow_up))?._sweep_on_expiry === true
        : sweeps.has(key(account, job.follow_up)) && (jobs.get(key(account, entry.id)) ?? []).some((j) => j.object.id === job.follow_up);
      if (!followed) push('funding_job', account, [job.id, entry.id, job.follow_up], `the 75-day job ${job.id} of ${entry.id} left ${job.follow_up} to follow it, which does not exist`);
    }
  }
  // No money waits without a deadline: what is left of each lot (FIFO ageing over the whole
  // history) has a 75/90-day job still to run. Money back of before migration 17 never had one.
  const pending = new Set(data.jobs.filter((j) => j.object.kind in FUNDING_JOB_DAY && j.object.status === 'pending').map((j) => key(j.account, j.object.target)));
  for (const chain of groupBy(data.cashEntries, (r) => key(r.account, r.object.customer, r.object.currency)).values()) {
    const { account } = chain[0];
    if (deleted.has(key(account, chain[0].object.customer))) continue;
    const byId = new Map(chain.map((r) => [r.object.id, r.object]));
    for (const lot of openLots(chain.map((r) => r.object))) {
      const entry = byId.get(lot.id)!;
      const legacy = MONEY_BACK_TYPES.has(entry.type) && entry._aged !== true;
      if (legacy || pending.has(key(account, lot.id))) continue;
      push('funding_job', account, [lot.id, entry.customer], `${lot.remaining} ${entry.currency} of ${lot.id} (${entry.type}) is still in the cash balance with no 75/90-day job left to run`);
    }
  }
}

function creditLedgers(data: Data, push: Push): void {
  const running = new Map<string, Record<string, number>>();
  for (const chain of groupBy(data.creditEntries, (r) => key(r.account, r.object.customer, r.object.currency)).values()) {
    const { account } = chain[0];
    const { customer, currency } = chain[0].object;
    let balance = 0;
    for (const { object: entry } of chain) {
      if (!isAmount(entry.amount) || entry.amount === 0) push('credit_balance', account, [entry.id, customer], `${entry.id} has amount ${entry.amount}`);
      if (entry.ending_balance !== balance + entry.amount) push('credit_balance', account, [entry.id, customer], `${entry.id}: ending_balance ${entry.ending_balance} ${currency}, but the previous transaction ended at ${balance} and amount is ${entry.amount}`);
      balance = entry.ending_balance;
    }
    const k = key(account, customer);
    running.set(k, { ...running.get(k), [currency]: balance });
  }
  for (const { account, object: customer } of data.customers) {
    const sums = running.get(key(account, customer.id));
    // Written before the credit ledger existed and never touched since: nothing to compare.
    if (!sums && customer._credit_balances === undefined) continue;
    const stored = customer._credit_balances ?? (customer.currency && customer.balance ? { [customer.currency]: customer.balance } : {});
    const summed = sums ?? {};
    for (const currency of new Set([...Object.keys(summed), ...Object.keys(stored)])) {
      if ((stored[currency] ?? 0) !== (summed[currency] ?? 0)) push('credit_balance', account, [customer.id], `${customer.id}'s ${currency} credit balance is ${stored[currency] ?? 0}, but its transactions sum to ${summed[currency] ?? 0}`);
    }
    const expected = customer.currency ? (summed[customer.currency] ?? 0) : 0;
    if (customer.balance !== expected) push('credit_balance', account, [customer.id], `${customer.id} has balance ${customer.balance}, but its ${customer.currency ?? '(no currency)'} transactions sum to ${expected}`);
  }
}

// Such a transfer is money out, not in: assigning it credited a customer, returning it paid money that never came.
function unmatchedTransfers(data: Data, push: Push): void {
  for (const { account, object: t } of data.unmatchedTransfers) {
    if (transferDirection(t) !== 'debit') continue;
    // Marked to be sent back is harmless: no payment file takes it (outbound-files/service.ts).
    if (t.status === 'assigned') push('unmatched_transfer', account, [t.id, ...(t.customer ? [t.customer] : [])], `${t.id} is a bank debit of ${t.amount} ${t.currency} (a reversal) that funded ${t.customer ?? 'a customer'}: undo it by hand`);
    if (t.outbound_transfer_file) push('unmatched_transfer', account, [t.id, t.outbound_transfer_file], `${t.id} is a bank debit of ${t.amount} ${t.currency} (a reversal) that payment file ${t.outbound_transfer_file} pays out`);
  }
}
