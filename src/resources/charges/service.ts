// Charges of succeeded customer_balance PaymentIntents (prefix `py_`, as Stripe uses for
// non-card payments). Refunds point at them later.
import { errors } from '../../core/errors.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { emitEvent } from '../events/emit.ts';

export interface Charge extends StoredObject {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  customer: string | null;
  payment_intent: string;
  payment_method: string | null;
  refunded: boolean;
}

export interface ChargeSource {
  id: string;
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  invoice?: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  receipt_email?: string | null;
}

export type ChargeListener = (tx: Tx, ctx: RequestContext, charge: Charge) => Promise<void>;
const succeedingListeners: ChargeListener[] = [];

/** Lets another resource (the merchant balance) complete a new charge, in the same transaction, before `charge.succeeded` shows it. */
export function onChargeSucceeding(listener: ChargeListener): void {
  succeedingListeners.push(listener);
}

/** Creates the succeeded charge of an intent and emits `charge.succeeded`. */
export async function createSucceededCharge(tx: Tx, ctx: RequestContext, intent: ChargeSource): Promise<Charge> {
  const charge: Charge = {
    id: ctx.ids('py'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null },
    calculated_statement_descriptor: null,
    captured: true,
    created: ctx.clock.nowSeconds(),
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    invoice: intent.invoice ?? null,
    livemode: ctx.livemode,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'not_assessed', seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    payment_intent: intent.id,
    payment_method: intent.payment_method,
    payment_method_details: { customer_balance: {}, type: 'customer_balance' },
    receipt_email: intent.receipt_email ?? null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
  for (const listener of succeedingListeners) await listener(tx, ctx, charge);
  await tx.insert('charges', ctx.accountId, charge);
  await emitEvent(tx, ctx, 'charge.succeeded', charge);
  return charge;
}

export async function loadCharge(tx: ReadTx, ctx: RequestContext, id: string, param = 'charge'): Promise<Charge> {
  const charge = await tx.get<Charge>('charges', ctx.accountId, id);
  if (!charge) throw errors.noSuch('charge', id, param);
  return charge;
}
