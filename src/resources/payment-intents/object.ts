// The stored PaymentIntent and the pieces of its wire shape.
import { ApiError } from '../../core/errors.ts';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, type BankTransferType, type CashCurrency } from '../../core/money.ts';
import type { IntentAction, IntentStatus } from '../../core/payment-intent.ts';
import { transitionError } from '../../core/payment-intent.ts';
import type { StoredObject } from '../../store/types.ts';
import { toWire } from '../../wire/wire-object.ts';
import { ADDRESS_TYPES_BY_TRANSFER } from '../funding-instructions/addresses.ts';
import { checkAddressTypes, checkTransferType } from '../funding-instructions/service.ts';
import type { PaymentMethodOptionsParam } from './params.ts';

export interface BankTransferOptions {
  eu_bank_transfer?: { country: string };
  requested_address_types: string[];
  type: string;
}

export interface CustomerBalanceOptions {
  bank_transfer?: BankTransferOptions;
  funding_type: 'bank_transfer' | null;
  setup_future_usage?: 'none';
}

export interface BankTransferInstructions {
  amount_remaining: number;
  currency: string;
  financial_addresses: Record<string, unknown>[];
  hosted_instructions_url: string | null;
  reference: string | null;
  type: string;
}

export interface PaymentIntent extends StoredObject {
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string;
  status: IntentStatus;
  invoice: string | null;
  description: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  latest_charge: string | null;
  receipt_email: string | null;
  last_payment_error: Record<string, unknown> | null;
  next_action: { type: 'display_bank_transfer_instructions'; display_bank_transfer_instructions: BankTransferInstructions } | null;
  payment_method_options: { customer_balance: CustomerBalanceOptions };
  canceled_at: number | null;
  cancellation_reason: string | null;
  /** Cash applied so far (applied_to_payment minus unapplied_from_payment). */
  _applied: number;
  /** First confirmation time; orders JPY reconciliation. */
  _confirmed_at: number | null;
  /** The transfer reference, generated at the first requires_action and kept for life. */
  _reference: string | null;
  /** Token of the hosted instructions page. */
  _hosted_token: string | null;
}

const OPTION_PARAM = 'payment_method_options[customer_balance]';

/** Validates and echoes `payment_method_options[customer_balance]` for an intent in `currency`. */
export function customerBalanceOptions(currency: string, options: PaymentMethodOptionsParam | undefined, current?: CustomerBalanceOptions): CustomerBalanceOptions {
  const given = options?.customer_balance;
  if (!given) return current ?? { funding_type: null };
  const out: CustomerBalanceOptions = { funding_type: given.funding_type === 'bank_transfer' ? 'bank_transfer' : (current?.funding_type ?? null) };
  let bank = given.bank_transfer;
  // funding_type without bank_transfer: use the transfer type the currency implies.
  if (!bank && out.funding_type === 'bank_transfer' && !current?.bank_transfer) bank = { type: BANK_TRANSFER_TYPE_BY_CURRENCY[currency as CashCurrency] };
  if (bank) {
    checkTransferType(currency, bank.type, `${OPTION_PARAM}[bank_transfer][type]`);
    checkAddressTypes(bank.type as BankTransferType, bank.requested_address_types, `${OPTION_PARAM}[bank_transfer][requested_address_types]`);
    if (bank.eu_bank_transfer && bank.type !== 'eu_bank_transfer') {
      throw new ApiError('eu_bank_transfer can only be given when bank_transfer[type] is eu_bank_transfer.', { param: `${OPTION_PARAM}[bank_transfer][eu_bank_transfer]` });
    }
    out.bank_transfer = {
      ...(bank.eu_bank_transfer ? { eu_bank_transfer: { country: bank.eu_bank_transfer.country } } : {}),
      requested_address_types: bank.requested_address_types?.length ? bank.requested_address_types : [...ADDRESS_TYPES_BY_TRANSFER[bank.type as keyof typeof ADDRESS_TYPES_BY_TRANSFER]],
      type: bank.type,
    };
  } else if (current?.bank_transfer) out.bank_transfer = current.bank_transfer;
  if (given.setup_future_usage) out.setup_future_usage = 'none';
  return out;
}

export function intentWire(intent: PaymentIntent): Record<string, unknown> {
  return toWire(intent);
}

/** Stripe's 400 for an action the intent's status forbids; the intent rides along in the error. */
export function unexpectedState(intent: PaymentIntent, action: IntentAction, message?: string): ApiError {
  return new ApiError(message ?? transitionError(action, intent.status) ?? `This PaymentIntent cannot be ${action}ed now.`, {
    code: 'payment_intent_unexpected_state',
    extra: { payment_intent: intentWire(intent) },
  });
}

export function checkAction(intent: PaymentIntent, action: IntentAction): void {
  if (transitionError(action, intent.status) !== null) throw unexpectedState(intent, action);
}
