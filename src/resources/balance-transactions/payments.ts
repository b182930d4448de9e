// A succeeded customer_balance payment moves its money from "payments in flight" to the
// merchant balance: one `payment` balance transaction, linked from the charge before its
// `charge.succeeded` event is written, so the event shows the link as a retrieve does.
import { PAYMENTS_IN_FLIGHT } from '../../core/double-entry.ts';
import { onChargeSucceeding } from '../charges/service.ts';
import { bookMerchant } from './service.ts';

onChargeSucceeding(async (tx, ctx, charge) => {
  const txn = await bookMerchant(tx, ctx, {
    amount: charge.amount,
    currency: charge.currency,
    type: 'payment',
    source: charge.id,
    description: (charge.description as string | null) ?? null,
    counter: PAYMENTS_IN_FLIGHT,
  });
  charge.balance_transaction = txn.id;
});
