// Paying invoices from the cash balance. An open invoice that allows customer_balance gets a
// PaymentIntent (funded in full only); it is paid by automatic reconciliation (as a candidate,
// registered here), by hand (POST /v1/invoices/:id/pay) or through apply_customer_balance on
// its intent. Whichever way, the intent succeeds and the invoice becomes paid (listener below).
import { ApiError, assert } from '../../core/errors.ts';
import { isReconciliationCandidate } from '../../core/invoice.ts';
import type { InvoiceCandidate } from '../../core/reconciliation.ts';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, formatAmount, isCashCurrency } from '../../core/money.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { effectiveReconciliationMode } from '../cash-balance/service.ts';
import type { Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { canPayByTransfer } from '../funding-instructions/service.ts';
import { onIntentSucceeded } from '../payment-intents/funding.ts';
import type { PaymentIntent } from '../payment-intents/object.ts';
import { applyCustomerBalance, cancelIntent, createIntent, type CreateIntentInput } from '../payment-intents/service.ts';
import { registerCandidateSource } from '../reconciliation/service.ts';
import { customerBalanceAllowed, markPaid, type Invoice } from './object.ts';

const TABLE = 'invoices';

async function reload(tx: Tx, ctx: RequestContext, id: string): Promise<Invoice> {
  const invoice = await tx.getForUpdate<Invoice>(TABLE, ctx.accountId, id);
  assert(invoice, `invoice ${id} vanished`);
  return invoice;
}

function intentOptions(invoice: Invoice): CreateIntentInput['payment_method_options'] {
  const options = invoice.payment_settings.payment_method_options?.customer_balance as
    | { bank_transfer?: { type?: string | null; eu_bank_transfer?: { country: string } } }
    | null
    | undefined;
  const type = options?.bank_transfer?.type ?? BANK_TRANSFER_TYPE_BY_CURRENCY[invoice.currency as keyof typeof BANK_TRANSFER_TYPE_BY_CURRENCY];
  const bank: Record<string, unknown> = { type };
  if (options?.bank_transfer?.eu_bank_transfer) bank.eu_bank_transfer = options.bank_transfer.eu_bank_transfer;
  return { customer_balance: { funding_type: 'bank_transfer', bank_transfer: bank } } as CreateIntentInput['payment_method_options'];
}

/** At finalization, an invoice with an amount due that allows customer_balance gets its PaymentIntent. */
export async function createInvoiceIntent(tx: Tx, ctx: RequestContext, invoice: Invoice, customer: Customer): Promise<void> {
  if (!customerBalanceAllowed(invoice) || !isCashCurrency(invoice.currency)) return;
  const intent = await createIntent(tx, ctx, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: customer.id,
    description: `Payment for Invoice ${invoice.number}`,
    payment_method_types: ['customer_balance'],
    payment_method_options: intentOptions(invoice),
    invoice: invoice.id,
  } as CreateIntentInput);
  invoice.payment_intent = intent.id;
  invoice.next_payment_attempt = invoice.collection_method === 'charge_automatically' ? ctx.clock.nowSeconds() : null;
}

/**
 * Right after finalization (spec credit-balance §5 [inferred]): in automatic mode, an invoice the
 * cash balance already covers is paid at once. Returns the invoice as it now is.
 */
export async function payAtFinalization(tx: Tx, ctx: RequestContext, invoice: Invoice, customer: Customer): Promise<Invoice> {
  if (invoice.payment_intent === null) return invoice;
  const available = (await tx.cashBalances(ctx.accountId, customer.id))[invoice.currency] ?? 0;
  if (available < invoice.amount_remaining || (await effectiveReconciliationMode(tx, ctx, customer)) !== 'automatic') return invoice;
  await applyCustomerBalance(tx, ctx, invoice.payment_intent, {});
  return reload(tx, ctx, invoice.id);
}

/** POST /v1/invoices/:id/pay without paid_out_of_band: the whole remaining amount from the cash balance. */
export async function payFromCashBalance(tx: Tx, ctx: RequestContext, invoice: Invoice): Promise<Invoice> {
  if (!customerBalanceAllowed(invoice) || invoice.payment_intent === null) {
    throw new ApiError('This invoice cannot be paid from the cash balance: its payment_settings[payment_method_types] do not include customer_balance. Pay it with paid_out_of_band=true instead.', { code: 'invoice_no_payment_method_types', param: 'invoice' });
  }
  const available = (await tx.cashBalances(ctx.accountId, invoice.customer))[invoice.currency] ?? 0;
  if (available < invoice.amount_remaining) {
    // Invoices are never partially funded: nothing is applied.
    const customer = await tx.get<Customer>('customers', ctx.accountId, invoice.customer);
    const next = customer && (await canPayByTransfer(tx, ctx, customer, invoice.currency))
      ? `The customer can pay by bank transfer quoting ${invoice.number}.`
      : `No bank details can be issued for the customer to pay it by bank transfer: live virtual accounts come from your bank's range (POST /cashbook/v1/virtual_account_ranges), and none is set for this currency.`;
    throw new ApiError(`The customer's cash balance (${formatAmount(available, invoice.currency)}) does not cover the ${formatAmount(invoice.amount_remaining, invoice.currency)} due on this invoice. ${next}`, {
      code: 'balance_insufficient',
      param: 'invoice',
    });
  }
  await applyCustomerBalance(tx, ctx, invoice.payment_intent, {});
  const paid = await reload(tx, ctx, invoice.id);
  assert(paid.status === 'paid', 'an invoice whose intent succeeded is paid');
  return paid;
}

/** Cancels the invoice's intent if it is still cancelable (void, paid out of band). */
export async function cancelInvoiceIntent(tx: Tx, ctx: RequestContext, invoice: Invoice, reason?: string): Promise<void> {
  if (invoice.payment_intent === null) return;
  const intent = await tx.get<PaymentIntent>('payment_intents', ctx.accountId, invoice.payment_intent);
  if (!intent || intent.status === 'canceled' || intent.status === 'succeeded') return;
  await cancelIntent(tx, ctx, intent.id, reason, reason === undefined ? 'void_invoice' : undefined, invoice.id);
}

// The invoice's intent succeeded (reconciliation, /pay, or apply_customer_balance): the invoice is paid.
onIntentSucceeded(async (tx, ctx, intent) => {
  if (intent.invoice === null) return;
  const invoice = await reload(tx, ctx, intent.invoice);
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') return;
  assert(intent.amount === invoice.amount_remaining, 'an invoice intent pays exactly what remains');
  invoice.attempt_count = (invoice.attempt_count as number) + 1;
  invoice.charge = intent.latest_charge;
  markPaid(invoice, ctx.clock.nowSeconds());
  await tx.update(TABLE, ctx.accountId, invoice);
  await emitEvent(tx, ctx, 'invoice.paid', invoice);
  await emitEvent(tx, ctx, 'invoice.payment_succeeded', invoice);
});

// Open invoices are candidates of automatic reconciliation (spec payments §6), funded in full.
registerCandidateSource({
  async candidates(tx, ctx, customer, currency): Promise<InvoiceCandidate[]> {
    const now = ctx.clock.nowSeconds();
    const rows = await tx.all<Invoice>(TABLE, ctx.accountId, { customer: customer.id, status: 'open', currency });
    return rows
      .filter((invoice) => invoice.payment_intent !== null)
      .filter((invoice) => isReconciliationCandidate({ ...invoice, payment_method_types: invoice.payment_settings.payment_method_types }, currency, now))
      .map((invoice, sequence) => ({
        kind: 'invoice',
        id: invoice.id,
        remaining: invoice.amount_remaining,
        reference: invoice.number,
        finalizedAt: invoice.status_transitions.finalized_at ?? invoice.created,
        sequence,
      }));
  },
  async fund(tx, ctx, _customer, allocation) {
    const invoice = await reload(tx, ctx, allocation.id);
    assert(invoice.status === 'open' && allocation.amount === invoice.amount_remaining, 'reconciliation funds an open invoice in full');
    await applyCustomerBalance(tx, ctx, invoice.payment_intent!, {});
  },
});
