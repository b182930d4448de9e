// Automatic reconciliation of a customer's cash balance: a pure matcher.
//
// Input (`ReconciliationInput`): the money available for reconciliation in one currency
// (`funds`, the customer's whole available balance in that currency), the reference the
// incoming transfer carried (`reference`, null when the trigger was not a transfer), and the
// objects awaiting funding (`candidates`), of two kinds:
//   - `payment_intent`: an incomplete customer_balance PaymentIntent (status requires_action,
//     waiting for a bank transfer). `remaining` = its `amount_remaining`; `reference` = its
//     `display_bank_transfer_instructions.reference`; may be funded partially.
//     `created` orders intents (non-JP), `confirmedAt` orders them for JPY.
//   - `invoice`: an open invoice (same currency, customer_balance allowed, not more than 30 days
//     past due). `remaining` = its `amount_remaining`; `reference` = its `number`;
//     `finalizedAt` = `status_transitions.finalized_at`. Never funded partially.
//   `sequence` is a caller-given total order inside one kind (creation order of the rows),
//   used to break ties between equal timestamps; ids break any tie left, for determinism.
//
// Output: allocations in funding order (`{ kind, id, amount, rule }`). Invoices always get
// their whole `remaining`; no object gets more than its `remaining`; the sum never exceeds
// `funds`. The caller books one applied_to_payment per allocation, in order.
//
// Rules (spec payments-and-reconciliation.md §6), USD/GBP/EUR/MXN:
//   1. reference matches exactly one invoice's number and it fits in funds → pay it;
//   2. else reference matches exactly one intent's reference → apply min(remaining, funds);
//   3. else the exact-sum group of 1..5 candidates whose remainings add up to funds, preferring
//      (a) fewer objects, (b) more invoices, (c) the oldest intents (sorted creation times compared
//      lexicographically), then the oldest invoices (finalization times), then ids;
//   4. else fully fund invoices oldest finalized first, skipping ones that do not fit;
//   5. then the money left goes to intents oldest first (the last one may be partial).
// JPY: no reference steps (1–2); step 5 orders intents by confirmation time.
import { assert } from './errors.ts';
import { assertMinorUnits } from './money.ts';

export interface IntentCandidate {
  kind: 'payment_intent';
  id: string;
  remaining: number;
  reference: string | null;
  created: number;
  confirmedAt: number;
  sequence: number;
}

export interface InvoiceCandidate {
  kind: 'invoice';
  id: string;
  remaining: number;
  /** The invoice `number`, which customers quote as their transfer reference. */
  reference: string | null;
  finalizedAt: number;
  sequence: number;
}

export type Candidate = IntentCandidate | InvoiceCandidate;

export type ReconciliationRule = 'invoice_reference' | 'intent_reference' | 'exact_sum' | 'oldest_invoices' | 'oldest_intents';

export interface ReconciliationInput {
  currency: string;
  funds: number;
  reference: string | null;
  candidates: readonly Candidate[];
}

export interface Allocation {
  kind: Candidate['kind'];
  id: string;
  amount: number;
  rule: ReconciliationRule;
}

/** Candidates considered by the exact-sum search (the oldest ones), bounding its work. */
export const EXACT_SUM_CANDIDATE_LIMIT = 50;
export const EXACT_SUM_MAX_GROUP = 5;

/** Currencies whose transfers carry no usable reference (Japan). */
export function usesReferences(currency: string): boolean {
  return currency.toLowerCase() !== 'jpy';
}

function normalize(reference: string | null): string | null {
  const trimmed = reference?.trim().toUpperCase();
  return trimmed ? trimmed : null;
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Age order of intents by creation (ties: sequence, id). */
export function byCreated(a: IntentCandidate, b: IntentCandidate): number {
  return cmp(a.created, b.created) || cmp(a.sequence, b.sequence) || cmpText(a.id, b.id);
}

/** JP order of intents: first confirmation, then creation. */
export function byConfirmed(a: IntentCandidate, b: IntentCandidate): number {
  return cmp(a.confirmedAt, b.confirmedAt) || byCreated(a, b);
}

export function byFinalized(a: InvoiceCandidate, b: InvoiceCandidate): number {
  return cmp(a.finalizedAt, b.finalizedAt) || cmp(a.sequence, b.sequence) || cmpText(a.id, b.id);
}

function checkInput(input: ReconciliationInput): void {
  assertMinorUnits(input.funds, 'reconciliation funds');
  assert(input.funds >= 0, `negative reconciliation funds: ${input.funds}`);
  const ids = new Set<string>();
  for (const candidate of input.candidates) {
    assertMinorUnits(candidate.remaining, 'candidate remaining');
    assert(candidate.remaining > 0, `candidate ${candidate.id} has nothing remaining`);
    const key = `${candidate.kind}:${candidate.id}`;
    assert(!ids.has(key), `candidate ${candidate.id} given twice`);
    ids.add(key);
  }
}

/**
 * Compares two exact-sum groups of the same size: more invoices first, then the oldest
 * intents, then the oldest invoices, then ids. Negative when `a` is preferred.
 */
export function compareGroups(a: readonly Candidate[], b: readonly Candidate[]): number {
  const invoicesA = a.filter((c): c is InvoiceCandidate => c.kind === 'invoice').sort(byFinalized);
  const invoicesB = b.filter((c): c is InvoiceCandidate => c.kind === 'invoice').sort(byFinalized);
  if (invoicesA.length !== invoicesB.length) return invoicesB.length - invoicesA.length;
  const intentsA = a.filter((c): c is IntentCandidate => c.kind === 'payment_intent').sort(byCreated);
  const intentsB = b.filter((c): c is IntentCandidate => c.kind === 'payment_intent').sort(byCreated);
  for (let i = 0; i < intentsA.length; i++) {
    const order = cmp(intentsA[i].created, intentsB[i].created) || cmp(intentsA[i].sequence, intentsB[i].sequence);
    if (order !== 0) return order;
  }
  for (let i = 0; i < invoicesA.length; i++) {
    const order = cmp(invoicesA[i].finalizedAt, invoicesB[i].finalizedAt) || cmp(invoicesA[i].sequence, invoicesB[i].sequence);
    if (order !== 0) return order;
  }
  const idsA = a.map((c) => c.id).sort();
  const idsB = b.map((c) => c.id).sort();
  for (let i = 0; i < idsA.length; i++) {
    const order = cmpText(idsA[i], idsB[i]);
    if (order !== 0) return order;
  }
  return 0;
}

/** Age order used to pick which candidates the exact-sum search looks at. */
function ageKey(candidate: Candidate): number {
  return candidate.kind === 'invoice' ? candidate.finalizedAt : candidate.created;
}

/**
 * The preferred group of 1..5 candidates whose remaining amounts add up exactly to `target`,
 * or undefined. Searches sizes in increasing order and stops at the first size with a solution.
 */
export function findExactSumGroup(candidates: readonly Candidate[], target: number): Candidate[] | undefined {
  if (target <= 0) return undefined;
  const pool = [...candidates]
    .filter((c) => c.remaining <= target)
    .sort((a, b) => cmp(ageKey(a), ageKey(b)) || cmpText(a.kind, b.kind) || cmp(a.sequence, b.sequence) || cmpText(a.id, b.id))
    .slice(0, EXACT_SUM_CANDIDATE_LIMIT)
    // Ascending amounts let the search stop early once a partial sum is too large.
    .sort((a, b) => cmp(a.remaining, b.remaining) || cmpText(a.kind, b.kind) || cmpText(a.id, b.id));
  // Amount → pool indexes (ascending): the last member of a group is looked up, not searched.
  const byAmount = new Map<number, number[]>();
  pool.forEach((c, index) => byAmount.set(c.remaining, [...(byAmount.get(c.remaining) ?? []), index]));
  // largest[m] = the sum of the m largest amounts: no group of m more can add more than that.
  const largest = [0];
  for (let m = 1; m <= EXACT_SUM_MAX_GROUP; m++) largest.push(largest[m - 1] + (pool[pool.length - m]?.remaining ?? 0));
  for (let size = 1; size <= Math.min(EXACT_SUM_MAX_GROUP, pool.length); size++) {
    let best: Candidate[] | undefined;
    const chosen: Candidate[] = [];
    const search = (start: number, sum: number): void => {
      const slots = size - chosen.length;
      if (slots === 1) {
        for (const index of byAmount.get(target - sum) ?? []) {
          if (index < start) continue;
          const group = [...chosen, pool[index]];
          if (!best || compareGroups(group, best) < 0) best = group;
        }
        return;
      }
      for (let i = start; i <= pool.length - slots; i++) {
        const next = sum + pool[i].remaining;
        // Every later member is at least this large: once the smallest completion overshoots, stop.
        if (next + (slots - 1) * pool[i].remaining > target) break;
        // Even the largest amounts cannot reach the target from here: try a larger member.
        if (next + largest[slots - 1] < target) continue;
        chosen.push(pool[i]);
        search(i + 1, next);
        chosen.pop();
      }
    };
    search(0, 0);
    if (best) return best;
  }
  return undefined;
}

/** Runs the rules and returns the allocations, in the order the objects are funded. */
export function reconcile(input: ReconciliationInput): Allocation[] {
  checkInput(input);
  const funds = input.funds;
  if (funds === 0 || input.candidates.length === 0) return [];
  const invoices = input.candidates.filter((c): c is InvoiceCandidate => c.kind === 'invoice');
  const intents = input.candidates.filter((c): c is IntentCandidate => c.kind === 'payment_intent');
  const allocations = pick();
  // The contract, checked on every answer.
  let total = 0;
  for (const allocation of allocations) {
    const candidate = input.candidates.find((c) => c.kind === allocation.kind && c.id === allocation.id);
    assert(candidate, `allocation to unknown candidate ${allocation.id}`);
    assert(allocation.amount > 0 && allocation.amount <= candidate.remaining, `allocation to ${allocation.id} out of range`);
    assert(candidate.kind !== 'invoice' || allocation.amount === candidate.remaining, `invoice ${allocation.id} funded partially`);
    total += allocation.amount;
  }
  assert(total <= funds, `allocated ${total} of ${funds}`);
  assert(new Set(allocations.map((a) => `${a.kind}:${a.id}`)).size === allocations.length, 'an object was funded twice');
  return allocations;

  function pick(): Allocation[] {
    const reference = usesReferences(input.currency) ? normalize(input.reference) : null;
    if (reference !== null) {
      const invoiceMatches = invoices.filter((c) => normalize(c.reference) === reference);
      // An invoice is never funded partially: a match that does not fit is no match.
      if (invoiceMatches.length === 1 && invoiceMatches[0].remaining <= funds) {
        return [{ kind: 'invoice', id: invoiceMatches[0].id, amount: invoiceMatches[0].remaining, rule: 'invoice_reference' }];
      }
      const intentMatches = intents.filter((c) => normalize(c.reference) === reference);
      if (intentMatches.length === 1) {
        return [{ kind: 'payment_intent', id: intentMatches[0].id, amount: Math.min(intentMatches[0].remaining, funds), rule: 'intent_reference' }];
      }
    }
    const group = findExactSumGroup(input.candidates, funds);
    if (group) {
      const ordered = [
        ...group.filter((c): c is InvoiceCandidate => c.kind === 'invoice').sort(byFinalized),
        ...group.filter((c): c is IntentCandidate => c.kind === 'payment_intent').sort(usesReferences(input.currency) ? byCreated : byConfirmed),
      ];
      return ordered.map((c) => ({ kind: c.kind, id: c.id, amount: c.remaining, rule: 'exact_sum' }));
    }
    const out: Allocation[] = [];
    let left = funds;
    for (const invoice of [...invoices].sort(byFinalized)) {
      if (invoice.remaining <= left) {
        out.push({ kind: 'invoice', id: invoice.id, amount: invoice.remaining, rule: 'oldest_invoices' });
        left -= invoice.remaining;
      }
    }
    for (const intent of [...intents].sort(usesReferences(input.currency) ? byCreated : byConfirmed)) {
      if (left === 0) break;
      const amount = Math.min(intent.remaining, left);
      out.push({ kind: 'payment_intent', id: intent.id, amount, rule: 'oldest_intents' });
      left -= amount;
    }
    return out;
  }
}
