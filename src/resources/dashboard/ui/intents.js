// Payments (customer_balance PaymentIntents): their rows, and what the merchant can do with
// each one: apply the cash balance to a waiting one, refund a paid one to the customer's bank
// or into the cash balance, confirm or cancel an open one; and a new payment for a customer.
import { api } from './api.js';
import { amount, button, details, el, field, idOf, idText, select, sortCodeText, status, table, time } from './dom.js';
import { bankDetailsNextStep, bankDetailsSource } from './bank-details.js';
import { openAction } from './dialog.js';
import { run } from './shell.js';
import { CASH_CURRENCIES, formatAmount, majorUnits, parseAmount, TRANSFER_TYPE } from './money.js';

const OPEN = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);
const REASONS = [['', 'No reason given'], ['requested_by_customer', 'Requested by the customer'], ['duplicate', 'Duplicate'], ['fraudulent', 'Fraudulent']];

const waiting = (intent) => intent.next_action?.display_bank_transfer_instructions ?? null;
const charge = (intent) => (typeof intent.latest_charge === 'object' ? intent.latest_charge : null);
/** What is left to refund of a paid intent (its charge expanded). */
export const refundable = (intent) => (charge(intent) ? charge(intent).amount - charge(intent).amount_refunded : 0);
/** The customer of a payment (or a transfer): its name when the list expanded it, else its id. */
export const customerLink = (customer) => {
  if (!customer) return '';
  const named = typeof customer === 'object' ? (customer.name ?? customer.email) : null;
  return named ? [el('a', { href: `#/customers/${idOf(customer)}` }, named), el('div', {}, idText(idOf(customer)))] : el('a', { href: `#/customers/${idOf(customer)}`, class: 'id' }, idOf(customer));
};

/** The customer's available cash by currency when the list expanded data.customer.cash_balance (`available` is null when it holds none). */
const expandedBalance = (intent) => (intent.customer?.cash_balance ? (intent.customer.cash_balance.available ?? {}) : undefined);

/**
 * Columns of a payments table; the list must expand data.latest_charge. `cashBalance` is the
 * customer's available cash by currency when the page has it (else read from data.customer
 * when the list expanded its cash_balance), so a payment is not offered a balance it lacks.
 */
export function intentColumns({ withCustomer = false, cashBalance } = {}) {
  return [
    { label: 'Payment', cell: (intent) => [el('div', {}, intent.description ?? el('span', { class: 'muted' }, 'No description')), idText(intent.id)] },
    withCustomer ? { label: 'Customer', cell: (intent) => customerLink(intent.customer) } : null,
    { label: 'Created', cell: (intent) => time(intent.created) },
    { label: 'Amount', amount: true, cell: (intent) => amount(intent.amount, intent.currency) },
    { label: 'Status', class: 'status-cell', cell: (intent) => [status(intent.status), intent.invoice ? el('div', { class: 'muted' }, 'for ', idText(idOf(intent.invoice))) : null] },
    { label: 'To pay / refunded', amount: true, cell: (intent) => [
      waiting(intent) ? el('div', {}, amount(waiting(intent).amount_remaining, intent.currency), ' to pay') : null,
      charge(intent)?.amount_refunded ? el('div', {}, amount(charge(intent).amount_refunded, intent.currency), ' refunded') : null,
    ].filter(Boolean) },
    { label: 'Actions', class: 'actions', cell: (intent) => intentActions(intent, cashBalance ?? expandedBalance(intent)) },
  ].filter(Boolean);
}

export const intentsTable = (intents, options) => table(intentColumns(options), intents, 'No payments.', 'Payments');

/** The actions the API would take on this payment; `available` is the customer's cash by currency, when known. */
export function intentActions(intent, available) {
  const buttons = [];
  let note = null;
  const instructions = waiting(intent);
  if (intent.status === 'requires_action') {
    // The API refuses to apply an empty balance: say so in place of the button.
    if (available && !(available[intent.currency] > 0)) note = el('p', { class: 'muted note' }, `No cash balance to apply: the customer holds no ${intent.currency.toUpperCase()}.`);
    else buttons.push(button('Apply cash balance…', () => run(() => applyBalance(intent)), { 'data-key': `apply:${intent.id}` }));
    if (instructions?.hosted_instructions_url) buttons.push(el('a', { href: instructions.hosted_instructions_url, target: '_blank', rel: 'noopener', class: 'link-button' }, 'Instructions'));
  }
  if (intent.status === 'requires_confirmation' && !intent.invoice) buttons.push(button('Confirm…', () => confirmIntent(intent), { 'data-key': `confirm:${intent.id}` }));
  if (intent.status === 'succeeded' && refundable(intent) > 0) buttons.push(button('Refund…', () => refundPayment(intent), { 'data-key': `refund:${intent.id}` }));
  // An invoice's PaymentIntent is ended by voiding the invoice: the API refuses to cancel it.
  if (OPEN.has(intent.status) && !intent.invoice) buttons.push(button('Cancel…', () => cancelIntent(intent), { 'data-key': `cancel:${intent.id}` }));
  return [buttons.length ? el('div', { class: 'buttons-inline' }, buttons) : null, note].filter(Boolean);
}

/** A financial address (iban, aba, sort_code, …) as labelled lines. */
export function financialAddress(address) {
  const inner = address[address.type] ?? {};
  const names = { account_holder_name: 'Account holder', bank_name: 'Bank', routing_number: 'Routing number', account_number: 'Account number', swift_code: 'SWIFT/BIC', bic: 'BIC', iban: 'IBAN', sort_code: 'Sort code', clabe: 'CLABE', bank_code: 'Bank code', branch_code: 'Branch code', branch_name: 'Branch', account_type: 'Account type', country: 'Country' };
  return el('div', { class: 'address', 'data-type': address.type },
    el('h4', {}, address.type.replace(/_/g, ' ').toUpperCase(), address.supported_networks?.length ? el('span', { class: 'muted' }, ` (${address.supported_networks.join(', ').replace(/_/g, ' ')})`) : null),
    details(Object.entries(inner).filter(([, value]) => value !== null && value !== '').map(([name, value]) => [names[name] ?? name.replace(/_/g, ' '), el('span', { class: 'copyable' }, name === 'sort_code' ? sortCodeText(value) : String(value))])));
}

/** The bank transfer a waiting payment asks for: amount, reference, accounts, hosted page. */
export function bankInstructions(intent) {
  const next = waiting(intent);
  if (!next) return null;
  return el('div', { class: 'instructions' },
    details([
      ['Still to pay', amount(next.amount_remaining, next.currency ?? intent.currency)],
      ['Reference', el('span', { class: 'copyable' }, next.reference ?? '')],
    ]),
    (next.financial_addresses ?? []).map(financialAddress),
    next.hosted_instructions_url ? el('p', {}, el('a', { href: next.hosted_instructions_url, target: '_blank', rel: 'noopener' }, 'Open the hosted bank transfer instructions')) : null);
}

async function applyBalance(intent) {
  const customer = idOf(intent.customer);
  const balance = await api('GET', `/v1/customers/${customer}/cash_balance`);
  const available = balance.available?.[intent.currency] ?? 0;
  if (available <= 0) throw new Error(`No cash balance to apply: the customer holds no ${intent.currency.toUpperCase()}.`);
  const remaining = waiting(intent)?.amount_remaining ?? intent.amount;
  const covers = Math.min(available, remaining);
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', placeholder: majorUnits(covers, intent.currency) });
  openAction({
    title: 'Apply the cash balance to this payment',
    intro: [details([['Payment', idText(intent.id)], ['Still to pay', amount(remaining, intent.currency)], ['Cash balance', amount(available, intent.currency)]])],
    fields: [field(`Amount to apply (${intent.currency.toUpperCase()})`, input, `Leave empty to apply as much as the balance covers (${formatAmount(covers, intent.currency)}).`)],
    review: () => {
      const chosen = input.value.trim() === '' ? undefined : parseAmount(input.value, intent.currency);
      const shown = formatAmount(chosen ?? covers, intent.currency);
      return {
        lines: [['Payment', idText(intent.id)], ['Customer', idText(customer)], ['Apply from the cash balance', chosen === undefined ? `${shown} (as much as it covers)` : shown], ['Still to pay', amount(remaining, intent.currency)]],
        confirm: `Apply ${shown}`,
      };
    },
    send: () => api('POST', `/v1/payment_intents/${intent.id}/apply_customer_balance`, { amount: input.value.trim() === '' ? undefined : parseAmount(input.value, intent.currency) }),
    outcome: (updated) => (updated.status === 'succeeded' ? null : [el('p', {}, `Applied. ${formatAmount(waiting(updated)?.amount_remaining ?? 0, updated.currency)} is still to pay by bank transfer.`)]),
  });
}

function refundPayment(intent) {
  const left = refundable(intent);
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', value: majorUnits(left, intent.currency), required: true });
  const reason = select('reason', REASONS, '');
  const radio = (value, text, checked) => el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'destination', value, checked }), text);
  const destinations = el('fieldset', { class: 'choices' }, el('legend', {}, 'Refund to'),
    radio('bank', "The customer's bank account", true),
    radio('cash_balance', "The customer's cash balance", false));
  const destination = () => destinations.querySelector('input[name=destination]:checked').value;
  const minor = () => parseAmount(input.value, intent.currency, { max: left });
  openAction({
    title: 'Refund this payment',
    intro: [details([['Payment', idText(intent.id)], ['Paid', amount(intent.amount, intent.currency)], ['Left to refund', amount(left, intent.currency)]])],
    fields: [field(`Amount (${intent.currency.toUpperCase()})`, input, `At most ${formatAmount(left, intent.currency)}.`), destinations, field('Reason', reason)],
    review: () => {
      const shown = formatAmount(minor(), intent.currency);
      const toBank = destination() === 'bank';
      return {
        lines: [
          ['Payment', idText(intent.id)],
          ['Refund', shown],
          ['To', toBank ? "The customer's bank account" : "The customer's cash balance, at once"],
          toBank ? ['Bank details', bankDetailsSource(intent.currency)] : null,
          ['Reason', REASONS.find(([value]) => value === reason.value)[1]],
        ],
        confirm: `Refund ${shown}`,
      };
    },
    send: () => {
      const params = { amount: minor(), reason: reason.value || undefined };
      return destination() === 'bank'
        ? api('POST', '/v1/refunds', { payment_intent: intent.id, ...params })
        : api('POST', `/cashbook/v1/payment_intents/${intent.id}/refund_to_cash_balance`, params);
    },
    outcome: (refund) => (refund.status === 'succeeded' ? null : [
      el('p', {}, `Refund of ${formatAmount(refund.amount, refund.currency)} created: `, status(refund.status), '.'),
      refund.status === 'requires_action' ? el('p', {}, bankDetailsNextStep(refund.currency, 'refund')) : null,
      el('p', {}, el('a', { href: `#/refunds/${refund.id}` }, `See refund ${refund.id}`)),
    ]),
  });
}

/** Cash applied to a payment so far: only one waiting for a bank transfer holds any (the rest of its amount is still to pay). */
const applied = (intent) => (intent.status === 'requires_action' && waiting(intent) ? intent.amount - waiting(intent).amount_remaining : 0);

function cancelIntent(intent) {
  openAction({
    title: 'Cancel this payment',
    review: async () => {
      const now = await api('GET', `/v1/payment_intents/${intent.id}`); // what is applied now, not when the list was read
      const back = applied(now);
      return {
        lines: [['Payment', idText(now.id)], ['Amount', amount(now.amount, now.currency)], ['Status', status(now.status)],
          ['Back to the cash balance', back > 0 ? [amount(back, now.currency), ' (the cash already applied)'] : 'nothing: no cash was applied']],
        confirm: 'Cancel payment',
      };
    },
    send: () => api('POST', `/v1/payment_intents/${intent.id}/cancel`),
    dismissLabel: 'Keep payment',
  });
}

function confirmIntent(intent) {
  openAction({
    title: 'Confirm this payment',
    review: () => ({
      lines: [['Payment', idText(intent.id)], ['Amount', amount(intent.amount, intent.currency)], ['Then', 'paid from the cash balance if it covers the amount, otherwise it waits for a bank transfer']],
      confirm: 'Confirm payment',
    }),
    send: () => api('POST', `/v1/payment_intents/${intent.id}/confirm`),
    outcome: paymentOutcome,
  });
}

/** What a created or confirmed payment did: paid from the balance, or waiting for a transfer. */
export function paymentOutcome(intent) {
  const head = el('p', {}, el('a', { href: `#/customers/${idOf(intent.customer)}`, class: 'id' }, intent.id), ' ', status(intent.status));
  if (intent.status === 'succeeded') return [el('p', { class: 'positive' }, `Paid from the cash balance: ${formatAmount(intent.amount, intent.currency)}.`), head];
  if (intent.status === 'requires_action') {
    const remaining = waiting(intent).amount_remaining;
    const applied = intent.amount - remaining;
    return [
      el('p', {}, `Waiting for a bank transfer of ${formatAmount(remaining, intent.currency)}`, applied > 0 ? ` (${formatAmount(applied, intent.currency)} was applied from the cash balance).` : '.'),
      head,
      bankInstructions(intent),
    ];
  }
  return [el('p', {}, `Created, not confirmed yet: ${formatAmount(intent.amount, intent.currency)}.`), head];
}

/** A new customer_balance payment for `customer`, in `currency` unless the user picks another. */
export function newPayment(customer, currency) {
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', placeholder: '25.00', required: true });
  const currencies = select('currency', CASH_CURRENCIES.map((c) => [c, c.toUpperCase()]), currency);
  const description = el('input', { name: 'description', autocomplete: 'off', maxlength: 1000, placeholder: 'Order 1042' });
  const confirmNow = el('input', { type: 'checkbox', name: 'confirm', checked: true });
  openAction({
    title: 'New payment from the cash balance',
    fields: [
      field('Amount', input),
      field('Currency', currencies),
      field('Description', description, 'Optional; shown with the payment.'),
      el('label', { class: 'choice' }, confirmNow, 'Confirm at once (pay from the cash balance, or wait for a bank transfer)'),
    ],
    review: () => {
      const shown = formatAmount(parseAmount(input.value, currencies.value), currencies.value);
      return {
        lines: [
          ['Customer', [customer.name ?? customer.email ?? '', ' ', idText(customer.id)]],
          ['Amount', shown],
          ['Description', description.value.trim() || el('span', { class: 'muted' }, 'none')],
          ['Confirm at once', confirmNow.checked ? 'Yes: paid from the cash balance if it covers the amount, otherwise it waits for a bank transfer' : 'No: created, to be confirmed later'],
        ],
        confirm: confirmNow.checked ? `Create and confirm ${shown}` : `Create ${shown}`,
      };
    },
    send: () => api('POST', '/v1/payment_intents', {
      amount: parseAmount(input.value, currencies.value),
      currency: currencies.value,
      customer: customer.id,
      description: description.value.trim(),
      payment_method_types: ['customer_balance'],
      payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: TRANSFER_TYPE[currencies.value] } } },
      confirm: confirmNow.checked,
    }),
    outcome: paymentOutcome,
  });
}
