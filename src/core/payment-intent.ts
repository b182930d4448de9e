// The customer_balance PaymentIntent state machine, as pure functions over amounts and
// statuses (spec payments-and-reconciliation.md §3, §4, §7). Services load the intent and
// the balance, ask here what happens, then persist and emit events.
import { assert } from './errors.ts';
import { assertMinorUnits, formatAmount } from './money.ts';

export type IntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export type IntentAction = 'confirm' | 'cancel' | 'apply_customer_balance' | 'update';

/** Statuses each action is allowed from. */
export const ALLOWED_FROM: Record<IntentAction, readonly IntentStatus[]> = {
  confirm: ['requires_payment_method', 'requires_confirmation'],
  cancel: ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action'],
  apply_customer_balance: ['requires_payment_method', 'requires_confirmation', 'requires_action'],
  // Metadata and description stay editable once succeeded; a canceled intent accepts nothing.
  update: ['requires_payment_method', 'requires_confirmation', 'requires_action', 'succeeded'],
};

const VERB: Record<IntentAction, string> = {
  confirm: 'confirm',
  cancel: 'cancel',
  apply_customer_balance: 'apply a customer balance to',
  update: 'update',
};
const PARTICIPLE: Record<IntentAction, string> = {
  confirm: 'confirmed',
  cancel: 'canceled',
  apply_customer_balance: 'funded from the customer balance',
  update: 'updated',
};

/** Null when `action` is allowed from `status`, else Stripe's payment_intent_unexpected_state message. */
export function transitionError(action: IntentAction, status: IntentStatus): string | null {
  const allowed = ALLOWED_FROM[action];
  if (allowed.includes(status)) return null;
  return `You cannot ${VERB[action]} this PaymentIntent because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be ${PARTICIPLE[action]}: ${allowed.join(', ')}.`;
}

export interface ConfirmInput {
  amount: number;
  /** Cash already applied to the intent. */
  applied: number;
  /** The customer's available cash balance in the intent's currency. */
  balance: number;
  mode: 'automatic' | 'manual';
  fundingType: 'bank_transfer' | null;
  /** An invoice's intent is never funded partially. */
  forInvoice?: boolean;
}

export type ConfirmOutcome =
  | { kind: 'succeed'; apply: number }
  | { kind: 'requires_action'; apply: number; remaining: number }
  | { kind: 'fail' };

/** Spec §4: succeed when the balance covers what remains; else wait for a transfer, or fail. */
export function decideConfirm(input: ConfirmInput): ConfirmOutcome {
  for (const value of [input.amount, input.applied, input.balance]) assertMinorUnits(value, 'confirm input');
  assert(input.applied >= 0 && input.applied < input.amount, 'applied must be below the amount at confirmation');
  assert(input.balance >= 0, 'negative balance');
  const remaining = input.amount - input.applied;
  if (input.balance >= remaining) return { kind: 'succeed', apply: remaining };
  if (input.fundingType === 'bank_transfer') {
    // In manual mode nothing is applied automatically; the merchant applies funds by hand.
    const apply = input.mode === 'automatic' && !input.forInvoice ? input.balance : 0;
    return { kind: 'requires_action', apply, remaining: remaining - apply };
  }
  return { kind: 'fail' };
}

export interface FundResult {
  applied: number;
  remaining: number;
  complete: boolean;
}

/** Adds `apply` to what an intent already received; it may never exceed the amount. */
export function fundIntent(amount: number, applied: number, apply: number): FundResult {
  assertMinorUnits(apply, 'applied amount');
  assert(apply > 0, 'an application must move money');
  const next = applied + apply;
  assert(next <= amount, `applying ${apply} would exceed the intent's amount (${applied}/${amount})`);
  return { applied: next, remaining: amount - next, complete: next === amount };
}

export interface ApplyInput {
  amount: number;
  applied: number;
  /** `amount` parameter of apply_customer_balance, if given. */
  requested: number | undefined;
  available: number;
  /** For the messages: amounts shown as `12.34 USD`. */
  currency: string;
  /** Intents of invoices are funded in full or not at all. */
  forInvoice: boolean;
}

export type ApplyOutcome = { ok: true; apply: number } | { ok: false; message: string; param?: string };

/** Spec §7: how much apply_customer_balance moves, or why it refuses. */
export function decideApply(input: ApplyInput): ApplyOutcome {
  const remaining = input.amount - input.applied;
  assert(remaining > 0, 'an incomplete intent has something remaining');
  const shown = (amount: number) => formatAmount(amount, input.currency);
  if (input.available <= 0) {
    return { ok: false, message: 'The customer has no available cash balance in this currency to apply to this PaymentIntent.' };
  }
  if (input.forInvoice) {
    // The full amount is applied to an invoice's intent, whatever `amount` says.
    if (input.available < remaining) {
      return { ok: false, message: `The customer's cash balance (${shown(input.available)}) does not cover the ${shown(remaining)} this invoice's PaymentIntent requires; invoices are never partially funded.`, param: 'amount' };
    }
    return { ok: true, apply: remaining };
  }
  if (input.requested !== undefined) {
    if (input.requested > input.amount || input.requested > remaining) {
      return { ok: false, message: `The amount ${shown(input.requested)} exceeds the ${shown(remaining)} remaining on this PaymentIntent.`, param: 'amount' };
    }
    if (input.requested > input.available) {
      return { ok: false, message: `The amount ${shown(input.requested)} exceeds the customer's available cash balance of ${shown(input.available)}.`, param: 'amount' };
    }
    return { ok: true, apply: input.requested };
  }
  return { ok: true, apply: Math.min(remaining, input.available) };
}

export type AmountChange = { status: IntentStatus; release: number; clearNextAction: boolean };

/**
 * Spec §3: changing the amount of a confirmed, waiting intent sends everything applied back to
 * the balance and returns it to requires_confirmation. Earlier statuses just take the amount.
 */
export function decideAmountChange(status: IntentStatus, applied: number): AmountChange {
  if (status === 'requires_action') return { status: 'requires_confirmation', release: applied, clearNextAction: true };
  assert(applied === 0, `an intent in ${status} holds no applied cash`);
  return { status, release: 0, clearNextAction: false };
}

/** What a cancel gives back to the balance. */
export function decideCancel(status: IntentStatus, applied: number): { release: number } {
  assert(ALLOWED_FROM.cancel.includes(status), `cancel from ${status}`);
  return { release: applied };
}
