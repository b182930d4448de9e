// Refunds and returns: every one of the account (filtered by status in the browser, since the
// API's list has no status filter), and one refund on its own page, where a return or refund
// still waiting for the customer's bank details can be cancelled, or its link made.
import { api } from './api.js';
import { amount, button, details, el, idOf, idText, json, status, table, time } from './dom.js';
import { canAskForBankDetails } from './bank-details.js';
import { openAction } from './dialog.js';
import { formatAmount } from './money.js';
import { filteredPage, pagedList } from './paged.js';
import { statusFilter } from './payments.js';
import { rerender, run } from './shell.js';

export const REFUND_STATUSES = ['requires_action', 'pending', 'succeeded', 'failed', 'canceled'];

/** Stripe's refund object says what it was by its charge and destination. */
export function refundKind(refund) {
  if (!refund.charge) return 'Return of cash balance';
  return refund.destination_details?.type === 'customer_cash_balance' ? 'Refund to cash balance' : 'Refund to bank';
}

export function cancelRefund(refund) {
  const what = refund.charge ? 'refund' : 'return';
  openAction({
    title: `Cancel this ${what}`,
    review: () => ({
      lines: [['Refund', idText(refund.id)], ['Kind', refundKind(refund)], ['Amount', amount(refund.amount, refund.currency)], ['Then', refund.charge ? 'the payment counts as paid again for this amount' : 'the money goes back to the cash balance']],
      confirm: `Cancel ${what} of ${formatAmount(refund.amount, refund.currency)}`,
    }),
    dismissLabel: `Keep ${what}`,
    send: () => api('POST', `/v1/refunds/${refund.id}/cancel`),
  });
}

const refundActions = (refund) => el('div', { class: 'buttons-inline' },
  refund.status === 'requires_action' ? button('Cancel…', () => cancelRefund(refund), { 'data-key': `cancel-refund:${refund.id}` }) : null,
  el('a', { href: `#/refunds/${refund.id}`, class: 'link-button' }, 'Details'));

const COLUMNS = [
  { label: 'Refund', cell: (refund) => [el('div', {}, refundKind(refund)), idText(refund.id)] },
  { label: 'Created', cell: (refund) => time(refund.created) },
  { label: 'Amount', amount: true, cell: (refund) => amount(refund.amount, refund.currency) },
  { label: 'Status', class: 'status-cell', cell: (refund) => status(refund.status) },
  { label: 'Payment', cell: (refund) => idText(idOf(refund.payment_intent)) },
  { label: 'Customer email', cell: (refund) => refund.instructions_email ?? '' },
  { label: 'Reason', cell: (refund) => (refund.reason ?? '').replace(/_/g, ' ') },
  { label: 'Actions', class: 'actions', cell: refundActions },
];

export async function refundsView(params) {
  const chosen = REFUND_STATUSES.includes(params.get('status')) ? params.get('status') : '';
  const list = (page) => api('GET', '/v1/refunds', page);
  const section = await pagedList({
    key: `refunds:status=${chosen}`,
    label: 'refunds',
    id: 'refunds',
    load: chosen ? (page) => filteredPage(list, (refund) => refund.status === chosen, page) : list,
    render: (data) => table(COLUMNS, data, chosen ? `No ${chosen.replace(/_/g, ' ')} refunds or returns.` : 'No refunds or returns yet.', 'Refunds and returns'),
  });
  return {
    title: 'Refunds and returns',
    nodes: [el('h1', { tabindex: '-1' }, 'Refunds and returns'), statusFilter('#/refunds', REFUND_STATUSES, chosen), el('div', { class: 'card' }, section)],
  };
}

// refund id → the bank details link made in this tab, and the refund's next_action then. A
// link is spent once the customer gives their details, so it is shown only while the refund
// still waits as it did when the link was made (not once it is pending, nor waiting again).
const links = new Map();
const waitingAs = (refund) => JSON.stringify(refund.next_action ?? null);

export async function refundView(id) {
  const refund = await api('GET', `/v1/refunds/${id}`);
  const waiting = refund.status === 'requires_action';
  if (links.has(id) && !(waiting && links.get(id).since === waitingAs(refund))) links.delete(id);
  const link = links.get(id)?.link;
  return {
    title: refund.id,
    nodes: [
      el('p', {}, el('a', { href: '#/refunds' }, '← Refunds and returns')),
      el('h1', { tabindex: '-1' }, `${refundKind(refund)}: ${formatAmount(refund.amount, refund.currency)}`),
      el('div', { class: 'card' },
        details([
          ['ID', idText(refund.id)],
          ['Status', status(refund.status)],
          ['Created', time(refund.created)],
          refund.payment_intent ? ['Payment', idText(idOf(refund.payment_intent))] : null,
          refund.instructions_email ? ['Customer email', [refund.instructions_email, el('span', { class: 'muted' }, ' (not emailed: Cashbook sends no email)')]] : null,
          refund.next_action?.display_details?.expires_at ? ['Bank details due by', time(refund.next_action.display_details.expires_at)] : null,
          refund.reason ? ['Reason', refund.reason.replace(/_/g, ' ')] : null,
          refund.failure_reason ? ['Failure', refund.failure_reason.replace(/_/g, ' ')] : null,
        ]),
        waiting ? el('p', { class: 'muted' }, canAskForBankDetails(refund.currency)
          ? 'Waiting for the customer’s bank details. Cashbook sends no email: make a bank details link and send it to the customer yourself.'
          : `Waiting for the customer’s bank details, which Cashbook cannot ask for in ${refund.currency.toUpperCase()} (it sends no email, and makes bank details links only in the currencies its payment files pay out).`) : null,
        waiting ? el('div', { class: 'buttons-inline' },
          button(`Cancel ${refund.charge ? 'refund' : 'return'}…`, () => cancelRefund(refund), { 'data-key': `cancel-refund:${refund.id}` }),
          canAskForBankDetails(refund.currency) ? button(link ? 'Make another link' : 'Make a bank details link', () => run(async () => {
            try {
              links.set(id, { link: await api('POST', `/cashbook/v1/refunds/${id}/bank_details_link`), since: waitingAs(refund) });
            } finally {
              await rerender('bank-details-link'); // refused (the customer gave their details meanwhile): the page shows where the refund is now
            }
          }), { 'data-key': 'bank-details-link' }) : null) : null,
        refund.status === 'pending' ? el('p', { class: 'muted', id: 'refund-state' }, 'The customer has given their bank details: a payment file pays it out, and it succeeds once your bank statement shows the payment.') : null,
        link ? el('p', { class: 'link-out' }, 'Send the customer this link to give their bank details: ', el('a', { href: link.url, target: '_blank', rel: 'noopener', class: 'id' }, link.url)) : null,
        link ? el('p', { class: 'muted note' }, 'Every link made works until the customer gives their details through one of them.') : null),
      el('h2', {}, 'The refund object'),
      json(refund),
    ],
  };
}
