// Links to the customer's bank-details page for a refund or a return waiting in
// requires_action. The page is public (no API key), so the token is the credential: 32
// random base-62 characters, stored under the `_public` pseudo-account with the account and
// refund it opens. A link works until the refund's 45-day window closes, on the customer's
// clock (its test clock's time when it has one, as the window itself), and once: the
// submission that gives the details spends it, even if the refund later waits again.
import type { Clock } from '../../core/clock.ts';
import { ApiError } from '../../core/errors.ts';
import { randomBase62, randomIds } from '../../core/ids.ts';
import { PAYOUT_TYPE } from '../../core/payout-account.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import { systemContext, type RequestContext } from '../../wire/context.ts';
import type { Customer } from '../customers/service.ts';
import { PUBLIC_ACCOUNT, publicBaseUrl } from '../hosted-instructions/service.ts';
import type { Refund } from '../refunds/object.ts';
import { loadRefund } from '../refunds/service.ts';
import { customerContext } from '../test-clocks/service.ts';

export const REFUND_DETAILS_PATH = '/refund_details';
const WINDOW_SECONDS = 45 * 86_400;

export interface RefundLink extends StoredObject {
  account_id: string;
  livemode: boolean;
  refund: string;
  expires_at: number;
  /** When the customer's details were taken through this link (the customer's clock); a link is used once. */
  used_at?: number | null;
}

/** Now for work on the refund: its customer's test clock time when it has one, else `clock`'s. */
async function refundNow(tx: ReadTx, accountId: string, livemode: boolean, refund: Refund, clock: Clock): Promise<number> {
  const customer = await tx.get<Customer>('customers', accountId, refund._customer);
  return customer ? (await customerContext(tx, systemContext(accountId, livemode, clock, randomIds), customer)).clock.nowSeconds() : clock.nowSeconds();
}

const expiresAt = (refund: Refund) => refund._expires_at ?? refund.created + WINDOW_SECONDS;

export async function createRefundLink(tx: Tx, ctx: RequestContext, refundId: string): Promise<Record<string, unknown>> {
  const refund = await loadRefund(tx, ctx, refundId);
  if (refund.status !== 'requires_action') {
    throw new ApiError(`Refund ${refund.id} is ${refund.status}: a bank details link is only for a refund waiting for bank details (requires_action).`, { param: 'refund' });
  }
  if (!PAYOUT_TYPE[refund.currency]) {
    throw new ApiError(`Refunds in ${refund.currency.toUpperCase()} cannot be paid out from Cashbook's payment files (EUR, GBP and USD can).`, { param: 'refund' });
  }
  const created = await refundNow(tx, ctx.accountId, ctx.livemode, refund, ctx.clock);
  if (created >= expiresAt(refund)) {
    throw new ApiError(`Refund ${refund.id}'s 45-day window for bank details closed at ${expiresAt(refund)}: no new link can be made.`, { param: 'refund' });
  }
  const link: RefundLink = {
    id: `${ctx.livemode ? 'live' : 'test'}_${randomBase62(32)}`,
    created,
    account_id: ctx.accountId,
    livemode: ctx.livemode,
    refund: refund.id,
    expires_at: expiresAt(refund),
    used_at: null,
  };
  await tx.insert('refund_links', PUBLIC_ACCOUNT, link);
  return { object: 'refund_bank_details_link', refund: refund.id, url: `${publicBaseUrl()}${REFUND_DETAILS_PATH}/${link.id}`, expires_at: link.expires_at, created, livemode: ctx.livemode };
}

export interface OpenedLink {
  link: RefundLink;
  refund: Refund;
  /** Now on the customer's clock. */
  now: number;
}

/**
 * The link, its refund and the customer's now, or undefined when the token is unknown.
 * `forUpdate` locks the link, so two submissions through one link run one after the other.
 */
export async function openRefundLink(tx: ReadTx | Tx, token: string, clock: Clock, forUpdate = false): Promise<OpenedLink | undefined> {
  if (!/^(test|live)_[0-9A-Za-z]{32}$/.test(token)) return undefined;
  const link = forUpdate ? await (tx as Tx).getForUpdate<RefundLink>('refund_links', PUBLIC_ACCOUNT, token) : await tx.get<RefundLink>('refund_links', PUBLIC_ACCOUNT, token);
  if (!link) return undefined;
  let refund = await tx.get<Refund>('refunds', link.account_id, link.refund);
  // A return a bank reversal replaced (refunds/lifecycle.ts withdrawForReversal): the link opens the one paying out the rest.
  for (let hops = 0; refund?._replaced_by && hops < 100; hops++) refund = await tx.get<Refund>('refunds', link.account_id, refund._replaced_by);
  if (!refund) return undefined;
  return { link, refund, now: await refundNow(tx, link.account_id, link.livemode, refund, clock) };
}

/** What the page says instead of the form, or null when the form is shown (the link opens a refund still waiting for details). */
export function linkRefusal(opened: OpenedLink): { state: 'pending' | 'succeeded' | 'gone' | 'expired' | 'used' } | null {
  const { link, refund, now } = opened;
  if (refund.status === 'pending' || refund.status === 'succeeded') return { state: refund.status };
  if (refund.status !== 'requires_action') return { state: 'gone' }; // canceled or failed
  if (now >= link.expires_at) return { state: 'expired' };
  if (link.used_at != null) return { state: 'used' }; // back in requires_action (the bank sent it back): the merchant sends a new link
  return null;
}

export async function markLinkUsed(tx: Tx, opened: OpenedLink): Promise<void> {
  await tx.update('refund_links', PUBLIC_ACCOUNT, { ...opened.link, used_at: opened.now });
}
