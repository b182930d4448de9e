// The credit balance: every movement is a customer balance transaction, written in the same
// transaction as the customer's balance. The customer row holds the balance per currency
// (`_credit_balances`); `balance` is the one in the customer's own `currency`.
import { ApiError, assert, errors } from '../../core/errors.ts';
import { debitAllowed, movementToReach, postCredit, type CreditTransactionType } from '../../core/credit-balance.ts';
import { MAX_AMOUNT_MINOR } from '../../core/money.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { toWire } from '../../wire/wire-object.ts';
import { loadAccount } from '../accounts/service.ts';
import { changedAttributes, loadCustomer, lockCustomer, type Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import type { CreateBalanceTransactionParams, UpdateBalanceTransactionParams } from './params.ts';
import { customerContext } from '../test-clocks/service.ts';

export interface CustomerBalanceTransaction extends StoredObject {
  object: 'customer_balance_transaction';
  amount: number;
  currency: string;
  customer: string;
  ending_balance: number;
  invoice: string | null;
  type: CreditTransactionType;
  description: string | null;
  metadata: Record<string, string>;
}

const TABLE = 'customer_balance_transactions';

type CreditCustomer = Customer & { _credit_balances?: Record<string, number> };

/** The customer's credit balance per currency (same sign as `balance`: negative is credit). */
export function creditBalances(customer: Customer): Record<string, number> {
  const stored = (customer as CreditCustomer)._credit_balances;
  if (stored) return { ...stored };
  // Customers written before the credit ledger existed: their balance, if any, in their currency.
  return customer.currency && customer.balance ? { [customer.currency]: customer.balance } : {};
}

/** The credit balance in one currency. */
export function creditBalance(customer: Customer, currency: string): number {
  return creditBalances(customer)[currency] ?? 0;
}

/** Where the spec gives no currency for `balance` (customer without one): the account's. */
export async function defaultCurrency(tx: ReadTx, ctx: RequestContext): Promise<string> {
  const country = (await loadAccount(tx, ctx.accountId)).settings.country;
  return ({ GB: 'gbp', JP: 'jpy', MX: 'mxn', US: 'usd' } as Record<string, string>)[country] ?? 'eur';
}

export async function hasCashBalance(tx: ReadTx, ctx: RequestContext, customerId: string): Promise<boolean> {
  return Object.keys(await tx.cashBalances(ctx.accountId, customerId)).length > 0;
}

/**
 * As at Stripe, a customer's first invoice item or balance transaction sets its `currency`
 * (and so which credit balance `balance` shows). Changes the in-memory customer only; returns
 * whether it changed (the caller persists it with `saveCustomer`, which emits customer.updated).
 */
export function adoptCurrency(customer: Customer, currency: string): boolean {
  if (customer.currency !== null) return false;
  customer.currency = currency;
  customer.balance = creditBalance(customer, currency);
  return true;
}

export interface BookOptions {
  invoice?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
}

/**
 * Books one movement: inserts the transaction and changes the in-memory customer (balance per
 * currency, `balance`, `currency` when it had none). The caller persists the customer in the
 * same database transaction (see `saveCustomer`).
 */
export async function bookCreditTransaction(
  tx: Tx,
  ctx: RequestContext,
  customer: Customer,
  currency: string,
  type: CreditTransactionType,
  amount: number,
  options: BookOptions = {},
): Promise<CustomerBalanceTransaction> {
  const balances = creditBalances(customer);
  const posted = postCredit(balances[currency] ?? 0, type, amount);
  // The stored balance must continue the chain: the last transaction in this currency ended there.
  const last = (await tx.list<CustomerBalanceTransaction>(TABLE, ctx.accountId, { where: { customer: customer.id, currency }, limit: 1 })).data[0];
  assert((last?.ending_balance ?? 0) === posted.startingBalance, `credit balance ${posted.startingBalance} ${currency} differs from the sum of its transactions`);
  balances[currency] = posted.endingBalance;
  (customer as CreditCustomer)._credit_balances = balances;
  adoptCurrency(customer, currency);
  customer.balance = balances[customer.currency ?? currency] ?? 0;
  const entry: CustomerBalanceTransaction = {
    id: ctx.ids('cbtxn'),
    object: 'customer_balance_transaction',
    amount,
    created: ctx.clock.nowSeconds(),
    credit_note: null,
    currency,
    customer: customer.id,
    description: options.description ?? null,
    ending_balance: posted.endingBalance,
    invoice: options.invoice ?? null,
    livemode: ctx.livemode,
    metadata: options.metadata ?? {},
    type,
  };
  await tx.insert(TABLE, ctx.accountId, entry);
  assert(customer.balance === (creditBalances(customer)[customer.currency ?? currency] ?? 0), 'customer balance differs from its currency credit balance');
  return entry;
}

/** Persists a customer changed by `bookCreditTransaction`; emits customer.updated when visible fields changed. */
export async function saveCustomer(tx: Tx, ctx: RequestContext, customer: Customer, before: Record<string, unknown>): Promise<void> {
  await tx.update('customers', ctx.accountId, customer);
  const previous = changedAttributes(before, toWire(customer));
  if (Object.keys(previous).length > 0) await emitEvent(tx, ctx, 'customer.updated', customer, previous);
}

function refuseDebitWithCash(endingBalance: number, cash: boolean, param: string): void {
  if (!debitAllowed(endingBalance, cash)) {
    throw new ApiError('A customer with a cash balance cannot have a positive (debit) credit balance.', { param });
  }
}

/**
 * Sets a customer's `balance` (customer create or update): books the difference as an
 * `initial` (create) or `adjustment` (update) transaction in the customer's currency.
 * The caller persists the customer.
 */
export async function setCustomerBalance(tx: Tx, ctx: RequestContext, customer: Customer, target: number, onCreate: boolean): Promise<void> {
  const currency = customer.currency ?? (await defaultCurrency(tx, ctx));
  const movement = movementToReach(creditBalance(customer, currency), target, onCreate);
  if (!movement) return;
  // The transaction a new balance books is one movement: the same bound as a balance transaction's amount.
  if (Math.abs(movement.amount) > MAX_AMOUNT_MINOR) {
    throw new ApiError(`Setting balance to ${target} would move the credit balance by ${movement.amount}; one balance transaction moves at most ${MAX_AMOUNT_MINOR} either way.`, { code: 'amount_too_large', param: 'balance' });
  }
  refuseDebitWithCash(target, !onCreate && (await hasCashBalance(tx, ctx, customer.id)), 'balance');
  await bookCreditTransaction(tx, ctx, customer, currency, movement.type, movement.amount);
}

export async function createAdjustment(tx: Tx, requestCtx: RequestContext, customerId: string, params: CreateBalanceTransactionParams): Promise<CustomerBalanceTransaction> {
  if (params.amount === 0) throw new ApiError('The amount of a customer balance transaction cannot be zero.', { code: 'parameter_invalid_integer', param: 'amount' });
  const customer = await lockCustomer(tx, requestCtx, customerId);
  const ctx = await customerContext(tx, requestCtx, customer); // dated by the customer's test clock
  const before = toWire(customer);
  refuseDebitWithCash(creditBalance(customer, params.currency) + params.amount, await hasCashBalance(tx, ctx, customer.id), 'amount');
  const entry = await bookCreditTransaction(tx, ctx, customer, params.currency, 'adjustment', params.amount, {
    description: params.description ?? null,
    metadata: mergeMetadata({}, params.metadata, true),
  });
  await saveCustomer(tx, ctx, customer, before);
  return entry;
}

export async function loadBalanceTransaction(tx: ReadTx, ctx: RequestContext, customerId: string, id: string): Promise<CustomerBalanceTransaction> {
  await loadCustomer(tx, ctx, customerId);
  const entry = await tx.get<CustomerBalanceTransaction>(TABLE, ctx.accountId, id);
  if (!entry || entry.customer !== customerId) throw errors.noSuch('customer balance transaction', id, 'transaction');
  return entry;
}

export async function updateBalanceTransaction(tx: Tx, ctx: RequestContext, customerId: string, id: string, params: UpdateBalanceTransactionParams): Promise<CustomerBalanceTransaction> {
  await lockCustomer(tx, ctx, customerId);
  const entry = await loadBalanceTransaction(tx, ctx, customerId, id);
  const next = { ...entry };
  if (params.description !== undefined) next.description = params.description;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(entry.metadata, params.metadata, Object.keys(params.metadata).length === 0);
  // Only description and metadata are mutable; amounts and balances never change.
  await tx.update(TABLE, ctx.accountId, next);
  return next;
}
