// Links to the customer's bank-details page for a refund or a return waiting in
// requires_action. The page is public (no API key), so the token is the credential: 32
// random base-62 characters, stored under the `_public` pseudo-account with the account and
// refund it opens. A link works until the refund's 45-day window closes and only while the
// refund still waits for details, so it is used once.
import { ApiError } from '../../core/errors.ts';
import { randomBase62 } from '../../core/ids.ts';
import { PAYOUT_TYPE } from '../../core/payout-account.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { PUBLIC_ACCOUNT, publicBaseUrl } from '../hosted-instructions/service.ts';
import type { Refund } from '../refunds/object.ts';
import { loadRefund } from '../refunds/service.ts';

export const REFUND_DETAILS_PATH = '/refund_details';
const WINDOW_SECONDS = 45 * 86_400;

export interface RefundLink extends StoredObject {
  account_id: string;
  livemode: boolean;
  refund: string;
  expires_at: number;
}

export async function createRefundLink(tx: Tx, ctx: RequestContext, refundId: string): Promise<Record<string, unknown>> {
  const refund = await loadRefund(tx, ctx, refundId);
  if (refund.status !== 'requires_action') {
    throw new ApiError(`Refund ${refund.id} is ${refund.status}: a bank details link is only for a refund waiting for bank details (requires_action).`, { param: 'refund' });
  }
  if (!PAYOUT_TYPE[refund.currency]) {
    throw new ApiError(`Refunds in ${refund.currency.toUpperCase()} cannot be paid out from Cashbook's payment files (EUR, GBP and USD can).`, { param: 'refund' });
  }
  const created = ctx.clock.nowSeconds();
  const link: RefundLink = {
    id: `${ctx.livemode ? 'live' : 'test'}_${randomBase62(32)}`,
    created,
    account_id: ctx.accountId,
    livemode: ctx.livemode,
    refund: refund.id,
    expires_at: refund._expires_at ?? refund.created + WINDOW_SECONDS,
  };
  await tx.insert('refund_links', PUBLIC_ACCOUNT, link);
  return { object: 'refund_bank_details_link', refund: refund.id, url: `${publicBaseUrl()}${REFUND_DETAILS_PATH}/${link.id}`, expires_at: link.expires_at, created, livemode: ctx.livemode };
}

/** The link and its refund, or undefined when the token is unknown or past its window. */
export async function openRefundLink(tx: ReadTx, token: string, now: number): Promise<{ link: RefundLink; refund: Refund } | undefined> {
  if (!/^(test|live)_[0-9A-Za-z]{32}$/.test(token)) return undefined;
  const link = await tx.get<RefundLink>('refund_links', PUBLIC_ACCOUNT, token);
  if (!link || now > link.expires_at) return undefined;
  const refund = await tx.get<Refund>('refunds', link.account_id, link.refund);
  return refund && { link, refund };
}
