// Every payment of the account, newest first, filtered by status (through the search API,
// since a list cannot filter by status), with the same actions as on a customer's page.
import { api } from './api.js';
import { el, field, select } from './dom.js';
import { intentsTable } from './intents.js';
import { pagedList } from './paged.js';
import { navigate } from './shell.js';

export const INTENT_STATUSES = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'succeeded', 'canceled'];
const expand = { expand: ['data.latest_charge', 'data.customer.cash_balance'] }; // the cash balance: a payment is offered only a balance it could apply

/** A filter form whose choice lives in the page address (`#/view?status=…`), so Back works. */
export function statusFilter(path, statuses, chosen, label = 'Status') {
  const control = select('status', [['', 'All'], ...statuses.map((s) => [s, s.replace(/_/g, ' ')])], chosen);
  return el('form', {
    class: 'card inline-form filter',
    onsubmit: (event) => {
      event.preventDefault();
      navigate(control.value ? `${path}?status=${control.value}` : path);
    },
  }, field(label, control), el('button', { type: 'submit', class: 'secondary' }, 'Filter'));
}

export async function paymentsView(params) {
  const chosen = INTENT_STATUSES.includes(params.get('status')) ? params.get('status') : '';
  const list = chosen
    ? await pagedList({ key: `payments:status=${chosen}`, label: 'payments', kind: 'search', id: 'payments', load: (page) => api('GET', '/v1/payment_intents/search', { ...page, ...expand, query: `status:'${chosen}'` }), render: (data) => intentsTable(data, { withCustomer: true }) })
    : await pagedList({ key: 'payments:all', label: 'payments', id: 'payments', load: (page) => api('GET', '/v1/payment_intents', { ...page, ...expand }), render: (data) => intentsTable(data, { withCustomer: true }) });
  return {
    title: 'Payments',
    nodes: [el('h1', { tabindex: '-1' }, 'Payments'), statusFilter('#/payments', INTENT_STATUSES, chosen), el('div', { class: 'card' }, list)],
  };
}
