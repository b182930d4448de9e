// Refunds of customer-balance payments and returns of the cash balance, pure: the state
// machine, the amount rules, the deadlines and the test bank accounts of the hosted page.
import { ApiError } from './errors.ts';
import { formatAmount } from './money.ts';

export type RefundStatus = 'requires_action' | 'pending' | 'succeeded' | 'failed' | 'canceled';

/** What can happen to a refund after it was created. */
export type RefundAction =
  | 'submit_details' // the customer gave bank details: Stripe starts paying
  | 'settle' // the money is expected at the customer's bank
  | 'bounce' // the customer's bank sent it back: ask again
  | 'cancel' // the merchant cancels before details were given
  | 'expire' // no details within the window
  | 'bank_return' // live mode: the customer's bank sent the merchant's payment back
  | 'withdraw'; // a bank reversal takes back the money of a return nobody has been paid (no payment file holds it)

const TRANSITIONS: Record<RefundAction, { from: RefundStatus | RefundStatus[]; to: RefundStatus }> = {
  submit_details: { from: 'requires_action', to: 'pending' },
  settle: { from: 'pending', to: 'succeeded' },
  bounce: { from: 'succeeded', to: 'requires_action' },
  cancel: { from: 'requires_action', to: 'canceled' },
  expire: { from: 'requires_action', to: 'failed' },
  bank_return: { from: 'succeeded', to: 'failed' },
  withdraw: { from: ['requires_action', 'pending'], to: 'canceled' },
};

export const DAY_SECONDS = 86_400;
/** The customer has 45 days to give bank details. [doc] */
export const RESPONSE_WINDOW_SECONDS = 45 * DAY_SECONDS;
/** Payments can be refunded up to 180 days after they were made. [doc] */
export const REFUND_WINDOW_SECONDS = 180 * DAY_SECONDS;
/** Unreconciled funds: automatic return at 75 days, sweep to the merchant balance at 90. [doc] */
export const AUTO_RETURN_AFTER_SECONDS = 75 * DAY_SECONDS;
export const SWEEP_AFTER_SECONDS = 90 * DAY_SECONDS;

/** The status after `action`, or null when the refund's status does not allow it. */
export function nextRefundStatus(status: RefundStatus, action: RefundAction): RefundStatus | null {
  const transition = TRANSITIONS[action];
  return (Array.isArray(transition.from) ? transition.from.includes(status) : transition.from === status) ? transition.to : null;
}

/** Where a new refund starts: waiting for bank details, or paying at once when they are known. */
export function initialRefundStatus(bankDetailsKnown: boolean): RefundStatus {
  return bankDetailsKnown ? 'pending' : 'requires_action';
}

/** The `next_action` of a refund in `requires_action`, null otherwise. */
export function refundNextAction(status: RefundStatus, email: string, emailSentAt: number, expiresAt: number): Record<string, unknown> | null {
  if (status !== 'requires_action') return null;
  return { type: 'display_details', display_details: { email_sent: { email_sent_at: emailSentAt, email_sent_to: email }, expires_at: expiresAt } };
}

/**
 * The amount of a new refund of a payment: the rest of it when not given; never more than
 * what is left, never anything once fully refunded or too old.
 */
export function refundAmount(paid: number, alreadyRefunded: number, requested: number | undefined, paidAt: number, now: number): number {
  const left = paid - alreadyRefunded;
  if (left <= 0) {
    throw new ApiError('Charge has already been refunded.', { code: 'charge_already_refunded' });
  }
  if (now - paidAt > REFUND_WINDOW_SECONDS) {
    throw new ApiError('This payment is older than 180 days and can no longer be refunded.', { param: 'payment_intent' });
  }
  const amount = requested ?? left;
  if (amount > left) {
    throw new ApiError(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, { code: 'amount_too_large', param: 'amount' });
  }
  return amount;
}

/** The amount of a return of the cash balance: all that is available unless less is asked. */
export function returnAmount(available: number, requested: number | undefined, currency: string): number {
  if (available <= 0) {
    throw new ApiError(`The customer has no ${currency.toUpperCase()} cash balance to return.`, { param: 'amount' });
  }
  const amount = requested ?? available;
  if (amount > available) {
    throw new ApiError(`The refund amount (${formatAmount(amount, currency)}) is greater than the customer's available ${currency.toUpperCase()} cash balance (${formatAmount(available, currency)}).`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  return amount;
}

/** The email refund instructions go to: the one given, else the customer's, else an error. */
export function instructionsEmail(given: string | undefined, customerEmail: string | null): string {
  const email = given ?? customerEmail;
  if (!email) {
    throw new ApiError(
      'This refund needs an email address to send bank account instructions to: set instructions_email or the customer\'s email, then retry.',
      { param: 'instructions_email' },
    );
  }
  return email;
}

export interface TestBankAccount {
  iban?: string;
  routing_number?: string;
  account_number?: string;
  sort_code?: string;
  clabe?: string;
}

const SUCCEEDS = new Set(['iban:DE89370400440532013000', 'jp:1100000/0001234', 'clabe:000000001234567897', 'gb:108800/00012345', 'us:110000000/000123456789']);
const FAILS = new Set([
  'iban:DE62370400440532013001',
  ...['2', '3', '4', '5'].map((d) => `iban:DE8937040044053201300${d}`),
  ...['1111113', '1111116', '3333335', '4444440'].map((a) => `jp:1100000/${a}`),
  ...['000000111111111117', '000000111111111133', '000000222222222224', '000000333333333331', '000000444444444448'].map((c) => `clabe:${c}`),
  ...['11111113', '11111116', '22222227', '33333335', '44444440'].map((a) => `gb:108800/${a}`),
  ...['000111111113', '000111111116', '000222222227', '000333333335', '000444444440'].map((a) => `us:110000000/${a}`),
]);

function accountKey(account: TestBankAccount): string | null {
  if (account.iban) return `iban:${account.iban.replace(/\s+/g, '').toUpperCase()}`;
  if (account.clabe) return `clabe:${account.clabe}`;
  if (account.sort_code && account.account_number) return `gb:${account.sort_code.replace(/-/g, '')}/${account.account_number}`;
  if (account.routing_number && account.account_number) {
    return `${account.routing_number.length === 7 ? 'jp' : 'us'}:${account.routing_number}/${account.account_number}`;
  }
  return null;
}

/**
 * What happens to money sent to a test bank account (the refund page's table): it arrives,
 * or the bank sends it back. Other accounts are refused, as the hosted page does in test mode.
 */
export function testBankAccountOutcome(account: TestBankAccount): 'succeeds' | 'fails' | null {
  const key = accountKey(account);
  if (key === null) return null;
  if (SUCCEEDS.has(key)) return 'succeeds';
  if (FAILS.has(key)) return 'fails';
  return null;
}

export interface Lot {
  /** The entry that brought the money in. */
  id: string;
  created: number;
  remaining: number;
}

/** The fields of a cash entry that its ageing reads. */
export interface AgedEntry {
  id: string;
  created: number;
  net_amount: number;
  type: string;
  /** Its share of money in, when not its net amount: 0 for a return canceled and swept in the same step, or for a reversed funding. */
  _lot?: number | null;
}

/** Money coming back into a cash balance (a payment canceled, a refund failed, a return canceled): a new lot with deadlines of its own. */
export const MONEY_BACK_TYPES: ReadonlySet<string> = new Set(['unapplied_from_payment', 'refunded_from_payment', 'return_canceled']);

/**
 * What of an entry is a lot, i.e. money in that ages: a credit other than an overdraft
 * correction, unless it says otherwise (`_lot`). The `credited` trigger (migration 17) uses
 * the same rule.
 */
export function lotAmount(entry: AgedEntry): number {
  if (entry.net_amount <= 0 || entry.type === 'adjusted_for_overdraft') return 0;
  return entry._lot ?? entry.net_amount;
}

/** Whether an entry brings in a lot of money. */
export function isLot(entry: AgedEntry): boolean {
  return lotAmount(entry) > 0;
}

/**
 * What a 75-day return may pay the customer of a lot: what is left of it, but never the
 * merchant's money in the balance. After a funding reversal the merchant covered its hole
 * (`cover`, until a sweep gives it back), so whatever money that cover is held as, spent or
 * come back, the customer can get no more than the balance less the cover.
 */
export function returnable(remaining: number, balance: number, cover: number): number {
  return Math.max(0, Math.min(remaining, balance - cover));
}

/**
 * Ages money in a cash balance: each lot is a credit, and each debit consumes the oldest
 * lots first (FIFO). Returns the lots with money left, oldest first. A credit that is not a
 * lot (an overdraft correction, a return canceled and swept at once, a funding later
 * reversed) first fills the hole a reversal dug beyond the lots, then refills the lots most
 * recently spent, and what is left of it is held by no lot and spent first. So the balance
 * is always held by the newest lots, which is what `lotRemainder` computes.
 */
export function openLots(entries: readonly AgedEntry[]): Lot[] {
  const lots: (Lot & { amount: number })[] = [];
  let head = 0; // lots before it are empty: each debit starts there, so ageing is linear
  let debt = 0; // a reversal beyond the lots, refilled by the overdraft adjustment
  let loose = 0; // money in the balance that no lot holds
  for (const entry of entries) {
    if (entry.net_amount > 0) {
      const lot = lotAmount(entry);
      if (lot > 0) lots.push({ id: entry.id, created: entry.created, remaining: lot, amount: lot });
      let refill = entry.net_amount - lot;
      const repaid = Math.min(refill, debt);
      debt -= repaid;
      refill -= repaid;
      // Back from the lot spent last: the one at head, or before it (never the lot just made).
      for (let i = Math.min(head, lots.length - (lot > 0 ? 2 : 1)); refill > 0 && i >= 0; i--) {
        const put = Math.min(lots[i].amount - lots[i].remaining, refill);
        lots[i].remaining += put;
        refill -= put;
        if (lots[i].remaining > 0) head = Math.min(head, i);
      }
      loose += refill;
      continue;
    }
    let owed = -entry.net_amount;
    const fromLoose = Math.min(loose, owed);
    loose -= fromLoose;
    owed -= fromLoose;
    while (owed > 0 && head < lots.length) {
      const taken = Math.min(lots[head].remaining, owed);
      lots[head].remaining -= taken;
      owed -= taken;
      if (lots[head].remaining === 0) head++;
    }
    debt += owed;
  }
  return lots.filter((lot) => lot.remaining > 0).map(({ id, created, remaining }) => ({ id, created, remaining }));
}

/**
 * What is left of one lot, without replaying the history: FIFO spends the oldest money
 * first, so the balance is held by the newest lots, and a lot keeps what the balance holds
 * beyond the lots that came after it (`creditsAfter`), up to its own amount. Equal to
 * `openLots` whenever every overdraft is corrected in the step that made it and money that
 * is not a lot only puts back what was spent.
 */
export function lotRemainder(balance: number, creditsAfter: number, lotAmount: number): number {
  return Math.max(0, Math.min(lotAmount, balance - creditsAfter));
}
