import { ApiError, errors } from '../../core/errors.ts';
import { randomBase62 } from '../../core/ids.ts';
import { formatAmount } from '../../core/money.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { toWire } from '../../wire/wire-object.ts';
import { emitEvent } from '../events/emit.ts';
import { setCustomerBalance } from '../customer-balance-transactions/service.ts';
import type { CreateCustomerParams, UpdateCustomerParams } from './params.ts';
import { customerContext, loadClock } from '../test-clocks/service.ts';

export interface Customer extends StoredObject {
  object: 'customer';
  email: string | null;
  metadata: Record<string, string>;
  balance: number;
  currency: string | null;
  test_clock: string | null;
  address?: Record<string, string | null> | null;
  /** Per-customer override of the account's reconciliation mode; null follows the account. */
  _reconciliation_mode: 'automatic' | 'manual' | null;
  _deleted?: boolean;
}


/** Loads a live customer or answers 404, as Stripe does for unknown and deleted ids. */
export async function loadCustomer(tx: ReadTx, ctx: RequestContext, id: string, param = 'customer'): Promise<Customer> {
  const customer = await tx.get<Customer>('customers', ctx.accountId, id);
  if (!customer || customer._deleted) throw errors.noSuch('customer', id, param);
  return customer;
}

export async function lockCustomer(tx: Tx, ctx: RequestContext, id: string, param = 'customer'): Promise<Customer> {
  const customer = await tx.getForUpdate<Customer>('customers', ctx.accountId, id);
  if (!customer || customer._deleted) throw errors.noSuch('customer', id, param);
  return customer;
}

function reconciliationOverride(mode: string | undefined, current: Customer['_reconciliation_mode']): Customer['_reconciliation_mode'] {
  if (mode === undefined) return current;
  return mode === 'merchant_default' ? null : (mode as 'automatic' | 'manual');
}

type AddressParams = Partial<Record<(typeof ADDRESS_FIELDS)[number], string | null>>;
const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** An address as Stripe shows one: all six fields, null where not given. */
export function fullAddress(given: AddressParams): Record<string, string | null> {
  return Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, given[field] ?? null]));
}

/** A default payment method must be one that exists (404 otherwise, as Stripe). */
async function checkDefaultPaymentMethod(tx: Tx, ctx: RequestContext, id: string | null | undefined): Promise<void> {
  if (id === undefined || id === null) return;
  if (!(await tx.get('payment_methods', ctx.accountId, id))) throw errors.noSuch('PaymentMethod', id, 'invoice_settings[default_payment_method]');
}

export async function createCustomer(tx: Tx, ctx: RequestContext, params: CreateCustomerParams): Promise<Customer> {
  // A customer on a test clock must name an existing clock and is created at its frozen time.
  const clock = params.test_clock !== undefined ? await loadClock(tx, ctx, params.test_clock) : undefined;
  await checkDefaultPaymentMethod(tx, ctx, params.invoice_settings?.default_payment_method);
  const customer: Customer = {
    id: ctx.ids('cus'),
    object: 'customer',
    address: params.address ? fullAddress(params.address) : null,
    balance: 0,
    created: clock?.frozen_time ?? ctx.clock.nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: params.description ?? null,
    discount: null,
    email: params.email ?? null,
    invoice_prefix: params.invoice_prefix ?? randomBase62(8).toUpperCase().replace(/[^A-Z0-9]/g, 'X'),
    invoice_settings: {
      custom_fields: params.invoice_settings?.custom_fields?.length ? params.invoice_settings.custom_fields : null,
      default_payment_method: params.invoice_settings?.default_payment_method ?? null,
      footer: params.invoice_settings?.footer ?? null,
      rendering_options: null,
    },
    livemode: ctx.livemode,
    metadata: mergeMetadata({}, params.metadata, true),
    name: params.name ?? null,
    next_invoice_sequence: params.next_invoice_sequence ?? 1,
    phone: params.phone ?? null,
    preferred_locales: params.preferred_locales ?? [],
    shipping: null,
    tax_exempt: params.tax_exempt ?? 'none',
    test_clock: params.test_clock ?? null,
    _reconciliation_mode: reconciliationOverride(params.cash_balance?.settings?.reconciliation_mode, null),
  };
  // Its event and its `initial` credit balance transaction are dated by its clock too.
  const clocked = clock ? await customerContext(tx, ctx, customer) : ctx;
  if (params.balance !== undefined) await setCustomerBalance(tx, clocked, customer, params.balance, true); // books an `initial` transaction
  await tx.insert('customers', ctx.accountId, customer);
  await emitEvent(tx, clocked, 'customer.created', customer);
  return customer;
}

const UPDATABLE = ['address', 'description', 'email', 'invoice_prefix', 'name', 'next_invoice_sequence', 'phone', 'preferred_locales', 'tax_exempt'] as const;

export async function updateCustomer(tx: Tx, requestCtx: RequestContext, id: string, params: UpdateCustomerParams): Promise<Customer> {
  const customer = await lockCustomer(tx, requestCtx, id);
  const ctx = await customerContext(tx, requestCtx, customer); // its event and balance adjustment are dated by its clock
  const before = toWire(customer);
  const next: Customer = { ...customer };
  for (const field of UPDATABLE) {
    const value = params[field];
    if (value !== undefined) (next as Record<string, unknown>)[field] = value === '' ? null : field === 'address' ? fullAddress(value as AddressParams) : value;
  }
  if (params.balance !== undefined) await setCustomerBalance(tx, ctx, next, params.balance, false); // books an `adjustment`
  if (params.metadata !== undefined) next.metadata = mergeMetadata(customer.metadata, params.metadata, Object.keys(params.metadata).length === 0);
  if (params.invoice_settings) {
    const settings = { ...(customer.invoice_settings as Record<string, unknown>) };
    const update = params.invoice_settings;
    if (update.custom_fields !== undefined) settings.custom_fields = update.custom_fields.length ? update.custom_fields : null;
    await checkDefaultPaymentMethod(tx, ctx, update.default_payment_method);
    if (update.default_payment_method !== undefined) settings.default_payment_method = update.default_payment_method;
    if (update.footer !== undefined) settings.footer = update.footer;
    next.invoice_settings = settings;
  }
  next._reconciliation_mode = reconciliationOverride(params.cash_balance?.settings?.reconciliation_mode, customer._reconciliation_mode);
  await tx.update('customers', ctx.accountId, next);
  const previous = changedAttributes(before, toWire(next));
  if (Object.keys(previous).length > 0) await emitEvent(tx, ctx, 'customer.updated', next, previous);
  return next;
}

/** The old values of the top-level fields that changed, for `previous_attributes`. */
export function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null;
  }
  return previous;
}

export async function deleteCustomer(tx: Tx, ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  const customer = await lockCustomer(tx, ctx, id);
  const cash = await cashLeft(tx, ctx.accountId, id);
  if (cash) {
    // The guide allows deletion once every currency is back at zero; the schema text is stricter.
    throw new ApiError(`This customer has a non-zero cash balance (${cash}) and cannot be deleted. Return or apply the cash balance first.`, { param: 'customer' });
  }
  const held = await moneyOnItsWayBack(tx, ctx.accountId, id);
  if (held) {
    // Stripe is silent here; refusing keeps money that can still return to the cash balance reachable.
    throw new ApiError(`This customer has money that can still come back to its cash balance or be drawn from it (${held}) and cannot be deleted. Cancel, void or let it complete first.`, {
      param: 'customer',
    });
  }
  await tx.update('customers', ctx.accountId, { ...customer, _deleted: true });
  await emitEvent(tx, ctx, 'customer.deleted', customer);
  return deletedCustomer(id);
}

/** The customer's non-zero cash balances as `700 eur, 5 usd`, or undefined when every one is zero: money a deleted customer would leave without an owner. */
export async function cashLeft(tx: Tx, accountId: string, customerId: string): Promise<string | undefined> {
  const nonZero = Object.entries(await tx.cashBalances(accountId, customerId)).filter(([, amount]) => amount !== 0);
  return nonZero.length > 0 ? nonZero.map(([currency, amount]) => formatAmount(amount, currency)).join(', ') : undefined;
}

/** The first open PaymentIntent holding applied cash, open return or refund, or open invoice of a customer, if any. */
export async function moneyOnItsWayBack(tx: Tx, accountId: string, customerId: string, options: { openInvoices: boolean } = { openInvoices: true }): Promise<string | undefined> {
  for (const status of ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing']) {
    const intents = await tx.all<StoredObject & { _applied?: number }>('payment_intents', accountId, { customer: customerId, status });
    const holding = intents.find((intent) => (intent._applied ?? 0) > 0);
    if (holding) return `${formatAmount(holding._applied!, String(holding.currency))} applied to ${holding.id}`;
  }
  for (const status of ['requires_action', 'pending']) {
    const refunds = await tx.all<StoredObject & { _origin?: string; _customer?: string }>('refunds', accountId, { status });
    // A return, or a refund of a payment: either gives its money back to the cash balance when it fails or expires.
    const open = refunds.find((refund) => refund._customer === customerId);
    if (open) return `the ${status} ${open._origin === 'customer_balance' ? 'return' : 'refund'} ${open.id}`;
  }
  // An open invoice is paid from the cash balance by reconciliation, and voiding it gives its credit back.
  if (!options.openInvoices) return undefined;
  const invoice = (await tx.all<StoredObject>('invoices', accountId, { customer: customerId, status: 'open' }))[0];
  if (invoice) return `the open invoice ${invoice.id}`;
  return undefined;
}

export function deletedCustomer(id: string): Record<string, unknown> {
  return { id, object: 'customer', deleted: true };
}
