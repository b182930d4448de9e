// Property tests of the reconciliation matcher: its contract, determinism, and agreement with
// a brute-force reference implementation of the spec's rules on small inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { reconcile, type Allocation, type Candidate, type IntentCandidate, type InvoiceCandidate, type ReconciliationInput } from '../../src/core/reconciliation.ts';

const REFS = ['REF1', 'REF2', 'ref1 ', 'INV-1', null];

const candidateArb = (kind: 'payment_intent' | 'invoice', index: number) =>
  fc.record({
    remaining: fc.integer({ min: 1, max: 40 }),
    reference: fc.constantFrom(...REFS),
    time: fc.integer({ min: 0, max: 5 }),
    confirmedAt: fc.integer({ min: 0, max: 5 }),
  }).map(({ remaining, reference, time, confirmedAt }): Candidate =>
    kind === 'invoice'
      ? { kind, id: `in_${index}`, remaining, reference, finalizedAt: time, sequence: index }
      : { kind, id: `pi_${index}`, remaining, reference, created: time, confirmedAt, sequence: index },
  );

const inputArb = (maxCandidates: number) =>
  fc
    .array(fc.constantFrom<'payment_intent' | 'invoice'>('payment_intent', 'invoice'), { maxLength: maxCandidates })
    .chain((kinds) => fc.tuple(...kinds.map((kind, index) => candidateArb(kind, index))))
    .chain((candidates) =>
      fc.record({
        currency: fc.constantFrom('usd', 'eur', 'jpy', 'gbp', 'mxn'),
        funds: fc.integer({ min: 0, max: 120 }),
        reference: fc.constantFrom(...REFS),
        candidates: fc.constant(candidates as Candidate[]),
      }),
    );

// ---- brute-force reference, written from the spec independently of the implementation ----
const norm = (r: string | null) => (r && r.trim() ? r.trim().toUpperCase() : null);
const intentKey = (c: IntentCandidate) => [c.created, c.sequence] as const;
const invoiceKey = (c: InvoiceCandidate) => [c.finalizedAt, c.sequence] as const;
function lex(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) if (a[i][j] !== b[i][j]) return a[i][j] - b[i][j];
  return 0;
}
function referenceReconcile(input: ReconciliationInput): Allocation[] {
  const { candidates, funds } = input;
  if (funds === 0 || candidates.length === 0) return [];
  const jp = input.currency === 'jpy';
  const invoices = candidates.filter((c): c is InvoiceCandidate => c.kind === 'invoice');
  const intents = candidates.filter((c): c is IntentCandidate => c.kind === 'payment_intent');
  const ref = jp ? null : norm(input.reference);
  if (ref) {
    const inv = invoices.filter((c) => norm(c.reference) === ref);
    if (inv.length === 1 && inv[0].remaining <= funds) return [{ kind: 'invoice', id: inv[0].id, amount: inv[0].remaining, rule: 'invoice_reference' }];
    const pis = intents.filter((c) => norm(c.reference) === ref);
    if (pis.length === 1) return [{ kind: 'payment_intent', id: pis[0].id, amount: Math.min(pis[0].remaining, funds), rule: 'intent_reference' }];
  }
  const groups: Candidate[][] = [];
  for (let mask = 1; mask < 1 << candidates.length; mask++) {
    const group = candidates.filter((_, i) => mask & (1 << i));
    if (group.length <= 5 && group.reduce((s, c) => s + c.remaining, 0) === funds) groups.push(group);
  }
  const intentOrder = (a: IntentCandidate, b: IntentCandidate) =>
    jp ? a.confirmedAt - b.confirmedAt || a.created - b.created || a.sequence - b.sequence : a.created - b.created || a.sequence - b.sequence;
  if (groups.length > 0) {
    const minSize = Math.min(...groups.map((g) => g.length));
    const best = groups
      .filter((g) => g.length === minSize)
      .sort((a, b) => {
        const ia = a.filter((c) => c.kind === 'invoice').length;
        const ib = b.filter((c) => c.kind === 'invoice').length;
        if (ia !== ib) return ib - ia;
        const pa = (a.filter((c) => c.kind === 'payment_intent') as IntentCandidate[]).map(intentKey).sort((x, y) => lex([x], [y]));
        const pb = (b.filter((c) => c.kind === 'payment_intent') as IntentCandidate[]).map(intentKey).sort((x, y) => lex([x], [y]));
        const byIntents = lex(pa, pb);
        if (byIntents !== 0) return byIntents;
        const va = (a.filter((c) => c.kind === 'invoice') as InvoiceCandidate[]).map(invoiceKey).sort((x, y) => lex([x], [y]));
        const vb = (b.filter((c) => c.kind === 'invoice') as InvoiceCandidate[]).map(invoiceKey).sort((x, y) => lex([x], [y]));
        const byInvoices = lex(va, vb);
        if (byInvoices !== 0) return byInvoices;
        return a.map((c) => c.id).sort().join() < b.map((c) => c.id).sort().join() ? -1 : 1;
      })[0];
    const inv = (best.filter((c) => c.kind === 'invoice') as InvoiceCandidate[]).sort((a, b) => a.finalizedAt - b.finalizedAt || a.sequence - b.sequence);
    const pis = (best.filter((c) => c.kind === 'payment_intent') as IntentCandidate[]).sort(intentOrder);
    return [...inv, ...pis].map((c) => ({ kind: c.kind, id: c.id, amount: c.remaining, rule: 'exact_sum' as const }));
  }
  const out: Allocation[] = [];
  let left = funds;
  for (const c of [...invoices].sort((a, b) => a.finalizedAt - b.finalizedAt || a.sequence - b.sequence)) {
    if (c.remaining <= left) {
      out.push({ kind: 'invoice', id: c.id, amount: c.remaining, rule: 'oldest_invoices' });
      left -= c.remaining;
    }
  }
  for (const c of [...intents].sort(intentOrder)) {
    if (left === 0) break;
    const amount = Math.min(c.remaining, left);
    out.push({ kind: 'payment_intent', id: c.id, amount, rule: 'oldest_intents' });
    left -= amount;
  }
  return out;
}

describe('reconciliation matcher', () => {
  it('never allocates more than the funds or an object’s remaining, never funds an invoice partially', () => {
    fc.assert(
      fc.property(inputArb(12), (input) => {
        const allocations = reconcile(input);
        const total = allocations.reduce((s, a) => s + a.amount, 0);
        assert.ok(total <= input.funds);
        for (const a of allocations) {
          const c = input.candidates.find((x) => x.id === a.id)!;
          assert.ok(a.amount >= 1 && a.amount <= c.remaining);
          if (c.kind === 'invoice') assert.equal(a.amount, c.remaining);
        }
        assert.equal(new Set(allocations.map((a) => a.id)).size, allocations.length);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic, whatever order the candidates come in', () => {
    fc.assert(
      fc.property(inputArb(10), fc.integer(), (input, seed) => {
        const shuffled = [...input.candidates].sort((a, b) => ((a.sequence * 7919 + seed) % 13) - ((b.sequence * 7919 + seed) % 13));
        assert.deepEqual(reconcile(input), reconcile({ ...input, candidates: shuffled }));
        assert.deepEqual(reconcile(input), reconcile(input));
      }),
      { numRuns: 300 },
    );
  });

  it('matches a brute-force reference on small inputs', () => {
    fc.assert(
      fc.property(inputArb(8), (input) => {
        assert.deepEqual(reconcile(input), referenceReconcile(input));
      }),
      { numRuns: 1500 },
    );
  });

  it('matches the brute-force reference on medium inputs (up to 14 candidates, small amounts: many exact groups)', () => {
    fc.assert(
      fc.property(inputArb(14), (input) => {
        assert.deepEqual(reconcile(input), referenceReconcile(input));
      }),
      { numRuns: 150 },
    );
  });

  it('uses every cent of the funds when no exact group exists and intents can absorb it', () => {
    fc.assert(
      fc.property(inputArb(8), (input) => {
        const allocations = reconcile(input);
        const total = allocations.reduce((s, a) => s + a.amount, 0);
        const owed = input.candidates.filter((c) => c.kind === 'payment_intent').reduce((s, c) => s + c.remaining, 0);
        if (allocations.every((a) => a.rule === 'oldest_invoices' || a.rule === 'oldest_intents') && allocations.length > 0) {
          const invoicesTaken = allocations.filter((a) => a.kind === 'invoice').reduce((s, a) => s + a.amount, 0);
          assert.equal(total, Math.min(input.funds, invoicesTaken + owed));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('examples from the spec: reference, exact sum tie-breaks, oldest first, JPY', () => {
    const pi = (id: string, remaining: number, created: number, reference: string | null = null, confirmedAt = created): IntentCandidate => ({ kind: 'payment_intent', id, remaining, reference, created, confirmedAt, sequence: created });
    const inv = (id: string, remaining: number, finalizedAt: number, reference: string | null = null): InvoiceCandidate => ({ kind: 'invoice', id, remaining, reference, finalizedAt, sequence: finalizedAt });
    // Reference to an intent wins over an exact amount elsewhere.
    assert.deepEqual(reconcile({ currency: 'usd', funds: 500, reference: ' abc ', candidates: [pi('a', 500, 1), pi('b', 900, 2, 'ABC')] }), [
      { kind: 'payment_intent', id: 'b', amount: 500, rule: 'intent_reference' },
    ]);
    // JPY ignores references.
    assert.deepEqual(reconcile({ currency: 'jpy', funds: 500, reference: 'ABC', candidates: [pi('a', 500, 1), pi('b', 900, 2, 'ABC')] }), [
      { kind: 'payment_intent', id: 'a', amount: 500, rule: 'exact_sum' },
    ]);
    // Invoice reference that doesn't fit falls through.
    assert.deepEqual(reconcile({ currency: 'eur', funds: 100, reference: 'INV-1', candidates: [inv('i', 200, 1, 'INV-1'), pi('p', 300, 1)] }), [
      { kind: 'payment_intent', id: 'p', amount: 100, rule: 'oldest_intents' },
    ]);
    // Fewer objects, then more invoices, then oldest intents.
    assert.deepEqual(reconcile({ currency: 'usd', funds: 300, reference: null, candidates: [pi('a', 100, 1), pi('b', 200, 2), pi('c', 300, 3)] })[0].id, 'c');
    assert.deepEqual(reconcile({ currency: 'usd', funds: 300, reference: null, candidates: [pi('a', 300, 1), inv('i', 300, 5)] })[0].id, 'i');
    assert.deepEqual(reconcile({ currency: 'usd', funds: 300, reference: null, candidates: [pi('new', 300, 9), pi('old', 300, 2)] })[0].id, 'old');
    // JPY oldest-first by confirmation time.
    assert.deepEqual(reconcile({ currency: 'jpy', funds: 50, reference: null, candidates: [pi('a', 100, 1, null, 9), pi('b', 100, 2, null, 3)] }), [
      { kind: 'payment_intent', id: 'b', amount: 50, rule: 'oldest_intents' },
    ]);
  });
});
