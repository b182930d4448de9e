// PaymentMethods of type customer_balance: the object a customer_balance PaymentIntent carries.
import { errors } from '../../core/errors.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';

export interface PaymentMethod extends StoredObject {
  object: 'payment_method';
  type: 'customer_balance';
  customer: string | null;
}

export interface PaymentMethodInput {
  metadata?: Record<string, string>;
  billing_details?: { email?: string | null; name?: string | null; phone?: string | null };
}

export async function createCustomerBalancePaymentMethod(tx: Tx, ctx: RequestContext, input: PaymentMethodInput = {}): Promise<PaymentMethod> {
  const method: PaymentMethod = {
    id: ctx.ids('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: input.billing_details?.email ?? null,
      name: input.billing_details?.name ?? null,
      phone: input.billing_details?.phone ?? null,
    },
    created: ctx.clock.nowSeconds(),
    // Created through payment_method_data, it is not attached to a customer (as at Stripe).
    customer: null,
    customer_balance: {},
    livemode: ctx.livemode,
    metadata: input.metadata ?? {},
    type: 'customer_balance',
  };
  await tx.insert('payment_methods', ctx.accountId, method);
  return method;
}

export async function loadPaymentMethod(tx: ReadTx, ctx: RequestContext, id: string, param = 'payment_method'): Promise<PaymentMethod> {
  const method = await tx.get<PaymentMethod>('payment_methods', ctx.accountId, id);
  if (!method) throw errors.noSuch('PaymentMethod', id, param);
  return method;
}
