// Invoice arithmetic: totals, applying the credit balance at finalization, chargeability,
// numbers and reconciliation eligibility. Pure and deterministic.
import { assert } from './errors.ts';
import { assertMinorUnits, MAX_AMOUNT_MINOR } from './money.ts';

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';

/** Stripe's minimum chargeable amounts (minor units) for the currencies we accept. */
const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50, eur: 50, gbp: 30, jpy: 50, mxn: 1000, aud: 50, cad: 50, chf: 50, czk: 1500,
  dkk: 250, hkd: 400, huf: 17500, nok: 300, nzd: 50, pln: 200, sek: 300, sgd: 50,
};

export function minimumChargeAmount(currency: string): number {
  return MINIMUM_CHARGE[currency] ?? 50;
}

export function invoiceTotals(lineAmounts: readonly number[]): { subtotal: number; total: number } {
  let subtotal = 0;
  for (const amount of lineAmounts) {
    assertMinorUnits(amount, 'line amount');
    subtotal += amount;
  }
  assertMinorUnits(subtotal, 'invoice subtotal');
  // No taxes or discounts here: the total is the subtotal.
  return { subtotal, total: subtotal };
}

export interface CreditApplication {
  startingBalance: number;
  endingBalance: number;
  amountDue: number;
  /** The `applied_to_invoice` transaction amount (ending − starting); 0 when nothing moves. */
  transactionAmount: number;
}

/** Applies the customer's balance S to an invoice total T at finalization (credit-balance spec §4). */
export function applyCreditAtFinalization(total: number, startingBalance: number): CreditApplication {
  assertMinorUnits(total, 'invoice total');
  assertMinorUnits(startingBalance, 'starting balance');
  assert(total >= 0, `invoice total is negative: ${total}`);
  let amountDue: number;
  let endingBalance: number;
  if (startingBalance < 0) {
    const applied = Math.min(-startingBalance, total);
    amountDue = total - applied;
    endingBalance = startingBalance + applied;
  } else {
    amountDue = total + startingBalance;
    endingBalance = 0;
  }
  const result = { startingBalance, endingBalance, amountDue, transactionAmount: endingBalance - startingBalance };
  assert(amountDue >= 0 && endingBalance <= 0, 'credit application out of range');
  assert(amountDue === total + startingBalance - endingBalance, 'amount_due must equal total + starting_balance - ending_balance');
  return result;
}

export type Chargeability = 'zero' | 'chargeable' | 'too_small' | 'too_large';

export function chargeability(amountDue: number, currency: string): Chargeability {
  if (amountDue === 0) return 'zero';
  if (amountDue < minimumChargeAmount(currency)) return 'too_small';
  if (amountDue > MAX_AMOUNT_MINOR) return 'too_large';
  return 'chargeable';
}

export interface InvoiceAmounts {
  status: InvoiceStatus;
  subtotal: number;
  total: number;
  starting_balance: number;
  ending_balance: number | null;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  lineAmounts: readonly number[];
}

/** The invariants of an invoice's amounts; throws InvariantError on any violation. */
export function checkInvoiceAmounts(invoice: InvoiceAmounts): void {
  for (const [name, value] of Object.entries(invoice)) {
    if (typeof value === 'number') assertMinorUnits(value, name);
  }
  const { subtotal, total } = invoiceTotals(invoice.lineAmounts);
  assert(invoice.subtotal === subtotal && invoice.total === total, 'invoice total must be the sum of its lines');
  assert(invoice.amount_remaining === invoice.amount_due - invoice.amount_paid, 'amount_remaining must be amount_due - amount_paid');
  assert(invoice.amount_paid >= 0 && invoice.amount_paid <= invoice.amount_due, 'amount_paid out of range');
  if (invoice.status === 'draft') {
    assert(invoice.ending_balance === null, 'a draft has no ending_balance');
    assert(invoice.amount_paid === 0, 'a draft is unpaid');
  } else {
    assert(invoice.ending_balance !== null, 'a finalized invoice has an ending_balance');
    assert(invoice.amount_due === invoice.total + invoice.starting_balance - invoice.ending_balance, 'amount_due must equal total + starting_balance - ending_balance');
  }
  if (invoice.status === 'paid') assert(invoice.amount_remaining === 0, 'a paid invoice has nothing remaining');
}

/** `PREFIX-0001`: the customer's prefix and a zero-padded sequence, as Stripe numbers invoices. */
export function formatInvoiceNumber(prefix: string, sequence: number): string {
  assert(Number.isSafeInteger(sequence) && sequence >= 1, `bad invoice sequence ${sequence}`);
  return `${prefix}-${String(sequence).padStart(4, '0')}`;
}

/** A bank transfer reference quotes an invoice number: whole string, trimmed, case-insensitive. */
export function referenceMatchesNumber(reference: string | null, number: string | null): boolean {
  if (!reference || !number) return false;
  return reference.trim().toUpperCase() === number.trim().toUpperCase();
}

export const OVERDUE_RECONCILIATION_WINDOW_SECONDS = 30 * 86_400;

export interface ReconcilableInvoice {
  status: InvoiceStatus;
  currency: string;
  due_date: number | null;
  amount_remaining: number;
  payment_method_types: readonly string[] | null;
}

/**
 * Whether automatic reconciliation may fund an invoice in `currency` at `now`: open, in that
 * currency, customer_balance allowed, something left to pay, and not more than 30 days past due
 * (invoices without a due date count as not past due).
 */
export function isReconciliationCandidate(invoice: ReconcilableInvoice, currency: string, now: number): boolean {
  if (invoice.status !== 'open' || invoice.currency !== currency || invoice.amount_remaining <= 0) return false;
  if (!invoice.payment_method_types?.includes('customer_balance')) return false;
  return invoice.due_date === null || now - invoice.due_date < OVERDUE_RECONCILIATION_WINDOW_SECONDS;
}
