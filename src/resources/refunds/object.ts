// The stored refund: Stripe's object plus internal fields (`_`-prefixed, never on the wire).
import { refundNextAction, type RefundStatus } from '../../core/refund.ts';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, type CashCurrency } from '../../core/money.ts';
import type { StoredObject } from '../../store/types.ts';
import type { PayoutAccount } from '../../core/payout-account.ts';

export interface Refund extends StoredObject {
  object: 'refund';
  amount: number;
  currency: string;
  status: RefundStatus;
  charge: string | null;
  payment_intent: string | null;
  balance_transaction: string | null;
  metadata: Record<string, string>;
  reason: string | null;
  destination_details: Record<string, unknown>;
  instructions_email?: string;
  next_action?: Record<string, unknown>;
  failure_reason?: string;
  failure_balance_transaction?: string;
  /** `payment` (to the bank), `cash_balance` (into it), or `customer_balance` (a return). */
  _origin: 'payment' | 'cash_balance' | 'customer_balance';
  _customer: string;
  _email_sent_at: number | null;
  _expires_at: number | null;
  /** Started by the 75-day process: on expiry the money is swept to the merchant balance. */
  _sweep_on_expiry: boolean;
  /** The bank account the customer gave on the refund page (money out pays it). */
  _payout_account?: PayoutAccount;
  /** The payment file (otf_…) that pays it, once one does. */
  _outbound_file?: string;
  /** A 75-day return: the lot (the funding, or money back) whose remainder it returns. */
  _funding?: string;
  /** Canceled for a bank reversal: the return that pays out what it held beyond it (its links open that one). */
  _replaced_by?: string;
}

export function bankDestination(currency: string, reference: string | null = null): Record<string, unknown> {
  const type = BANK_TRANSFER_TYPE_BY_CURRENCY[currency as CashCurrency];
  return { type, [type]: { reference, reference_status: reference ? 'available' : 'pending' } };
}

export const CASH_BALANCE_DESTINATION = { type: 'customer_cash_balance', customer_cash_balance: {} };

/** Sets the refund's status and the fields that follow from it (`next_action`). */
export function setStatus(refund: Refund, status: RefundStatus): void {
  refund.status = status;
  const action = refund.instructions_email && refund._expires_at !== null && refund._email_sent_at !== null
    ? refundNextAction(status, refund.instructions_email, refund._email_sent_at, refund._expires_at)
    : null;
  if (action) refund.next_action = action;
  else delete refund.next_action;
}

export interface NewRefund {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string;
  charge: string | null;
  paymentIntent: string | null;
  origin: Refund['_origin'];
  metadata: Record<string, string>;
  reason: string | null;
  email: string | null;
  expiresAt: number | null;
  sweepOnExpiry?: boolean;
}

export function buildRefund(input: NewRefund, status: RefundStatus): Refund {
  const refund: Refund = {
    id: input.id,
    object: 'refund',
    amount: input.amount,
    balance_transaction: null,
    charge: input.charge,
    created: input.created,
    currency: input.currency,
    destination_details: input.origin === 'cash_balance' ? CASH_BALANCE_DESTINATION : bankDestination(input.currency),
    metadata: input.metadata,
    payment_intent: input.paymentIntent,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status,
    transfer_reversal: null,
    _origin: input.origin,
    _customer: input.customer,
    _email_sent_at: input.email ? input.created : null,
    _expires_at: input.expiresAt,
    _sweep_on_expiry: input.sweepOnExpiry ?? false,
  };
  if (input.email) refund.instructions_email = input.email;
  setStatus(refund, status);
  return refund;
}
