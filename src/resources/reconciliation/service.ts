// Automatic reconciliation of one customer's cash balance in one currency: gathers the
// candidates (waiting PaymentIntents, plus invoices from registered sources or the caller),
// asks the pure matcher (src/core/reconciliation.ts) what to fund, and funds it, all in the
// caller's transaction.
import { assert } from '../../core/errors.ts';
import { reconcile, type Allocation, type Candidate, type IntentCandidate, type InvoiceCandidate } from '../../core/reconciliation.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import type { Customer } from '../customers/service.ts';
import { applyCashToIntent } from '../payment-intents/funding.ts';
import type { PaymentIntent } from '../payment-intents/object.ts';

/** Funds one invoice allocation (the invoice's own intent gets the applied_to_payment entry). */
export type InvoiceFunder = (tx: Tx, ctx: RequestContext, customer: Customer, allocation: Allocation) => Promise<void>;

/** A provider of invoice candidates, consulted on every reconciliation (invoices registers one). */
export interface CandidateSource {
  candidates(tx: Tx, ctx: RequestContext, customer: Customer, currency: string): Promise<InvoiceCandidate[]>;
  fund: InvoiceFunder;
}

const sources: CandidateSource[] = [];

export function registerCandidateSource(source: CandidateSource): void {
  sources.push(source);
}

export interface ReconcileOptions {
  /** The incoming transfer's reference; null when money came back from a payment. */
  reference?: string | null;
  /** Extra invoice candidates for this pass only, with the function that funds them. */
  extra?: { candidates: InvoiceCandidate[]; fund: InvoiceFunder };
}

/** The customer's intents that wait for a bank transfer in `currency`, as candidates. */
export async function intentCandidates(tx: Tx, ctx: RequestContext, customerId: string, currency: string): Promise<{ candidates: IntentCandidate[]; intents: Map<string, PaymentIntent> }> {
  const rows = await tx.all<PaymentIntent>('payment_intents', ctx.accountId, { customer: customerId, currency, status: 'requires_action' });
  const intents = new Map<string, PaymentIntent>();
  const candidates: IntentCandidate[] = [];
  rows.forEach((intent, sequence) => {
    // An invoice's intent is funded through its invoice candidate, never on its own.
    if (intent.invoice !== null || intent.next_action?.type !== 'display_bank_transfer_instructions') return;
    intents.set(intent.id, intent);
    candidates.push({
      kind: 'payment_intent',
      id: intent.id,
      remaining: intent.amount - intent._applied,
      reference: intent._reference,
      created: intent.created,
      confirmedAt: intent._confirmed_at ?? intent.created,
      sequence,
    });
  });
  return { candidates, intents };
}

/**
 * Runs automatic reconciliation for a customer and currency over the money now available,
 * whatever the customer's mode (callers check the mode). The customer must be locked.
 * Returns the allocations made, in funding order.
 */
export async function reconcileCustomerCurrency(tx: Tx, ctx: RequestContext, customer: Customer, currency: string, options: ReconcileOptions = {}): Promise<Allocation[]> {
  const funds = (await tx.cashBalances(ctx.accountId, customer.id))[currency] ?? 0;
  if (funds <= 0) return [];
  // Read together (pure reads): on PostgreSQL they go out in one pipelined round trip.
  const [{ candidates: intents, intents: byId }, ...fromSources] = await Promise.all([
    intentCandidates(tx, ctx, customer.id, currency),
    ...sources.map((source) => source.candidates(tx, ctx, customer, currency)),
  ]);
  const funders = new Map<string, InvoiceFunder>();
  const invoices: InvoiceCandidate[] = [];
  for (const [index, source] of sources.entries()) {
    for (const candidate of fromSources[index]) {
      if (funders.has(candidate.id)) continue;
      funders.set(candidate.id, source.fund);
      invoices.push(candidate);
    }
  }
  for (const candidate of options.extra?.candidates ?? []) {
    if (funders.has(candidate.id)) continue;
    funders.set(candidate.id, options.extra!.fund);
    invoices.push(candidate);
  }
  const candidates: Candidate[] = [...invoices, ...intents].filter((c) => c.remaining > 0);
  const allocations = reconcile({ currency, funds, reference: options.reference ?? null, candidates });
  for (const allocation of allocations) {
    if (allocation.kind === 'payment_intent') {
      const intent = byId.get(allocation.id);
      assert(intent, `allocation to unknown intent ${allocation.id}`);
      await applyCashToIntent(tx, ctx, intent, allocation.amount);
    } else {
      await funders.get(allocation.id)!(tx, ctx, customer, allocation);
    }
  }
  const left = (await tx.cashBalances(ctx.accountId, customer.id))[currency] ?? 0;
  assert(left === funds - allocations.reduce((sum, a) => sum + a.amount, 0), 'reconciliation moved exactly what it allocated');
  return allocations;
}
