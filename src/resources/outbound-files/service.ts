// Money out to the merchant's bank: the merchant's own accounts (what the files debit) and
// payment files holding every pending refund or return (with the customer's bank details)
// and every returned unmatched transfer (paid back to the sender's account from the
// statement) that no earlier file holds. Each goes in one file at most: it is locked and
// re-checked in the file's transaction, so concurrent requests split them.
import { ApiError, errors } from '../../core/errors.ts';
import { bicCountry, isValidAbaRoutingNumber, isValidIban } from '../../core/bank-details.ts';
import { executionDate, nextAchBankingDay } from '../../core/payment-files/business-days.ts';
import { cashbookId, hasLatinLetter, nameProblem } from '../../core/payment-files/latin.ts';
import { achIndividualId, nachaFile } from '../../core/payment-files/nacha.ts';
import { pain001, type OutboundPayment } from '../../core/payment-files/pain001.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { transferDirection } from '../../core/bank-files/entry.ts';
import type { UnmatchedTransfer } from '../bank-statements/service.ts';
import type { Refund } from '../refunds/object.ts';

export type OutboundCurrency = 'eur' | 'gbp' | 'usd';

export interface MerchantBankAccount extends StoredObject {
  object: 'merchant_bank_account';
  currency: OutboundCurrency;
  livemode: boolean;
  account_holder_name: string;
  iban: string | null;
  bic: string | null;
  routing_number: string | null;
  account_number: string | null;
  company_id: string | null;
}

export interface OutboundTransferFile extends StoredObject {
  object: 'outbound_transfer_file';
  livemode: boolean;
  currency: OutboundCurrency;
  format: 'pain.001.001.09' | 'nacha';
  count: number;
  amount: number;
  refunds: string[];
  unmatched_transfers: string[];
  _content: string;
}

export interface MerchantAccountParams {
  currency: OutboundCurrency;
  account_holder_name: string;
  iban?: string;
  bic?: string;
  routing_number?: string;
  account_number?: string;
  company_id?: string;
}

/**
 * The holder name every file names the merchant by (pain.001 InitgPty and Dbtr, NACHA's
 * immediate origin and company name, which NACHA requires), or why it cannot be one: payment
 * files carry only Latin letters (latin.ts), so a name with none would reach the bank blank or
 * as NOTPROVIDED. The check the refund page applies to the customer's name.
 */
function merchantNameProblem(name: string): string | null {
  const problem = nameProblem(name);
  if (problem === 'control') return 'account_holder_name cannot contain control characters (line breaks, tabs, NUL).';
  if (problem === 'not_latin') return 'account_holder_name must have a Latin letter, as your bank account is named: payment files carry no other script (letters with accents are fine).';
  return null;
}

/** Sets (or replaces) the merchant's account for a currency. */
export async function setMerchantBankAccount(tx: Tx, ctx: RequestContext, params: MerchantAccountParams): Promise<MerchantBankAccount> {
  const name = params.account_holder_name.trim();
  const problem = merchantNameProblem(name);
  if (problem) throw new ApiError(problem, { param: 'account_holder_name' });
  const base = { id: `mba_${params.currency}`, object: 'merchant_bank_account' as const, created: ctx.clock.nowSeconds(), currency: params.currency, livemode: ctx.livemode, account_holder_name: name };
  let account: MerchantBankAccount;
  if (params.currency === 'usd') {
    const routing = params.routing_number ?? '';
    if (!isValidAbaRoutingNumber(routing)) throw new ApiError('routing_number must be a valid 9-digit ABA routing number.', { param: 'routing_number' });
    if (!/^\d{4,17}$/.test(params.account_number ?? '')) throw new ApiError('account_number must be 4 to 17 digits.', { param: 'account_number' });
    const companyId = params.company_id ?? `1${routing}`;
    if (!/^[A-Za-z0-9 ]{10}$/.test(companyId)) throw new ApiError('company_id must be the 10 characters your bank gave you for ACH files.', { param: 'company_id' });
    account = { ...base, iban: null, bic: null, routing_number: routing, account_number: params.account_number!, company_id: companyId };
  } else {
    const iban = (params.iban ?? '').replace(/\s/g, '').toUpperCase();
    if (!isValidIban(iban)) throw new ApiError('iban must be a valid IBAN.', { param: 'iban' });
    const bic = (params.bic ?? '').toUpperCase();
    if (bicCountry(bic) === null) throw new ApiError('bic must be an 8 or 11 character BIC.', { param: 'bic' });
    account = { ...base, iban, bic, routing_number: null, account_number: null, company_id: null };
  }
  const existing = await tx.getForUpdate<MerchantBankAccount>('merchant_bank_accounts', ctx.accountId, account.id);
  if (!existing) await tx.insert('merchant_bank_accounts', ctx.accountId, account);
  else await tx.update('merchant_bank_accounts', ctx.accountId, (account = { ...account, created: existing.created }));
  return account;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The largest payment a file's format carries, in minor units: NACHA's 10-digit amount; SEPA's 999,999,999.99 (pain.001 for GBP alike). */
export const MAX_PAYMENT: Record<OutboundCurrency, number> = { usd: 9_999_999_999, eur: 99_999_999_999, gbp: 99_999_999_999 };
/** The largest total of one file: NACHA's 12-digit batch and file totals; pain.001's CtrlSum has room for any. */
const MAX_FILE_TOTAL: Record<OutboundCurrency, number> = { usd: 999_999_999_999, eur: Number.MAX_SAFE_INTEGER, gbp: Number.MAX_SAFE_INTEGER };

const DAY = 86_400;
/** NACHA's file id modifier: A-Z then 0-9, the files an originator sends on one day told apart. */
const MODIFIERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** YYMMDD of a UTC day. */
function yymmdd(date: Date): string {
  return `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
}

/** YYYY-MM-DD of a UTC day. */
function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** One NACHA entry, keyed `ach_` + its 15-character individual id: the payment it pays. */
interface AchEntry extends StoredObject {
  /** The refund's or unmatched transfer's full id; null when two payments share the 15 characters. */
  payment: string | null;
  outbound_transfer_file: string;
}


async function recordAchEntry(tx: Tx, ctx: RequestContext, paymentId: string, fileId: string): Promise<void> {
  const id = `ach_${achIndividualId(paymentId)}`;
  const existing = await tx.getForUpdate<AchEntry>('ach_entries', ctx.accountId, id);
  if (!existing) return tx.insert('ach_entries', ctx.accountId, { id, created: ctx.clock.nowSeconds(), payment: paymentId, outbound_transfer_file: fileId } satisfies AchEntry);
  // The same transfer returned again pays under the same id; two payments sharing 15 random characters (never seen) match neither.
  await tx.update('ach_entries', ctx.accountId, { ...existing, payment: existing.payment === paymentId ? paymentId : null, outbound_transfer_file: fileId });
}

/**
 * The payment a statement line's end-to-end id names: the id itself, or the full id behind the
 * 15-character individual id of one of the account's NACHA entries (a bank's BAI2 file may
 * echo only that).
 */
export async function paymentIdOf(tx: ReadTx, ctx: RequestContext, endToEndId: string | null): Promise<string | null> {
  if (endToEndId === null) return null;
  if (!/^[0-9A-Za-z]{15}$/.test(endToEndId)) return cashbookId(endToEndId); // a pain.001 carries `re-…` for `re_…`
  const entry = await tx.get<AchEntry>('ach_entries', ctx.accountId, `ach_${endToEndId}`);
  return entry?.payment ?? endToEndId;
}

export async function createOutboundFile(tx: Tx, ctx: RequestContext, currency: OutboundCurrency): Promise<OutboundTransferFile> {
  // USD files lock the merchant's account: they count the day's files for their modifier, one at a time.
  const debtor = currency === 'usd'
    ? await tx.getForUpdate<MerchantBankAccount>('merchant_bank_accounts', ctx.accountId, `mba_${currency}`)
    : await tx.get<MerchantBankAccount>('merchant_bank_accounts', ctx.accountId, `mba_${currency}`);
  if (!debtor) throw new ApiError(`Set your own ${currency.toUpperCase()} bank account first (POST /cashbook/v1/merchant_bank_accounts): the file pays from it.`, { param: 'currency' });
  // An account set before its name was checked: no file names the merchant blank (control characters the formats drop).
  if (!hasLatinLetter(debtor.account_holder_name)) {
    throw new ApiError(`Your ${currency.toUpperCase()} bank account's holder name has no Latin letter for the file to name you by: set the account again (POST /cashbook/v1/merchant_bank_accounts) with the name your bank knows.`, { param: 'currency' });
  }
  const now = new Date(ctx.clock.nowSeconds() * 1000);
  let fileIdModifier = '';
  if (currency === 'usd') {
    const dayStart = Math.floor(now.getTime() / 1000 / DAY) * DAY;
    const today = await tx.list<OutboundTransferFile>('outbound_transfer_files', ctx.accountId, { where: { currency: 'usd' }, created: { gte: dayStart, lt: dayStart + DAY }, limit: MODIFIERS.length });
    if (today.data.length >= MODIFIERS.length) throw new ApiError(`${MODIFIERS.length} NACHA files were made today (UTC), as many as one day's file id modifiers (A-Z, 0-9) tell apart: make the next one tomorrow.`, { param: 'currency' });
    fileIdModifier = MODIFIERS[today.data.length];
  }
  const candidates = await tx.all<Refund>('refunds', ctx.accountId, { status: 'pending', currency, _outbound_file: null });
  const id = ctx.ids('otf');
  const payments: OutboundPayment[] = [];
  const held: string[] = [];
  let total = 0;
  const fits = (amount: number) => amount <= MAX_PAYMENT[currency] && total + amount <= MAX_FILE_TOTAL[currency]; // else it waits for the next file
  for (const candidate of candidates) {
    if (!candidate._payout_account) continue; // settled by Stripe's test flow, not by a bank file
    if (!fits(candidate.amount)) continue;
    const refund = await tx.getForUpdate<Refund>('refunds', ctx.accountId, candidate.id);
    if (!refund || refund.status !== 'pending' || refund._outbound_file || !refund._payout_account) continue; // a concurrent file took it
    await tx.update('refunds', ctx.accountId, { ...refund, _outbound_file: id });
    held.push(refund.id);
    const what = refund._origin === 'customer_balance' ? 'Return of your balance' : 'Refund';
    payments.push({ endToEndId: refund.id, amount: refund.amount, creditor: refund._payout_account, remittance: `${what} ${refund.id}` });
    total += refund.amount;
  }
  const transfers: string[] = [];
  const returned = await tx.all<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, { status: 'returned', currency, outbound_transfer_file: null });
  for (const candidate of returned) {
    if (candidate.return_status !== 'pending' || !candidate._payout_account) continue; // marked returned before Cashbook paid returns out
    if (transferDirection(candidate) === 'debit') continue; // a reversal kept as a transfer before the fix: no money came in, none goes out
    if (!fits(candidate.amount)) continue;
    const transfer = await tx.getForUpdate<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, candidate.id);
    if (!transfer || transfer.status !== 'returned' || transfer.return_status !== 'pending' || transfer.outbound_transfer_file || !transfer._payout_account) continue; // a concurrent file took it
    await tx.update('unmatched_transfers', ctx.accountId, { ...transfer, outbound_transfer_file: id });
    transfers.push(transfer.id);
    payments.push({ endToEndId: transfer.id, amount: transfer.amount, creditor: transfer._payout_account, remittance: `Return of your transfer${transfer.reference ? ` ${transfer.reference}` : ''}` }); // the sender's own reference; the end-to-end id is the transfer's
    total += transfer.amount;
  }
  if (payments.length === 0) throw new ApiError(`No pending ${currency.toUpperCase()} refund, return or returned unmatched transfer is waiting for a payment file.`, { param: 'currency' });
  if (currency === 'usd') for (const payment of payments) await recordAchEntry(tx, ctx, payment.endToEndId, id);
  const content = currency === 'usd'
    ? nachaFile({
        origin: { routingNumber: debtor.routing_number!, name: debtor.account_holder_name, companyId: debtor.company_id! },
        createdDate: yymmdd(now),
        createdTime: `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`,
        effectiveDate: yymmdd(nextAchBankingDay(now)),
        fileIdModifier,
        payments,
      })
    : pain001({
        messageId: id,
        createdAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        executionDate: isoDate(executionDate(currency, now)), // banks shift a date they are closed on anyway; naming their next open day says when the money leaves
        currency,
        debtor: { name: debtor.account_holder_name, iban: debtor.iban!, bic: debtor.bic! },
        payments,
      });
  const file: OutboundTransferFile = {
    id,
    object: 'outbound_transfer_file',
    created: ctx.clock.nowSeconds(),
    livemode: ctx.livemode,
    currency,
    format: currency === 'usd' ? 'nacha' : 'pain.001.001.09',
    count: payments.length,
    amount: payments.reduce((sum, p) => sum + p.amount, 0),
    refunds: held,
    unmatched_transfers: transfers,
    _content: content,
  };
  await tx.insert('outbound_transfer_files', ctx.accountId, file);
  return file;
}

export async function loadOutboundFile(tx: ReadTx, ctx: RequestContext, id: string): Promise<OutboundTransferFile> {
  const file = await tx.get<OutboundTransferFile>('outbound_transfer_files', ctx.accountId, id);
  if (!file) throw errors.noSuch('outbound_transfer_file', id, 'id');
  return file;
}
