// One customer: the cash balance (return it to the bank, simulate a transfer in test mode,
// the reconciliation mode), the virtual bank accounts it is funded through, payments (new
// payment, apply, refund, cancel), invoices (pay from the cash balance), the cash balance
// ledger, and the credit balance with its adjustments. Every list pages both ways.
import { api, isLiveKey } from './api.js';
import { amount, button, details, el, field, idOf, idText, select, status, table, time } from './dom.js';
import { bankDetailsNextStep, bankDetailsSource } from './bank-details.js';
import { creditBalances } from './customers.js';
import { openAction } from './dialog.js';
import { financialAddress, intentsTable, newPayment } from './intents.js';
import { CASH_CURRENCIES, CREDIT_CURRENCIES, EU_COUNTRIES, formatAmount, majorUnits, parseAmount, TRANSFER_TYPE } from './money.js';
import { pagedList } from './paged.js';
import { rerender, submitOnce } from './shell.js';

export const customerName = (customer) => customer.name ?? customer.email ?? customer.id;

/** The currency to offer first: the customer's own, else the one its cash balance holds most of. */
export function customerCurrency(customer) {
  if (customer.currency && CASH_CURRENCIES.includes(customer.currency)) return customer.currency;
  const held = Object.entries(customer.cash_balance?.available ?? {}).sort((a, b) => b[1] - a[1]);
  return held[0]?.[0] ?? 'usd';
}

// ---- the account's default reconciliation mode ----

/** The account the key belongs to, read each time a customer page opens: its default reconciliation mode may have changed since (POST /cashbook/v1/account). */
const currentAccount = () => api('GET', '/cashbook/v1/account');

function modeForm(customer, accountDefault) {
  const settings = customer.cash_balance.settings;
  const current = settings.using_merchant_default ? 'merchant_default' : settings.reconciliation_mode;
  const chosen = select('reconciliation_mode', [
    ['merchant_default', accountDefault ? `Account default (${accountDefault})` : 'Account default'],
    ['automatic', 'Automatic'],
    ['manual', 'Manual'],
  ], current);
  return el('form', {
    class: 'inline-form',
    onsubmit: submitOnce(async () => {
      await api('POST', `/v1/customers/${customer.id}/cash_balance`, { settings: { reconciliation_mode: chosen.value } });
      await rerender('save-mode');
    }),
  }, field('Reconciliation', chosen, 'Automatic applies the balance to waiting payments as soon as it covers them; manual waits for you.'),
  el('button', { type: 'submit', class: 'secondary', 'data-key': 'save-mode' }, 'Save'));
}

// ---- money actions on the cash balance ----

function returnFunds(customer) {
  const available = customer.cash_balance.available ?? {};
  const held = Object.keys(available).filter((c) => available[c] > 0);
  const start = held.includes(customerCurrency(customer)) ? customerCurrency(customer) : held[0];
  const currency = select('currency', held.map((c) => [c, c.toUpperCase()]), start);
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', required: true, value: majorUnits(available[start], start) });
  const hint = () => `The cash balance holds ${formatAmount(available[currency.value], currency.value)}.`;
  const amountField = field('Amount', input, hint());
  const nextStep = el('p', { class: 'muted' }, bankDetailsNextStep(start, 'return'));
  currency.addEventListener('change', () => {
    input.value = majorUnits(available[currency.value], currency.value);
    amountField.querySelector('.hint').textContent = hint();
    nextStep.textContent = bankDetailsNextStep(currency.value, 'return');
  });
  const minor = () => parseAmount(input.value, currency.value, { max: available[currency.value] });
  openAction({
    title: 'Return funds to the customer’s bank',
    intro: [nextStep],
    fields: [field('Currency', currency), amountField],
    review: () => {
      const shown = formatAmount(minor(), currency.value);
      return {
        lines: [['Customer', [customerName(customer), ' ', idText(customer.id)]], ['Return', shown], ['From', 'the cash balance'], ['Bank details', bankDetailsSource(currency.value)], ['Left in the cash balance', formatAmount(available[currency.value] - minor(), currency.value)]],
        confirm: `Return ${shown}`,
      };
    },
    send: () => api('POST', '/v1/refunds', { origin: 'customer_balance', customer: customer.id, currency: currency.value, amount: minor() }),
    outcome: (refund) => [
      el('p', {}, `Return of ${formatAmount(refund.amount, refund.currency)} created: `, status(refund.status), '.'),
      refund.status === 'requires_action' ? el('p', {}, bankDetailsNextStep(refund.currency, 'return')) : null,
      el('p', {}, el('a', { href: `#/refunds/${refund.id}` }, `See return ${refund.id}`)),
    ],
  });
}

function simulateTransfer(customer) {
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', placeholder: '50.00', required: true });
  const currency = select('currency', CASH_CURRENCIES.map((c) => [c, c.toUpperCase()]), customerCurrency(customer));
  const reference = el('input', { name: 'reference', autocomplete: 'off', placeholder: 'optional', maxlength: 140 });
  openAction({
    title: 'Simulate a bank transfer',
    intro: [el('p', { class: 'muted' }, 'Test mode only: as if the customer’s bank transfer had arrived.')],
    fields: [field('Amount', input), field('Currency', currency), field('Reference', reference)],
    review: () => {
      const shown = formatAmount(parseAmount(input.value, currency.value), currency.value);
      return { lines: [['Customer', [customerName(customer), ' ', idText(customer.id)]], ['Transfer in', shown], ['Reference', reference.value.trim() || el('span', { class: 'muted' }, 'none')]], confirm: `Simulate ${shown}` };
    },
    send: () => api('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { amount: parseAmount(input.value, currency.value), currency: currency.value, reference: reference.value.trim() }),
  });
}

// ---- virtual bank accounts ----

/**
 * The customer's virtual bank accounts (funding instructions), as they are: read with
 * GET /cashbook/v1/customers/:id/funding_instructions, which makes none. One group per
 * currency the cash balance holds or an account was issued in; a new one is made only when
 * the user asks (POST /v1/customers/:id/funding_instructions, which gets or creates).
 */
function bankAccounts(customer, issued, ranges) {
  const held = Object.keys(customer.cash_balance?.available ?? {});
  const currencies = CASH_CURRENCIES.filter((c) => held.includes(c) || issued.some((i) => i.currency === c));
  const missing = currencies.filter((c) => !issued.some((i) => i.currency === c));
  // Live mode issues bank details only inside a bank's range (Settings): offer what the server would not refuse.
  const offered = ranges ? CASH_CURRENCIES.filter((c) => ranges.some((r) => r.type === TRANSFER_TYPE[c])) : CASH_CURRENCIES;
  const countries = ranges ? EU_COUNTRIES.filter((c) => ranges.some((r) => r.type === 'eu_bank_transfer' && r.country === c)) : EU_COUNTRIES;
  const first = [...missing, customerCurrency(customer)].find((c) => offered.includes(c)) ?? offered[0];
  const currency = select('currency', offered.map((c) => [c, c.toUpperCase()]), first);
  const country = select('country', countries.map((c) => [c, c]), countries.includes('NL') ? 'NL' : countries[0]);
  const countryField = field('IBAN country', country);
  const submit = el('button', { type: 'submit', class: 'secondary', 'data-key': 'get-bank-details' });
  const update = () => {
    countryField.hidden = currency.value !== 'eur';
    submit.textContent = `Get bank details for ${currency.value.toUpperCase()}`;
  };
  update();
  currency.addEventListener('change', update);
  const form = el('form', {
    class: 'inline-form',
    onsubmit: submitOnce(async () => {
      const eur = currency.value === 'eur';
      await api('POST', `/v1/customers/${customer.id}/funding_instructions`, {
        currency: currency.value,
        funding_type: 'bank_transfer',
        bank_transfer: { type: TRANSFER_TYPE[currency.value], ...(eur ? { eu_bank_transfer: { country: country.value } } : {}) },
      });
      await rerender('get-bank-details');
    }),
  }, field('Currency', currency), countryField, submit);
  const none = el('p', { class: 'muted note' }, 'Live mode issues bank details only in your bank’s ranges of virtual accounts, and none is set: ', el('a', { href: '#/settings' }, 'set one in Settings'), '.');
  return el('div', { class: 'card', id: 'bank-accounts' },
    el('p', { class: 'muted' }, 'The customer pays into these accounts; each is the customer’s own, issued once per currency (and IBAN country) and kept.'),
    currencies.length === 0 ? el('p', { class: 'empty' }, 'No bank account issued yet.') : null,
    el('div', { class: 'accounts' }, currencies.map((c) => {
      const mine = issued.filter((i) => i.currency === c);
      return el('section', { class: 'account', 'data-currency': c, 'aria-label': `${c.toUpperCase()} bank account` },
        mine.length === 0
          ? [el('h3', {}, c.toUpperCase()), el('p', { class: 'empty' }, `No ${c.toUpperCase()} bank account issued yet.`)]
          : mine.map((instructions) => [
            el('h3', {}, `${c.toUpperCase()} · ${instructions.bank_transfer.type.replace(/_/g, ' ')} · ${instructions.bank_transfer.country}`),
            instructions.bank_transfer.financial_addresses.map(financialAddress)]));
    })),
    offered.length > 0 ? form : none);
}

// ---- credit balance ----

/** The credit balance in one currency (a customer may hold several; `balance` is its default currency's). */
const creditIn = (customer, currency) => customer.invoice_credit_balance?.[currency] ?? (customer.currency === currency ? customer.balance : 0);

function creditTotals(customer) {
  const totals = creditBalances(customer);
  if (totals.length === 0) return el('p', { class: 'credit-total' }, el('span', { class: 'empty' }, 'No credit balance.'));
  return el('p', { class: 'credit-total' }, totals.map(([currency, value]) => el('span', { class: 'credit', 'data-currency': currency }, amount(value, currency))), el('span', { class: 'muted' }, ' (negative is credit the customer holds)'));
}

function adjustCredit(customer) {
  const input = el('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off', required: true, placeholder: '10.00' });
  const currency = select('currency', CREDIT_CURRENCIES.map((c) => [c, c.toUpperCase()]), customer.currency ?? customerCurrency(customer));
  const description = el('input', { name: 'description', autocomplete: 'off', maxlength: 350, placeholder: 'Goodwill credit' });
  const radio = (value, text, checked) => el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'direction', value, checked }), text);
  const directions = el('fieldset', { class: 'choices' }, el('legend', {}, 'Adjustment'),
    radio('credit', 'Credit: the customer owes less (a negative entry)', true),
    radio('debit', 'Debit: the customer owes more (a positive entry)', false));
  const signed = () => {
    const minor = parseAmount(input.value, currency.value);
    return directions.querySelector('input:checked').value === 'credit' ? -minor : minor;
  };
  openAction({
    title: 'Adjust the credit balance',
    fields: [directions, field('Amount', input), field('Currency', currency), field('Description', description)],
    review: () => {
      const change = signed();
      const lines = [['Customer', [customerName(customer), ' ', idText(customer.id)]], ['Adjustment', amount(change, currency.value)], ['Description', description.value.trim() || el('span', { class: 'muted' }, 'none')]];
      lines.push(['Credit balance after', amount(creditIn(customer, currency.value) + change, currency.value)]);
      return { lines, confirm: `${change < 0 ? 'Credit' : 'Debit'} ${formatAmount(Math.abs(change), currency.value)}` };
    },
    send: () => api('POST', `/v1/customers/${customer.id}/balance_transactions`, { amount: signed(), currency: currency.value, description: description.value.trim() }),
  });
}

// ---- lists ----

function invoiceActions(invoice) {
  if (invoice.status !== 'open') return '';
  return button('Pay from cash balance…', () => openAction({
    title: 'Pay this invoice from the cash balance',
    review: () => ({
      lines: [['Invoice', [invoice.number ?? '', ' ', idText(invoice.id)]], ['Amount due', amount(invoice.amount_remaining ?? invoice.amount_due, invoice.currency)], ['Paid from', 'the cash balance (in full: invoices are never paid in part)']],
      confirm: `Pay ${formatAmount(invoice.amount_remaining ?? invoice.amount_due, invoice.currency)}`,
    }),
    send: () => api('POST', `/v1/invoices/${invoice.id}/pay`),
  }), { 'data-key': `pay:${invoice.id}` });
}

const INVOICE_COLUMNS = [
  { label: 'Invoice', cell: (invoice) => [el('div', {}, invoice.number ?? ''), idText(invoice.id)] },
  { label: 'Created', cell: (invoice) => time(invoice.created) },
  { label: 'Due', amount: true, cell: (invoice) => amount(invoice.amount_due, invoice.currency) },
  { label: 'Paid', amount: true, cell: (invoice) => amount(invoice.amount_paid, invoice.currency) },
  { label: 'Status', class: 'status-cell', cell: (invoice) => status(invoice.status) },
  { label: 'Actions', class: 'actions', cell: invoiceActions },
];

function related(entry) {
  const detail = entry[entry.type] ?? {};
  if (detail.refund) return el('a', { href: `#/refunds/${idOf(detail.refund)}`, class: 'id' }, idOf(detail.refund));
  const target = detail.payment_intent ?? detail.balance_transaction ?? detail.linked_transaction;
  if (target) return idText(idOf(target));
  const transfer = detail.bank_transfer;
  if (transfer) {
    const sender = Object.values(transfer).find((value) => value && typeof value === 'object' && value.sender_name)?.sender_name;
    return [transfer.reference ?? '', sender ? el('div', { class: 'muted' }, sender) : null];
  }
  return '';
}

const LEDGER_COLUMNS = [
  { label: 'When', cell: (entry) => time(entry.created) },
  { label: 'Type', class: 'type', cell: (entry) => entry.type.replace(/_/g, ' ') },
  { label: 'Amount', amount: true, cell: (entry) => amount(entry.net_amount, entry.currency) },
  { label: 'Balance after', amount: true, cell: (entry) => amount(entry.ending_balance, entry.currency) },
  { label: 'Related', cell: related },
];

const CREDIT_COLUMNS = [
  { label: 'When', cell: (entry) => time(entry.created) },
  { label: 'Type', cell: (entry) => entry.type.replace(/_/g, ' ') },
  { label: 'Amount', amount: true, cell: (entry) => amount(entry.amount, entry.currency) },
  { label: 'Balance after', amount: true, cell: (entry) => amount(entry.ending_balance, entry.currency) },
  { label: 'Description', cell: (entry) => entry.description ?? '' },
];

export async function customerView(id) {
  const customer = await api('GET', `/v1/customers/${id}`, { expand: ['cash_balance', 'invoice_credit_balance'] });
  const available = Object.entries(customer.cash_balance.available ?? {});
  const hasFunds = available.some(([, value]) => value > 0);
  const [account, issued, ranges, payments, invoices, ledger, credit] = await Promise.all([
    currentAccount(),
    api('GET', `/cashbook/v1/customers/${id}/funding_instructions`),
    isLiveKey() ? api('GET', '/cashbook/v1/virtual_account_ranges', { limit: 100 }).then((page) => page.data) : null,
    pagedList({ key: `payments:${id}`, label: 'payments', id: 'payments', load: (params) => api('GET', '/v1/payment_intents', { ...params, customer: id, 'expand[]': 'data.latest_charge' }), render: (data) => intentsTable(data, { cashBalance: customer.cash_balance.available ?? {} }) }),
    pagedList({ key: `invoices:${id}`, label: 'invoices', id: 'invoices', load: (params) => api('GET', '/v1/invoices', { ...params, customer: id }), render: (data) => table(INVOICE_COLUMNS, data, 'No invoices.', 'Invoices') }),
    pagedList({ key: `ledger:${id}`, label: 'transactions', id: 'ledger', load: (params) => api('GET', `/v1/customers/${id}/cash_balance_transactions`, params), render: (data) => table(LEDGER_COLUMNS, data, 'No transactions yet.', 'Cash balance transactions') }),
    pagedList({ key: `credit:${id}`, label: 'credit balance transactions', id: 'credit-ledger', load: (params) => api('GET', `/v1/customers/${id}/balance_transactions`, params), render: (data) => table(CREDIT_COLUMNS, data, 'No credit balance transactions.', 'Credit balance transactions') }),
  ]);
  return {
    title: customerName(customer),
    nodes: [
      el('p', {}, el('a', { href: '#/customers' }, '← Customers')),
      el('h1', { tabindex: '-1' }, customerName(customer)),
      details([
        customer.name && customer.email ? ['Email', customer.email] : null,
        ['ID', el('span', { class: 'id', id: 'customer-id' }, customer.id)],
        ['Created', time(customer.created)],
      ]),
      el('h2', {}, 'Cash balance'),
      el('div', { class: 'card', id: 'cash-balance' },
        el('div', { class: 'balances' }, available.length === 0 ? el('p', { class: 'empty' }, 'No cash balance yet.') : available.map(([currency, value]) =>
          el('div', { class: 'balance', 'data-currency': currency }, el('div', { class: 'muted' }, currency.toUpperCase()), el('div', { class: 'value' }, formatAmount(value, currency))))),
        el('div', { class: 'buttons-inline' },
          button('Return funds to bank…', () => returnFunds(customer), { disabled: !hasFunds, 'data-key': 'return-funds' }),
          isLiveKey() || customer.livemode ? null : button('Simulate bank transfer…', () => simulateTransfer(customer), { 'data-key': 'simulate-transfer' })),
        modeForm(customer, account.default_reconciliation_mode)),
      el('h2', {}, 'Bank transfer details'),
      bankAccounts(customer, issued.data, ranges),
      el('div', { class: 'section-head' }, el('h2', {}, 'Payments'), button('New payment…', () => newPayment(customer, customerCurrency(customer)), { class: 'primary', 'data-key': 'new-payment' })),
      el('div', { class: 'card' }, payments),
      el('h2', {}, 'Invoices'),
      el('div', { class: 'card' }, invoices),
      el('h2', {}, 'Cash balance transactions'),
      el('div', { class: 'card' }, ledger),
      el('div', { class: 'section-head' }, el('h2', {}, 'Credit balance'), button('Adjust credit balance…', () => adjustCredit(customer), { 'data-key': 'adjust-credit' })),
      el('div', { class: 'card', id: 'credit-balance' },
        creditTotals(customer),
        credit),
    ],
  };
}

