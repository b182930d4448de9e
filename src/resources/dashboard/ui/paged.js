// A list with paging in both directions and a page size the user picks. Lists page with
// Stripe's cursors (starting_after for older, ending_before for newer); search results page
// forward with next_page, and back through the pages already seen. Each list's place is kept
// for the tab under its key, so the view re-rendered after an action shows the same page.
import { ApiFailure } from './api.js';
import { el } from './dom.js';
import { run } from './shell.js';

export const PAGE_SIZES = [10, 25, 50, 100];
const SIZE_STORAGE = 'cashbook.page_size';
const places = new Map();

const preferredSize = () => {
  const stored = Number(sessionStorage.getItem(SIZE_STORAGE));
  return PAGE_SIZES.includes(stored) ? stored : 10;
};
const firstPlace = (size) => ({ size, direction: null, cursor: null, tokens: [null], page: 1 });

/** Forgets where the lists are (a new key signs in). */
export const forgetPlaces = () => places.clear();

/**
 * @param {object} options
 * @param {string} options.key where this list is kept ("payments:cus_123:status=open")
 * @param {string} options.label what it lists, plural ("payments"): names the pager's buttons
 * @param {'list' | 'search'} [options.kind]
 * @param {(params: object) => Promise<{ data: any[], has_more: boolean, next_page?: string, first?: string, last?: string, note?: string }>} options.load
 *   one page; `first` / `last` (newest / oldest id looked at) replace the shown ids as cursors when the page was filtered
 * @param {(items: any[]) => Node} options.render
 * @param {string} [options.id] the element's id
 * @returns {Promise<HTMLElement>} once the first page is shown
 */
export async function pagedList({ key, label, kind = 'list', load, render, id }) {
  const place = places.get(key) ?? firstPlace(preferredSize());
  places.set(key, place);
  const body = el('div', { class: 'paged-body' });
  const section = el('div', { class: 'paged', id, 'data-list': key });

  async function fetchPage() {
    const params = { limit: place.size };
    if (kind === 'search') {
      if (place.tokens[place.page - 1]) params.page = place.tokens[place.page - 1];
    } else if (place.direction === 'after') params.starting_after = place.cursor;
    else if (place.direction === 'before') params.ending_before = place.cursor;
    try {
      const page = await load(params);
      // Paging back reached the newest: start at the top (this also renumbers the pages).
      if (kind === 'list' && place.direction === 'before' && (page.data.length === 0 || !page.has_more)) {
        if (page.data.length === 0 || page.data.length < place.size) return restart();
        place.page = 1;
        place.direction = null;
        place.cursor = null;
        return { ...page, has_more: true, fromTop: true };
      }
      return page;
    } catch (error) {
      // The cursor's object is gone (deleted, or another key's): start again at the top.
      if (error instanceof ApiFailure && error.status === 404 && ['starting_after', 'ending_before', 'page'].includes(error.param)) return restart();
      if (error instanceof ApiFailure && error.param === 'page') return restart();
      throw error;
    }
  }
  async function restart() {
    Object.assign(place, firstPlace(place.size));
    return load({ limit: place.size });
  }

  function pager(page) {
    let newer;
    let older;
    if (kind === 'search') {
      newer = place.page > 1;
      older = Boolean(page.has_more && page.next_page);
    } else if (page.fromTop) {
      newer = false;
      older = true;
    } else {
      newer = place.direction === 'after' || (place.direction === 'before' && page.has_more);
      older = place.direction === 'before' || page.has_more;
    }
    const newest = page.first ?? page.data[0]?.id;
    const oldest = page.last ?? page.data.at(-1)?.id;
    if (!newest && kind === 'list') older = false; // a search pages on by next_page, even past an empty stretch
    // After paging, focus stays on the pager (on the same button while it can go on).
    const go = (change) => (event) => {
      const focused = event.currentTarget.getAttribute('data-key');
      return run(async () => {
        change();
        await show();
        const same = section.querySelector(`button[data-key="${CSS.escape(focused)}"]`);
        (same && !same.disabled ? same : section.querySelector('.pager button:not([disabled])'))?.focus();
      });
    };
    const toNewer = go(() => {
      place.page = Math.max(1, place.page - 1);
      if (kind === 'search') return;
      if (place.page === 1 || !newest) Object.assign(place, firstPlace(place.size));
      else Object.assign(place, { direction: 'before', cursor: newest });
    });
    const toOlder = go(() => {
      place.page += 1;
      if (kind === 'search') place.tokens[place.page - 1] = page.next_page;
      else Object.assign(place, { direction: 'after', cursor: oldest });
    });
    const size = el('select', {
      name: 'page_size',
      'aria-label': `${label} per page`,
      onchange: (event) => run(async () => {
        const chosen = Number(event.target.value);
        sessionStorage.setItem(SIZE_STORAGE, String(chosen));
        Object.assign(place, firstPlace(chosen));
        await show();
        section.querySelector('select[name=page_size]')?.focus();
      }),
    }, PAGE_SIZES.map((n) => el('option', { value: n, selected: n === place.size }, `${n} per page`)));
    if (!newer && !older) {
      // One page: only the size choice (and nothing at all for an empty list).
      return page.data.length === 0 ? null : el('div', { class: 'pager' }, size);
    }
    return el('nav', { class: 'pager', 'aria-label': `${label}: pages` },
      el('button', { type: 'button', class: 'secondary', disabled: !newer, 'data-key': `${key}:newer`, 'aria-label': `Newer ${label}`, onclick: toNewer }, '← Newer'),
      el('span', { class: 'page-number' }, `Page ${place.page}`),
      el('button', { type: 'button', class: 'secondary', disabled: !older, 'data-key': `${key}:older`, 'aria-label': `Older ${label}`, onclick: toOlder }, 'Older →'),
      size);
  }

  // Said in words while a page loads (the shown page stays, dimmed, until the next one is in).
  const busy = el('p', { class: 'loading', role: 'status', hidden: true });
  async function show() {
    section.setAttribute('aria-busy', 'true');
    busy.textContent = `Loading ${label}…`;
    busy.hidden = false;
    try {
      const page = await fetchPage();
      // A search reads at most 1,000 rows a request: an empty page with a next_page is a
      // stretch without matches, not the end of the results.
      const stretch = kind === 'search' && page.data.length === 0 && page.has_more && page.next_page;
      const shown = stretch ? el('p', { class: 'empty stretch' }, 'No matches in this stretch; look further with Older →.') : render(page.data);
      body.replaceChildren(...[shown, page.note ? el('p', { class: 'muted note' }, page.note) : null, pager(page)].filter(Boolean));
    } finally {
      section.removeAttribute('aria-busy');
      busy.hidden = true;
      busy.textContent = '';
    }
  }

  section.append(busy, body);
  await show();
  return section;
}

/**
 * One page of a list filtered in the browser (for a filter the API lacks): reads up to
 * `reads` pages of 100 from the cursor until `size` items match, and returns the ids of the
 * newest and oldest items looked at as the cursors to carry on from.
 */
export async function filteredPage(fetchList, keep, params, reads = 5) {
  const backward = params.ending_before !== undefined;
  let cursor = backward ? params.ending_before : params.starting_after;
  const kept = [];
  const looked = [];
  let more = true;
  for (let read = 0; read < reads && more && kept.length < params.limit; read++) {
    const page = await fetchList({ limit: 100, ...(cursor ? { [backward ? 'ending_before' : 'starting_after']: cursor } : {}) });
    const items = backward ? [...page.data].reverse() : page.data; // nearest the cursor first
    let index = 0;
    for (; index < items.length && kept.length < params.limit; index++) {
      looked.push(items[index]);
      cursor = items[index].id;
      if (keep(items[index])) kept.push(items[index]);
    }
    more = page.has_more || index < items.length;
  }
  if (backward) {
    kept.reverse();
    looked.reverse();
  }
  return {
    data: kept,
    has_more: more,
    first: looked[0]?.id,
    last: looked.at(-1)?.id,
    note: more && kept.length < params.limit ? `Filtered in the browser: ${looked.length} looked at so far; page on for more.` : undefined,
  };
}
