// A new draft invoice in the 2024-04-10 shape, and the settings hashes it carries.
import type { Account } from '../accounts/service.ts';
import type { Customer } from '../customers/service.ts';
import { mergeMetadata } from '../../wire/params.ts';
import type { Invoice } from './object.ts';
import type { CreateInvoiceParams, PaymentSettingsParam } from './params.ts';

export function paymentSettings(given: PaymentSettingsParam | undefined, current?: Invoice['payment_settings']): Invoice['payment_settings'] {
  const out = current ? structuredClone(current) : { default_mandate: null, payment_method_options: null, payment_method_types: null };
  if (!given) return out;
  if (given.default_mandate !== undefined) out.default_mandate = given.default_mandate;
  if (given.payment_method_types !== undefined) out.payment_method_types = given.payment_method_types.length ? [...new Set(given.payment_method_types)] : null;
  const cb = given.payment_method_options?.customer_balance;
  if (cb !== undefined) {
    const options = { acss_debit: null, bancontact: null, card: null, customer_balance: null as unknown, konbini: null, sepa_debit: null, us_bank_account: null, ...(out.payment_method_options ?? {}) };
    options.customer_balance = cb === '' ? null : {
      bank_transfer: {
        ...(cb.bank_transfer?.eu_bank_transfer ? { eu_bank_transfer: { country: cb.bank_transfer.eu_bank_transfer.country } } : {}),
        type: cb.bank_transfer?.type ?? null,
      },
      funding_type: cb.funding_type ?? null,
    };
    out.payment_method_options = options;
  }
  return out;
}

export function customerSnapshot(customer: Customer): Record<string, unknown> {
  return {
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
  };
}

export interface DraftInput {
  id: string;
  now: number;
  account: Account;
  customer: Customer;
  currency: string;
  livemode: boolean;
  params: CreateInvoiceParams;
}

export function newDraft({ id, now, account, customer, currency, livemode, params }: DraftInput): Invoice {
  return {
    id,
    object: 'invoice',
    account_country: account.settings.country,
    account_name: account.settings.business_name,
    account_tax_ids: null,
    amount_due: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    application_fee_amount: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: params.auto_advance ?? false,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_reason: 'manual',
    charge: null,
    collection_method: 'charge_automatically',
    created: now,
    currency,
    custom_fields: null,
    customer: customer.id,
    ...customerSnapshot(customer),
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: params.description ?? null,
    discount: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: params.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode,
    metadata: mergeMetadata({}, params.metadata, true),
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    paid: false,
    paid_out_of_band: false,
    payment_intent: null,
    payment_settings: paymentSettings(params.payment_settings),
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    quote: null,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: null,
    subscription_details: null,
    subtotal: 0,
    subtotal_excluding_tax: 0,
    tax: null,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_tax_amounts: [],
    transfer_data: null,
    webhooks_delivered_at: now,
    _days_until_due: null,
    _applied_credit: 0,
  } as Invoice;
}
