// Events, newest first, filtered by type (an event type, or a prefix like `customer.*`), each
// opened on its own page with the whole object as JSON.
import { api } from './api.js';
import { details, el, field, idText, json, table, time } from './dom.js';
import { pagedList } from './paged.js';
import { navigate } from './shell.js';

const KNOWN_TYPES = [
  'customer.created', 'customer.updated', 'customer.deleted', 'customer.*',
  'customer_cash_balance_transaction.created', 'cash_balance.funds_available',
  'payment_intent.created', 'payment_intent.requires_action', 'payment_intent.partially_funded', 'payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled', 'payment_intent.*',
  'charge.succeeded', 'charge.refunded', 'charge.refund.updated', 'charge.*',
  'refund.created', 'refund.updated', 'refund.*',
  'invoice.created', 'invoice.updated', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'invoice.voided', 'invoice.deleted', 'invoice.*',
  'test_helpers.test_clock.created', 'test_helpers.test_clock.advancing', 'test_helpers.test_clock.ready', 'test_helpers.test_clock.deleted',
];

const COLUMNS = [
  { label: 'When', cell: (event) => time(event.created) },
  { label: 'Type', class: 'type', cell: (event) => event.type },
  { label: 'Object', cell: (event) => idText(event.data?.object?.id ?? '') },
  { label: 'Event', cell: (event) => el('a', { href: `#/events/${event.id}`, class: 'id', 'aria-label': `Event ${event.id} (${event.type})` }, event.id) },
];

export async function eventsView(params) {
  const type = (params.get('type') ?? '').trim();
  const list = await pagedList({
    key: `events:type=${type}`,
    label: 'events',
    id: 'events',
    load: (page) => api('GET', '/v1/events', { ...page, type: type || undefined }),
    render: (data) => table(COLUMNS, data, type ? `No ${type} events.` : 'No events yet.', 'Events'),
  });
  const input = el('input', { name: 'type', list: 'event-types', value: type, autocomplete: 'off', placeholder: 'payment_intent.succeeded or refund.*' });
  return {
    title: 'Events',
    nodes: [
      el('h1', { tabindex: '-1' }, 'Events'),
      el('form', {
        class: 'card inline-form filter',
        onsubmit: (event) => {
          event.preventDefault();
          const chosen = input.value.trim();
          navigate(chosen ? `#/events?type=${encodeURIComponent(chosen)}` : '#/events');
        },
      }, field('Event type', input, 'An event type, or a prefix ending in .* — empty for all.'),
      el('datalist', { id: 'event-types' }, KNOWN_TYPES.map((known) => el('option', { value: known }))),
      el('button', { type: 'submit', class: 'secondary' }, 'Filter'),
      type ? el('a', { href: '#/events', class: 'link-button' }, 'All events') : null),
      el('div', { class: 'card' }, list),
    ],
  };
}

export async function eventView(id) {
  const event = await api('GET', `/v1/events/${id}`);
  return {
    title: event.type,
    nodes: [
      el('p', {}, el('a', { href: '#/events' }, '← Events')),
      el('h1', { tabindex: '-1' }, event.type),
      el('div', { class: 'card' }, details([
        ['Event', idText(event.id)],
        ['When', time(event.created)],
        ['Object', idText(event.data?.object?.id ?? '')],
        event.data?.previous_attributes ? ['Changed', Object.keys(event.data.previous_attributes).join(', ')] : null,
      ])),
      el('h2', {}, 'The event'),
      json(event),
    ],
  };
}
