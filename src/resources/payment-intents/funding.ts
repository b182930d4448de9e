// Moving cash between a customer's balance and an intent: applying, succeeding, releasing.
// Every movement goes through postCashTransactions in the caller's transaction.
import { assert } from '../../core/errors.ts';
import { fundIntent } from '../../core/payment-intent.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { postCashTransactions } from '../cash-balance/service.ts';
import { createSucceededCharge } from '../charges/service.ts';
import { emitEvent } from '../events/emit.ts';
import { postMoneyBack } from '../refunds/money-back.ts';
import type { PaymentIntent } from './object.ts';

export type IntentListener = (tx: Tx, ctx: RequestContext, intent: PaymentIntent) => Promise<void>;
const succeededListeners: IntentListener[] = [];

/** Lets another resource (invoices) react, in the same transaction, when any intent succeeds. */
export function onIntentSucceeded(listener: IntentListener): void {
  succeededListeners.push(listener);
}

export async function saveIntent(tx: Tx, ctx: RequestContext, intent: PaymentIntent): Promise<void> {
  assert(intent._applied >= 0 && intent._applied <= intent.amount, `intent ${intent.id} applied ${intent._applied} of ${intent.amount}`);
  assert(intent.status !== 'succeeded' || (intent._applied === intent.amount && intent.amount_received === intent.amount), 'a succeeded intent received its whole amount');
  if (intent.status === 'requires_action') {
    assert(intent.next_action?.display_bank_transfer_instructions.amount_remaining === intent.amount - intent._applied, 'amount_remaining is what is left to pay');
  }
  await tx.update('payment_intents', ctx.accountId, intent);
}

/**
 * Books `amount` from the balance to the intent (one applied_to_payment entry) and updates
 * what it has received. Returns whether the intent is now fully funded. The caller persists.
 */
export async function bookApplication(tx: Tx, ctx: RequestContext, intent: PaymentIntent, amount: number): Promise<boolean> {
  const result = fundIntent(intent.amount, intent._applied, amount);
  await postCashTransactions(tx, ctx, intent.customer, intent.currency, [
    { type: 'applied_to_payment', netAmount: -amount, detail: { payment_intent: intent.id } },
  ]);
  intent._applied = result.applied;
  if (!result.complete && intent.next_action) intent.next_action.display_bank_transfer_instructions.amount_remaining = result.remaining;
  return result.complete;
}

/** A fully funded intent succeeds: its charge, then `charge.succeeded`, `payment_intent.succeeded`. */
export async function succeed(tx: Tx, ctx: RequestContext, intent: PaymentIntent): Promise<void> {
  assert(intent._applied === intent.amount, 'only a fully funded intent succeeds');
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  intent.next_action = null;
  intent.last_payment_error = null;
  const charge = await createSucceededCharge(tx, ctx, intent);
  intent.latest_charge = charge.id;
  await saveIntent(tx, ctx, intent);
  await emitEvent(tx, ctx, 'payment_intent.succeeded', intent);
  for (const listener of succeededListeners) await listener(tx, ctx, intent);
}

/** Gives everything applied back to the balance (unapplied_from_payment). Returns the amount. */
export async function releaseApplied(tx: Tx, ctx: RequestContext, intent: PaymentIntent): Promise<number> {
  const amount = intent._applied;
  if (amount === 0) return 0;
  await postMoneyBack(tx, ctx, intent.customer, intent.currency, { type: 'unapplied_from_payment', netAmount: amount, detail: { payment_intent: intent.id } }, { age: 'new' });
  intent._applied = 0;
  return amount;
}

/**
 * Applies cash to a waiting intent (reconciliation or apply_customer_balance after confirmation):
 * succeeds it when complete, else emits `payment_intent.partially_funded`.
 */
export async function applyCashToIntent(tx: Tx, ctx: RequestContext, intent: PaymentIntent, amount: number): Promise<PaymentIntent> {
  assert(intent.status === 'requires_action', `cash applied to an intent in ${intent.status}`);
  const complete = await bookApplication(tx, ctx, intent, amount);
  if (complete) {
    await succeed(tx, ctx, intent);
  } else {
    await saveIntent(tx, ctx, intent);
    await emitEvent(tx, ctx, 'payment_intent.partially_funded', intent);
  }
  return intent;
}
