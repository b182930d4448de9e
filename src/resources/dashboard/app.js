// Cashbook's dashboard: customers and their cash and credit balances, payments, refunds and
// returns, unmatched bank transfers, events and the account's settings, read and changed
// through the public API with the key the user gives. No framework and no build step: ES
// modules under ui/, the DOM built with textContent only (no value from the API is ever parsed
// as HTML).
import { api, dropKey, isLiveKey, key, saveKey } from './ui/api.js';
import { $, el, field, loading } from './ui/dom.js';
import { customerView } from './ui/customer.js';
import { customersView } from './ui/customers.js';
import { eventsView, eventView } from './ui/events.js';
import { forgetPlaces } from './ui/paged.js';
import { paymentsView } from './ui/payments.js';
import { refundsView, refundView } from './ui/refunds.js';
import { run, setRenderer, showError } from './ui/shell.js';
import { settingsView } from './ui/settings.js';
import { transfersView } from './ui/transfers.js';

const ROUTES = [
  [/^\/customers\/(cus_[A-Za-z0-9]+)$/, (match) => customerView(match[1]), '/customers'],
  [/^\/customers$/, (_match, params) => customersView(params), '/customers'],
  [/^\/payments$/, (_match, params) => paymentsView(params), '/payments'],
  [/^\/refunds\/((?:re|pyr)_[A-Za-z0-9]+)$/, (match) => refundView(match[1]), '/refunds'],
  [/^\/refunds$/, (_match, params) => refundsView(params), '/refunds'],
  [/^\/transfers$/, (_match, params) => transfersView(params), '/transfers'],
  [/^\/events\/(evt_[A-Za-z0-9]+)$/, (match) => eventView(match[1]), '/events'],
  [/^\/events$/, (_match, params) => eventsView(params), '/events'],
  [/^\/settings$/, () => settingsView(), '/settings'],
];

function signIn() {
  const input = el('input', { id: 'secret-key', name: 'key', type: 'password', autocomplete: 'off', placeholder: 'sk_test_…', required: true, size: 40 });
  return [
    el('h1', { tabindex: '-1' }, 'Sign in with a secret key'),
    el('p', { class: 'muted' }, 'The key is kept in this tab only and sent to this Cashbook server as a Bearer token.'),
    el('form', {
      class: 'card inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        run(async () => {
          saveKey(input.value.trim());
          forgetPlaces();
          try {
            await api('GET', '/v1/customers', { limit: 1 }); // fails with the server's message on a bad key
          } catch (error) {
            dropKey();
            throw error;
          }
          // After a key was dropped (refused, or forgotten) the page shown was that key's: start at the list.
          // A first sign-in keeps the address the tab was opened at.
          if (signedInBefore) history.replaceState(null, '', '#/customers');
          await render();
        });
      },
    }, field('Secret key', input), el('button', { type: 'submit' }, 'Open dashboard')),
  ];
}

/** Forget key: the key, and all else this tab kept (page sizes, places in lists); the next key starts at the customer list. */
function forgetKey() {
  sessionStorage.clear();
  forgetPlaces();
  history.replaceState(null, '', '#/customers');
  void render();
}

/** Counts renders, so that a slow view finishing after a newer one does not replace it. */
let renders = 0;
let shownPath = null;
/** Whether this tab has shown a page with a key since it loaded. */
let signedInBefore = false;

async function render() {
  const generation = ++renders;
  const signedIn = Boolean(key());
  $('#sign-out').hidden = !signedIn;
  $('#mode').hidden = !signedIn;
  $('nav').hidden = !signedIn;
  if (signedIn) $('#mode').textContent = isLiveKey() ? 'Live mode' : 'Test mode';
  if (signedIn) signedInBefore = true;
  const main = $('#main');
  if (!signedIn) {
    shownPath = null;
    document.title = 'Cashbook';
    main.replaceChildren(...signIn());
    return;
  }
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const [pattern, view, section] = ROUTES.find(([route]) => route.test(path)) ?? ROUTES[1];
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#${section}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const navigated = shownPath !== location.hash;
  if (navigated) main.replaceChildren(loading()); // a new page: say so while it loads
  main.setAttribute('aria-busy', 'true');
  try {
    const shown = await view(pattern.exec(path) ?? [], params);
    if (generation !== renders) return;
    main.replaceChildren(...shown.nodes.filter(Boolean));
    document.title = `${shown.title} · Cashbook`;
    if (navigated && shownPath !== null) $('h1', main)?.focus(); // keyboard and screen reader users start at the new heading
    shownPath = location.hash;
  } catch (error) {
    if (generation !== renders) return;
    if (navigated) main.replaceChildren(el('h1', { tabindex: '-1' }, 'Could not load this page'), el('p', { class: 'empty' }, error.message));
    shownPath = location.hash;
    if (error.status === 401) {
      dropKey();
      await render();
    }
    showError(error);
  } finally {
    if (generation === renders) main.removeAttribute('aria-busy');
  }
}

setRenderer(render);
$('#sign-out').addEventListener('click', forgetKey);
window.addEventListener('hashchange', () => void render());
void render();
