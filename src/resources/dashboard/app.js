// Cashbook's dashboard: customers, their cash and credit balances, ledgers and payments, and
// recent events, read and changed through the public API with the key the user gives. No
// framework and no build step: the DOM is built with textContent only, so no value from the
// API is ever parsed as HTML.
'use strict';

const KEY_STORAGE = 'cashbook.secret_key';
const CURRENCIES = ['usd', 'eur', 'gbp', 'jpy', 'mxn'];
const ZERO_DECIMAL = new Set(['jpy']);
const OPEN_INTENT = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

const $ = (selector) => document.querySelector(selector);
const key = () => sessionStorage.getItem(KEY_STORAGE);

/** Builds an element: attributes (on* are listeners), then children (strings become text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** Form-encodes Stripe-style parameters, one level of nesting (`settings[reconciliation_mode]`). */
function encode(params) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'object') for (const [inner, v] of Object.entries(value)) form.append(`${name}[${inner}]`, String(v));
    else form.append(name, String(value));
  }
  return form.toString();
}

class ApiFailure extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, params = {}) {
  const query = method === 'GET' ? encode(params) : '';
  const response = await fetch(query ? `${path}?${query}` : path, {
    method,
    headers: { authorization: `Bearer ${key()}`, ...(method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
    body: method === 'GET' ? undefined : encode(params),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiFailure(response.status, body.error?.message ?? `HTTP ${response.status}`);
  return body;
}

// ---- money: integers of minor units in, exact text out (and back) ----

function formatAmount(amount, currency) {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const sign = amount < 0 ? '−' : '';
  const absolute = Math.abs(amount);
  const major = String(Math.floor(absolute / 10 ** digits)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = digits === 0 ? '' : `.${String(absolute % 10 ** digits).padStart(digits, '0')}`;
  return `${sign}${major}${minor} ${currency.toUpperCase()}`;
}

/** "12.34" in a two-decimal currency is 1234; parsed as text, never through a float. */
function parseAmount(text, currency) {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const match = new RegExp(digits === 0 ? '^(\\d+)$' : '^(\\d+)(?:\\.(\\d{1,2}))?$').exec(text.trim());
  if (!match) throw new Error(digits === 0 ? `Enter a whole number of ${currency.toUpperCase()}.` : `Enter an amount like 12.34 (${currency.toUpperCase()}).`);
  const amount = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('Enter an amount greater than zero.');
  return amount;
}

const money = (amount, currency) => el('td', { class: `amount ${amount < 0 ? 'negative' : ''}` }, formatAmount(amount, currency));
const when = (seconds) => el('td', { class: 'muted' }, new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16));
/** A column heading for amounts: right-aligned like the amounts under it. */
const amountHeading = (text) => ({ text, amount: true });
const table = (headings, rows, empty) =>
  rows.length === 0
    ? el('p', { class: 'empty' }, empty)
    : el('table', {}, el('thead', {}, el('tr', {}, headings.map((h) => (h.amount ? el('th', { class: 'amount' }, h.text) : el('th', {}, h))))), el('tbody', {}, rows));

// ---- shell: errors, key, routing ----

let errorTimer;
function showError(error) {
  const box = $('#error');
  box.textContent = error.message;
  box.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => (box.hidden = true), 8000);
}

/** Runs an action from a button or form; a failure is shown, and a 401 asks for the key again. */
async function run(action) {
  $('#error').hidden = true; // a new action: the last one's error no longer applies
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) forgetKey();
    showError(error);
  }
}

function forgetKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  render();
}

function signIn() {
  const input = el('input', { id: 'secret-key', name: 'key', type: 'password', autocomplete: 'off', placeholder: 'sk_test_…', required: true, size: 40 });
  return [
    el('h1', {}, 'Sign in with a secret key'),
    el('p', { class: 'muted' }, 'The key is kept in this tab only and sent to this Cashbook server as a Bearer token.'),
    el('form', {
      class: 'card',
      onsubmit: (event) => {
        event.preventDefault();
        run(async () => {
          sessionStorage.setItem(KEY_STORAGE, input.value.trim());
          await api('GET', '/v1/customers', { limit: 1 }); // fails with the server's message on a bad key
          render();
        });
      },
    }, el('label', {}, 'Secret key', input), el('button', { type: 'submit' }, 'Open dashboard')),
  ];
}

// ---- views ----

async function customersView(params) {
  const page = await api('GET', '/v1/customers', { limit: 25, 'expand[]': 'data.cash_balance', starting_after: params.get('after') ?? undefined });
  const rows = page.data.map((customer) =>
    el('tr', {},
      el('td', {}, el('a', { href: `#/customers/${customer.id}` }, customer.email ?? customer.name ?? customer.id), el('div', { class: 'id muted' }, customer.id)),
      el('td', {}, Object.entries(customer.cash_balance?.available ?? {}).map(([currency, amount]) => el('div', {}, formatAmount(amount, currency)))),
      el('td', {}, customer.balance !== 0 && customer.currency ? formatAmount(customer.balance, customer.currency) : ''),
      when(customer.created)));
  const email = el('input', { name: 'email', type: 'email', placeholder: 'ada@example.com' });
  const name = el('input', { name: 'name', placeholder: 'Ada Lovelace' });
  const last = page.data.at(-1);
  return [
    el('h1', {}, 'Customers'),
    el('form', {
      class: 'card',
      onsubmit: (event) => {
        event.preventDefault();
        run(async () => {
          const customer = await api('POST', '/v1/customers', { email: email.value, name: name.value });
          location.hash = `#/customers/${customer.id}`;
        });
      },
    }, el('label', {}, 'Email', email), el('label', {}, 'Name', name), el('button', { type: 'submit' }, 'New customer')),
    el('div', { class: 'card' }, table(['Customer', 'Cash balance', 'Credit balance', 'Created (UTC)'], rows, 'No customers yet.')),
    page.has_more && last ? el('p', {}, el('a', { href: `#/customers?after=${last.id}` }, 'Older customers →')) : null,
  ];
}

function fundForm(customer) {
  const amount = el('input', { name: 'amount', inputmode: 'decimal', placeholder: '50.00', required: true, size: 10 });
  const currency = el('select', { name: 'currency' }, CURRENCIES.map((c) => el('option', { value: c }, c.toUpperCase())));
  const reference = el('input', { name: 'reference', placeholder: 'optional', size: 14 });
  return el('form', {
    onsubmit: (event) => {
      event.preventDefault();
      run(async () => {
        const minor = parseAmount(amount.value, currency.value);
        await api('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { amount: minor, currency: currency.value, reference: reference.value });
        render();
      });
    },
  }, el('label', {}, 'Amount', amount), el('label', {}, 'Currency', currency), el('label', {}, 'Reference', reference), el('button', { type: 'submit' }, 'Simulate bank transfer'));
}

function modeForm(customer) {
  const settings = customer.cash_balance.settings;
  const current = settings.using_merchant_default ? 'merchant_default' : settings.reconciliation_mode;
  const select = el('select', { name: 'reconciliation_mode' },
    ['merchant_default', 'automatic', 'manual'].map((mode) => el('option', { value: mode, selected: mode === current }, mode === 'merchant_default' ? `account default (${settings.reconciliation_mode})` : mode)));
  return el('form', {
    onsubmit: (event) => {
      event.preventDefault();
      run(async () => {
        await api('POST', `/v1/customers/${customer.id}/cash_balance`, { settings: { reconciliation_mode: select.value } });
        render();
      });
    },
  }, el('label', {}, 'Reconciliation', select), el('button', { type: 'submit', class: 'secondary' }, 'Save'));
}

function intentActions(intent) {
  const button = (label, action, disabled = false) => el('button', { type: 'button', class: 'secondary', disabled, onclick: () => run(async () => { await action(); render(); }) }, label);
  if (intent.status === 'succeeded') {
    const charge = intent.latest_charge;
    const left = charge ? charge.amount - charge.amount_refunded : 0;
    // Stripe's Dashboard action, offered by Cashbook as an extension route (no amount: all that is left).
    return button('Refund to cash balance', () => api('POST', `/cashbook/v1/payment_intents/${intent.id}/refund_to_cash_balance`), left <= 0);
  }
  // An invoice's intent is ended by voiding the invoice (the API refuses to cancel it).
  if (OPEN_INTENT.has(intent.status) && !intent.invoice) return button('Cancel', () => api('POST', `/v1/payment_intents/${intent.id}/cancel`));
  return '';
}

/** Open invoices can be paid from the cash balance by hand (what manual reconciliation is for). */
function invoiceActions(invoice) {
  if (invoice.status !== 'open') return '';
  return el('button', { type: 'button', class: 'secondary', onclick: () => run(async () => { await api('POST', `/v1/invoices/${invoice.id}/pay`); render(); }) }, 'Pay from cash balance');
}

async function customerView(id) {
  const [customer, ledger, intents, credit, invoices] = await Promise.all([
    api('GET', `/v1/customers/${id}`, { 'expand[]': 'cash_balance' }),
    api('GET', `/v1/customers/${id}/cash_balance_transactions`, { limit: 100 }),
    api('GET', '/v1/payment_intents', { customer: id, limit: 100, 'expand[]': 'data.latest_charge' }),
    api('GET', `/v1/customers/${id}/balance_transactions`, { limit: 100 }),
    api('GET', '/v1/invoices', { customer: id, limit: 100 }),
  ]);
  const available = Object.entries(customer.cash_balance.available ?? {});
  const related = (entry) => {
    const detail = entry[entry.type];
    const target = detail && (detail.payment_intent ?? detail.refund ?? detail.balance_transaction ?? detail.bank_transfer?.reference);
    return typeof target === 'string' ? target : (target?.id ?? '');
  };
  return [
    el('p', {}, el('a', { href: '#/customers' }, '← Customers')),
    el('h1', {}, customer.email ?? customer.name ?? customer.id),
    el('p', { class: 'id muted' }, customer.id),
    el('h2', {}, 'Cash balance'),
    el('div', { class: 'card' },
      el('div', { class: 'balances' }, available.length === 0 ? el('p', { class: 'empty' }, 'No cash balance yet.') : available.map(([currency, amount]) =>
        el('div', { class: 'balance', 'data-currency': currency }, el('div', { class: 'muted' }, currency.toUpperCase()), el('div', { class: 'value' }, formatAmount(amount, currency))))),
      modeForm(customer),
      customer.livemode ? null : fundForm(customer)),
    el('h2', {}, 'Payments'),
    el('div', { class: 'card', id: 'payments' }, table(['Payment', amountHeading('Amount'), 'Status', amountHeading('Remaining'), amountHeading('Refunded'), ''], intents.data.map((intent) =>
      el('tr', { 'data-id': intent.id },
        el('td', { class: 'id' }, intent.id),
        money(intent.amount, intent.currency),
        el('td', { class: 'status' }, intent.status.replace(/_/g, ' ')),
        intent.next_action?.display_bank_transfer_instructions ? money(intent.next_action.display_bank_transfer_instructions.amount_remaining, intent.currency) : el('td'),
        intent.latest_charge?.amount_refunded ? money(intent.latest_charge.amount_refunded, intent.currency) : el('td'),
        el('td', {}, intentActions(intent)))), 'No payments.')),
    el('h2', {}, 'Invoices'),
    el('div', { class: 'card', id: 'invoices' }, table(['Invoice', 'Number', amountHeading('Due'), amountHeading('Paid'), 'Status', ''], invoices.data.map((invoice) =>
      el('tr', { 'data-id': invoice.id },
        el('td', { class: 'id' }, invoice.id),
        el('td', {}, invoice.number ?? ''),
        money(invoice.amount_due, invoice.currency),
        money(invoice.amount_paid, invoice.currency),
        el('td', { class: 'status' }, invoice.status),
        el('td', {}, invoiceActions(invoice)))), 'No invoices.')),
    el('h2', {}, 'Cash balance transactions'),
    el('div', { class: 'card', id: 'ledger' }, table(['When (UTC)', 'Type', amountHeading('Amount'), amountHeading('Balance after'), 'Related'], ledger.data.map((entry) =>
      el('tr', { 'data-id': entry.id }, when(entry.created), el('td', { class: 'type' }, entry.type), money(entry.net_amount, entry.currency), money(entry.ending_balance, entry.currency), el('td', { class: 'id muted' }, related(entry)))),
      'No transactions yet.'), ledger.has_more ? el('p', { class: 'muted' }, 'Showing the newest 100.') : null),
    el('h2', {}, 'Credit balance'),
    el('div', { class: 'card' },
      el('p', {}, customer.currency ? `${formatAmount(customer.balance, customer.currency)} (negative is credit the customer holds)` : 'No credit balance.'),
      table(['When (UTC)', 'Type', amountHeading('Amount'), amountHeading('Balance after'), 'Description'], credit.data.map((entry) =>
        el('tr', {}, when(entry.created), el('td', {}, entry.type), money(entry.amount, entry.currency), money(entry.ending_balance, entry.currency), el('td', {}, entry.description ?? ''))), 'No credit balance transactions.')),
  ];
}

async function eventsView() {
  const events = await api('GET', '/v1/events', { limit: 50 });
  return [
    el('h1', {}, 'Events'),
    el('div', { class: 'card', id: 'events' }, table(['When (UTC)', 'Type', 'Object', 'Event'], events.data.map((event) =>
      el('tr', {}, when(event.created), el('td', { class: 'type' }, event.type), el('td', { class: 'id' }, event.data.object.id ?? ''), el('td', { class: 'id muted' }, event.id))), 'No events yet.')),
  ];
}

/** Counts renders, so that a slow view finishing after a newer one does not replace it. */
let renders = 0;

async function render() {
  const generation = ++renders;
  const signedIn = Boolean(key());
  $('#sign-out').hidden = !signedIn;
  $('#mode').hidden = !signedIn;
  if (signedIn) $('#mode').textContent = key().startsWith('sk_live_') ? 'Live mode' : 'Test mode';
  const main = $('#main');
  if (!signedIn) return main.replaceChildren(...signIn());
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const customer = /^\/customers\/(cus_[A-Za-z0-9]+)$/.exec(path);
  await run(async () => {
    const view = customer ? await customerView(customer[1]) : path === '/events' ? await eventsView() : await customersView(params);
    if (generation === renders) main.replaceChildren(...view.filter((node) => node !== null));
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-out').addEventListener('click', forgetKey);
  window.addEventListener('hashchange', render);
  render();
});
