// Unmatched bank transfers: credits of imported bank statements that routed to no customer.
// Each open one can be assigned to a customer (funding the cash balance, once) or sent back
// to its sender (the next payment file pays it).
import { api } from './api.js';
import { amount, button, day, el, field, idText, sortCodeText, status, table, time } from './dom.js';
import { emailQuery } from './customers.js';
import { openAction } from './dialog.js';
import { customerLink } from './intents.js';
import { CASH_CURRENCIES, formatAmount, MAX_AMOUNT, MAX_PAYOUT, PAYOUT_CURRENCIES } from './money.js';
import { pagedList } from './paged.js';
import { statusFilter } from './payments.js';
import { whyNoPaymentBack } from './sender-account.js';

const STATUSES = ['open', 'assigned', 'returned', 'reversed'];

/** The sender's account: its IBAN, else its account number (a UK one after its bank's sort code, as the statement gives it). */
function senderAccount(transfer) {
  const { iban, account, clearing } = transfer.sender ?? {};
  if (iban) return idText(iban);
  if (!account) return null;
  if (transfer.currency === 'gbp' && clearing) return [el('span', { class: 'muted' }, 'sort code '), idText(sortCodeText(clearing)), el('span', { class: 'muted' }, ' account '), idText(account)];
  return idText(account);
}

const sender = (transfer) => [transfer.sender?.name ?? el('span', { class: 'muted' }, 'unknown sender'), senderAccount(transfer) ? el('div', {}, senderAccount(transfer)) : null];
/** Which of the merchant's own accounts the transfer credited (as the statement named it). */
const intoAccount = (transfer) => (transfer.account ? ['Received into', idText(transfer.account)] : null);

/**
 * A customer from what the user typed: a cus_ id, or an email only one customer has. The
 * email is searched for (the search API, which finds customers on test clocks too, as the
 * list leaves them out), page after page until two are found or none is left.
 */
async function findCustomer(text) {
  const typed = text.trim();
  if (typed === '') throw new Error('Enter the customer’s id (cus_…) or email.');
  if (/^cus_/.test(typed)) return api('GET', `/v1/customers/${encodeURIComponent(typed)}`);
  const found = [];
  let next;
  do {
    const page = await api('GET', '/v1/customers/search', { query: emailQuery(typed), limit: 2, page: next });
    found.push(...page.data);
    next = page.has_more ? page.next_page : null;
  } while (found.length < 2 && next);
  if (found.length === 0) throw new Error(`No customer has the email ${typed}.`);
  if (found.length > 1) throw new Error(`More than one customer has the email ${typed}: enter the customer’s id instead.`);
  return found[0];
}

function assign(transfer) {
  const input = el('input', { name: 'customer', autocomplete: 'off', required: true, placeholder: 'cus_… or ada@example.com' });
  let customer;
  openAction({
    title: 'Assign this transfer to a customer',
    intro: [el('p', {}, `${formatAmount(transfer.amount, transfer.currency)} from `, sender(transfer)[0], transfer.reference ? ` (reference ${transfer.reference})` : '', '.')],
    fields: [field('Customer', input, 'Its id, or its email. The transfer funds its cash balance.')],
    review: async () => {
      customer = await findCustomer(input.value);
      const shown = formatAmount(transfer.amount, transfer.currency);
      return {
        lines: [['Transfer', idText(transfer.id)], ['Amount', shown], ['From', sender(transfer)], intoAccount(transfer), ['Reference', transfer.reference ?? ''], ['Into the cash balance of', [customer.name ?? customer.email ?? '', ' ', idText(customer.id)]]],
        confirm: `Assign ${shown}`,
      };
    },
    send: () => api('POST', `/cashbook/v1/unmatched_transfers/${transfer.id}/assign`, { customer: customer.id }),
  });
}

function sendBack(transfer) {
  openAction({
    title: 'Return this transfer to its sender',
    review: () => ({
      lines: [['Transfer', idText(transfer.id)], ['Amount', amount(transfer.amount, transfer.currency)], ['Back to', sender(transfer)], intoAccount(transfer), ['Reference', transfer.reference ?? '']],
      confirm: `Return ${formatAmount(transfer.amount, transfer.currency)}`,
    }),
    send: () => api('POST', `/cashbook/v1/unmatched_transfers/${transfer.id}/return`),
  });
}

const codes = (currencies) => currencies.map((c) => c.toUpperCase()).join(', ');

/** Why the API would refuse to assign this transfer (to any customer), or null when it may. */
function whyNotAssign(transfer) {
  if (!CASH_CURRENCIES.includes(transfer.currency)) return `Cannot be assigned: a cash balance holds ${codes(CASH_CURRENCIES)} only.`;
  if (transfer.amount > MAX_AMOUNT) return `Cannot be assigned: above the most a cash balance is funded with at once (${formatAmount(MAX_AMOUNT, transfer.currency)}).`;
  return null;
}

/** Why the API would refuse to send this transfer back, or null when it may. */
function whyNotReturn(transfer) {
  if (!PAYOUT_CURRENCIES.includes(transfer.currency)) return `Cannot be returned: payment files pay out ${codes(PAYOUT_CURRENCIES)} only.`;
  if (transfer.amount > MAX_PAYOUT[transfer.currency]) return `Cannot be returned: above the largest payment of a ${transfer.currency.toUpperCase()} payment file (${formatAmount(MAX_PAYOUT[transfer.currency], transfer.currency)}).`;
  const why = whyNoPaymentBack(transfer.currency, transfer.sender);
  return why ? `Cannot be returned: ${why}` : null;
}

// Only what the API would accept is offered; what it would refuse is said in its place.
// A debit (a reversal kept as a transfer before the server stopped doing so) is never assigned or returned.
function actions(transfer) {
  if (transfer.status !== 'open' || transfer.direction === 'debit') return '';
  const noAssign = whyNotAssign(transfer);
  const noReturn = whyNotReturn(transfer);
  const buttons = [
    noAssign ? null : button('Assign…', () => assign(transfer), { 'data-key': `assign:${transfer.id}` }),
    noReturn ? null : button('Return…', () => sendBack(transfer), { 'data-key': `return:${transfer.id}` }),
  ].filter(Boolean);
  return [
    buttons.length ? el('div', { class: 'buttons-inline' }, buttons) : null,
    [noAssign, noReturn].filter(Boolean).map((why) => el('p', { class: 'muted note' }, why)),
    noAssign && noReturn ? el('p', { class: 'muted note' }, 'Pay it back to the sender outside Cashbook.') : null,
  ];
}

/** A transfer sent back whose payment the sender's bank returned: open again, with the bank's reason. */
const bounced = (transfer) => (transfer.status === 'open' && transfer.return_failure_reason
  ? el('div', { class: 'note bounced' }, `Sent back, but the payment came back: ${transfer.return_failure_reason}. It is open again.`)
  : null);

// The bank's booking date of the statement line (null for transfers kept before 2026-12-06, or a file that gave none).
const bookedOn = (transfer) => transfer.booking_date ?? null;

const COLUMNS = [
  { label: 'Transfer', cell: (transfer) => [el('div', {}, transfer.reference ?? el('span', { class: 'muted' }, 'no reference')), idText(transfer.id),
    transfer.account ? el('div', {}, el('span', { class: 'muted' }, 'into '), idText(transfer.account)) : null] },
  { label: 'Booked by the bank', cell: (transfer) => [bookedOn(transfer) ? day(bookedOn(transfer)) : el('span', { class: 'muted' }, 'no booking date'), el('div', { class: 'muted' }, 'imported ', time(transfer.created))] },
  { label: 'Amount', amount: true, cell: (transfer) => amount(transfer.amount, transfer.currency) },
  { label: 'From', cell: sender },
  { label: 'Why unmatched', class: 'wrap', cell: (transfer) => transfer.reason ?? '' },
  { label: 'Status', class: 'status-cell', cell: (transfer) => [status(transfer.status),
    transfer.customer ? el('div', {}, customerLink(transfer.customer)) : null, // the list expands no customer: its id, linked to its page
    transfer.return_status ? el('div', { class: 'muted' }, `payment back: ${transfer.return_status}`) : null,
    bounced(transfer),
    transfer.reversal_reason ? el('div', { class: 'note' }, transfer.reversal_reason) : null] },
  { label: 'Actions', class: 'actions', cell: actions },
];

export async function transfersView(params) {
  const chosen = STATUSES.includes(params.get('status')) ? params.get('status') : '';
  const list = await pagedList({
    key: `transfers:status=${chosen}`,
    label: 'transfers',
    id: 'transfers',
    load: (page) => api('GET', '/cashbook/v1/unmatched_transfers', { ...page, status: chosen || undefined }),
    render: (data) => table(COLUMNS, data, chosen ? `No ${chosen} transfers.` : 'No unmatched transfers: every imported credit found its customer.', 'Unmatched transfers'),
  });
  return {
    title: 'Unmatched transfers',
    nodes: [
      el('h1', { tabindex: '-1' }, 'Unmatched transfers'),
      el('p', { class: 'muted' }, 'Credits from imported bank statements that reached no customer’s account.'),
      statusFilter('#/transfers', STATUSES, chosen),
      el('div', { class: 'card' }, list),
    ],
  };
}
