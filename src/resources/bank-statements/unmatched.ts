// Credits that routed to no customer: kept until the merchant assigns one to a customer
// (funding it, once) or marks it to be sent back.
import { ApiError, errors } from '../../core/errors.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { fundFromTransfer, type UnmatchedTransfer } from './service.ts';

async function lockTransfer(tx: Tx, ctx: RequestContext, id: string): Promise<UnmatchedTransfer> {
  const transfer = await tx.getForUpdate<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, id);
  if (!transfer) throw errors.noSuch('unmatched_transfer', id, 'id');
  if (transfer.status !== 'open') throw new ApiError(`This unmatched transfer is ${transfer.status}: only an open one can be assigned or returned.`, { param: 'id' });
  return transfer;
}

export async function assignTransfer(tx: Tx, ctx: RequestContext, id: string, customerId: string): Promise<UnmatchedTransfer> {
  const transfer = await lockTransfer(tx, ctx, id);
  const funded = await fundFromTransfer(tx, ctx, customerId, transfer.currency, transfer.amount, transfer);
  const assigned: UnmatchedTransfer = { ...transfer, status: 'assigned', customer: customerId, cash_balance_transaction: funded.id };
  await tx.update('unmatched_transfers', ctx.accountId, assigned);
  return assigned;
}

/** Marks it to be sent back to the sender (the money-out files pay it). */
export async function returnTransfer(tx: Tx, ctx: RequestContext, id: string): Promise<UnmatchedTransfer> {
  const transfer = await lockTransfer(tx, ctx, id);
  const returned: UnmatchedTransfer = { ...transfer, status: 'returned' };
  await tx.update('unmatched_transfers', ctx.accountId, returned);
  return returned;
}
