// The customer list: searchable (a cus_ id directly, a test clock's id through the list's
// test_clock filter, an email or anything else through the search API, which finds customers
// on test clocks too, as the list leaves them out), with names, balances and paging.
import { api, isLiveKey } from './api.js';
import { amount, el, empty, field, idText, table, time } from './dom.js';
import { pagedList } from './paged.js';
import { navigate, submitOnce } from './shell.js';

const quote = (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The search query for customers with this email (exact, ignoring case, as Stripe's search matches). */
export const emailQuery = (email) => `email:${quote(email)}`;

/**
 * What the search box asks for: { email } for an address, { id } for a customer id,
 * { clock } for a test clock's id, else
 * { query } in Stripe's search language: `key=value` is a metadata search, text with `:` or
 * `~` is taken as a query as typed, and other text matches names and emails (a substring
 * from three characters on, exactly below that).
 */
export function searchFor(text) {
  const typed = text.trim();
  if (typed === '') return {};
  if (/^cus_[A-Za-z0-9]+$/.test(typed)) return { id: typed };
  if (/^clock_[A-Za-z0-9]+$/.test(typed)) return { clock: typed };
  if (/^[^\s@'"]+@[^\s@'"]+$/.test(typed)) return { email: typed };
  if (/(^|\s)-?[a-z_]+(\[[^\]]*\])?\s*(:|~|>|<)/.test(typed)) return { query: typed };
  const metadata = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(typed);
  if (metadata) return { query: `metadata[${quote(metadata[1])}]:${quote(metadata[2].trim())}` };
  const op = typed.length >= 3 ? '~' : ':';
  return { query: `name${op}${quote(typed)} OR email${op}${quote(typed)}` };
}

/** The credit balance in every currency it is kept in (`balance` is only its default currency's), leaving out zeros. */
export function creditBalances(customer) {
  const totals = Object.entries(customer.invoice_credit_balance ?? {}).filter(([, value]) => value !== 0);
  if (totals.length === 0 && customer.currency && customer.balance) totals.push([customer.currency, customer.balance]);
  return totals;
}

const COLUMNS = [
  { label: 'Customer', cell: (customer) => [el('a', { href: `#/customers/${customer.id}` }, customer.name ?? customer.email ?? customer.id), el('div', {}, idText(customer.id))] },
  { label: 'Email', cell: (customer) => customer.email ?? '' },
  { label: 'Cash balance', amount: true, cell: (customer) => Object.entries(customer.cash_balance?.available ?? {}).map(([currency, value]) => el('div', {}, amount(value, currency))) },
  { label: 'Credit balance', amount: true, cell: (customer) => creditBalances(customer).map(([currency, value]) => el('div', {}, amount(value, currency))) },
  { label: 'Created', cell: (customer) => time(customer.created) },
];
const customersTable = (data, emptyText) => table(COLUMNS, data, emptyText, 'Customers');

export async function customersView(params) {
  const text = params.get('q') ?? '';
  const wanted = searchFor(text);
  const expand = { expand: ['data.cash_balance', 'data.invoice_credit_balance'] };
  let list;
  if (wanted.id) {
    const found = await api('GET', `/v1/customers/${wanted.id}`, { expand: ['cash_balance', 'invoice_credit_balance'] }).catch((error) => {
      if (error.status === 404) return null;
      throw error;
    });
    list = el('div', { class: 'paged' }, found ? customersTable([found]) : empty(`No customer ${wanted.id}.`));
  } else if (wanted.query || wanted.email) {
    const query = wanted.query ?? emailQuery(wanted.email);
    list = await pagedList({ key: `customers:search:${query}`, label: 'customers', kind: 'search', load: (page) => api('GET', '/v1/customers/search', { ...page, ...expand, query }), render: (data) => customersTable(data, wanted.email ? `No customer has the email ${wanted.email}.` : 'No customers match.') });
  } else {
    list = await pagedList({ key: `customers:clock=${wanted.clock ?? ''}`, label: 'customers', load: (page) => api('GET', '/v1/customers', { ...page, ...expand, test_clock: wanted.clock }), render: (data) => customersTable(data, wanted.clock ? `No customer is on test clock ${wanted.clock}.` : 'No customers yet.') });
  }
  // The list leaves out customers on test clocks (as Stripe's does); only test mode has them.
  const clockNote = !wanted.id && !wanted.query && !wanted.email && !wanted.clock && !isLiveKey()
    ? el('p', { class: 'muted note', id: 'test-clock-note' }, 'Customers on test clocks are not listed here (as at Stripe): a search finds them, or search for a test clock’s id (clock_…) to list its customers.')
    : null;

  const search = el('input', { name: 'q', type: 'search', value: text, autocomplete: 'off', placeholder: "ada@example.com, Ada, cus_…, plan=gold or name:'Ada'" });
  const email = el('input', { name: 'email', type: 'email', autocomplete: 'off', placeholder: 'ada@example.com' });
  const name = el('input', { name: 'name', autocomplete: 'off', placeholder: 'Ada Lovelace' });
  return {
    title: 'Customers',
    nodes: [
      el('h1', { tabindex: '-1' }, 'Customers'),
      el('form', {
        class: 'card inline-form',
        role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          const q = search.value.trim();
          navigate(q ? `#/customers?q=${encodeURIComponent(q)}` : '#/customers');
        },
      }, field('Search customers', search, 'An email, a name, a customer id, a test clock id, key=value for metadata, or a search query.'),
      el('button', { type: 'submit' }, 'Search'),
      text ? el('a', { href: '#/customers', class: 'link-button' }, 'Clear search') : null),
      wanted.query ? el('p', { class: 'muted' }, 'Search query: ', el('code', {}, wanted.query)) : null,
      el('div', { class: 'card', id: 'customers' }, list, clockNote),
      el('h2', {}, 'New customer'),
      el('form', {
        class: 'card inline-form',
        onsubmit: submitOnce(async () => {
          const customer = await api('POST', '/v1/customers', { email: email.value.trim(), name: name.value.trim() });
          navigate(`#/customers/${customer.id}`);
        }),
      }, field('Email', email), field('Name', name), el('button', { type: 'submit' }, 'New customer')),
    ],
  };
}

