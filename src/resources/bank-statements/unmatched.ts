// Credits that routed to no customer: kept until the merchant assigns one to a customer
// (funding it, once) or returns it: the payment files then pay it back to the sender's
// account as the statement named it (src/resources/outbound-files), and a later statement
// settles that payment or reopens the transfer when the sender's bank sends it back.
import { ApiError, errors } from '../../core/errors.ts';
import { hasLatinLetter } from '../../core/payment-files/latin.ts';
import { senderPayoutAccount } from '../../core/payment-files/sender-account.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { MAX_LINE_AMOUNT, transferDirection } from '../../core/bank-files/entry.ts';
import { fundFromTransfer, type UnmatchedTransfer } from './service.ts';
import { MAX_PAYMENT } from '../outbound-files/service.ts';
import { CASH_CURRENCIES, isCashCurrency } from '../../core/money.ts';

/** The currencies payment files pay in (outbound-files/service.ts). */
const PAYOUT_CURRENCIES: string[] = Object.keys(MAX_PAYMENT).sort();

async function lockTransfer(tx: Tx, ctx: RequestContext, id: string): Promise<UnmatchedTransfer> {
  const transfer = await tx.getForUpdate<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, id);
  if (!transfer) throw errors.noSuch('unmatched_transfer', id, 'id');
  if (transfer.status === 'reversed') throw new ApiError('The bank reversed this unmatched transfer (see reversal_reason): the money left your account again, so it cannot be assigned or returned.', { param: 'id' });
  if (transfer.status !== 'open') throw new ApiError(`This unmatched transfer is ${transfer.status}: only an open one can be assigned or returned.`, { param: 'id' });
  if (transferDirection(transfer) === 'debit') {
    throw new ApiError('This unmatched transfer is a reversal: money that left the account, not money received. It cannot be assigned or returned.', { param: 'id' });
  }
  if (!isCashCurrency(transfer.currency) && !PAYOUT_CURRENCIES.includes(transfer.currency)) {
    // Neither is possible, whichever was asked: say so, and what is left to the merchant.
    throw new ApiError(
      `This unmatched transfer is in ${transfer.currency.toUpperCase()}, which Cashbook can neither hold in a cash balance (${CASH_CURRENCIES.map((c) => c.toUpperCase()).join(', ')}) nor pay back in a payment file (${PAYOUT_CURRENCIES.map((c) => c.toUpperCase()).join(', ')}): ` +
        'handle it outside Cashbook (ask your bank to send it back, or book it yourself). Cashbook has no way to mark it handled: it stays open in the list.',
      { param: 'id' },
    );
  }
  return transfer;
}

export async function assignTransfer(tx: Tx, ctx: RequestContext, id: string, customerId: string): Promise<UnmatchedTransfer> {
  const transfer = await lockTransfer(tx, ctx, id);
  if (transfer.amount > MAX_LINE_AMOUNT) {
    throw new ApiError(`This unmatched transfer is above the largest amount a cash balance is funded with at once (${MAX_LINE_AMOUNT} minor units): return it to the sender instead.`, { param: 'id' });
  }
  const funded = await fundFromTransfer(tx, ctx, customerId, transfer.currency, transfer.amount, { reference: transfer.reference, sender: transfer.sender, network: transfer._network ?? null });
  const assigned: UnmatchedTransfer = { ...transfer, status: 'assigned', customer: customerId, cash_balance_transaction: funded.id };
  await tx.update('unmatched_transfers', ctx.accountId, assigned);
  return assigned;
}

/**
 * To be sent back to the sender: `returned` with `return_status: pending`, and the next
 * payment file of its currency pays it. Refused (400, nothing changes) when the statement did
 * not give the sender's account and name, the name has no Latin letter, or the currency is not
 * one Cashbook pays out.
 */
export async function returnTransfer(tx: Tx, ctx: RequestContext, id: string): Promise<UnmatchedTransfer> {
  const transfer = await lockTransfer(tx, ctx, id);
  const largest = MAX_PAYMENT[transfer.currency as keyof typeof MAX_PAYMENT];
  if (largest !== undefined && transfer.amount > largest) {
    throw new ApiError(`This unmatched transfer is larger than one payment of a ${transfer.currency.toUpperCase()} payment file can be (${largest} minor units): pay it back outside Cashbook.`, { param: 'id' });
  }
  const payout = senderPayoutAccount(transfer.currency, transfer.sender);
  if (!payout.ok) {
    throw new ApiError(`This unmatched transfer cannot be sent back: ${payout.message}. Assign it to a customer instead, or pay it back outside Cashbook.`, { param: 'id' });
  }
  // Payment files carry only Latin letters (latin.ts): a name in another script would reach the bank blank or as NOTPROVIDED, as the refund page refuses it.
  if (!hasLatinLetter(payout.account.account_holder_name)) {
    throw new ApiError(
      `This unmatched transfer cannot be sent back: the sender's name on the statement (${JSON.stringify(payout.account.account_holder_name)}) has no Latin letter, which a payment file needs to name the account it pays. Assign it to a customer instead, or pay it back outside Cashbook.`,
      { param: 'id' },
    );
  }
  const returned: UnmatchedTransfer = { ...transfer, status: 'returned', return_status: 'pending', outbound_transfer_file: null, _payout_account: payout.account };
  await tx.update('unmatched_transfers', ctx.accountId, returned);
  return returned;
}
