// A succeeded customer_balance payment moves its money from "payments in flight" to the
// merchant balance: one `payment` balance transaction, linked from the charge.
import { PAYMENTS_IN_FLIGHT } from '../../core/double-entry.ts';
import { onIntentSucceeded } from '../payment-intents/funding.ts';
import type { Charge } from '../charges/service.ts';
import { bookMerchant } from './service.ts';

onIntentSucceeded(async (tx, ctx, intent) => {
  const chargeId = intent.latest_charge as string | null;
  const txn = await bookMerchant(tx, ctx, {
    amount: intent.amount,
    currency: intent.currency,
    type: 'payment',
    source: chargeId,
    description: (intent.description as string | null) ?? null,
    counter: PAYMENTS_IN_FLIGHT,
  });
  if (chargeId) {
    const charge = await tx.getForUpdate<Charge>('charges', ctx.accountId, chargeId);
    if (charge) await tx.update('charges', ctx.accountId, { ...charge, balance_transaction: txn.id });
  }
});
