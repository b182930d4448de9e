// DOM building with textContent only, so no value from the API is ever parsed as HTML.
import { formatAmount } from './money.js';

export const $ = (selector, root = document) => root.querySelector(selector);

/** Builds an element: attributes (on* are listeners; false/null/undefined are left out), then children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false && child !== '') node.append(child instanceof Node ? child : String(child));
  return node;
}

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A Unix time in the user's time zone, with UTC on hover. */
export function time(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const date = new Date(seconds * 1000);
  const utc = `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  return el('time', { datetime: date.toISOString(), title: utc }, LOCAL.format(date));
}

const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar date as a bank gives it (`2026-12-01`, no time of day or zone): the same day wherever the user is. */
export function day(isoDate) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  // A file may give a day no calendar has (2026-13-45): shown as written, never a page that fails.
  if (Number.isNaN(date.getTime())) return el('span', {}, String(isoDate));
  return el('time', { datetime: isoDate }, DAY.format(date));
}

export const amount = (value, currency) => el('span', { class: `money ${value < 0 ? 'negative' : ''}` }, formatAmount(value, currency));
export const idText = (id) => (id ? el('span', { class: 'id' }, id) : '');
/** A UK sort code as it is written, 200000 as "20-00-00" (for display: what is sent stays as typed). */
export function sortCodeText(value) {
  const digits = String(value ?? '').replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits.replace(/(\d{2})(?=\d)/g, '$1-') : (value ?? '');
}
export const status = (value) => el('span', { class: `status status-${value}` }, String(value).replace(/_/g, ' '));
export const empty = (text) => el('p', { class: 'empty' }, text);
export const loading = () => el('p', { class: 'loading', role: 'status' }, 'Loading…');
export const idOf = (value) => (typeof value === 'string' ? value : (value?.id ?? null));

/**
 * A table that becomes a stack of cards on a phone (app.css): each cell carries its column's
 * label. `columns` are { label, cell(item), amount?, class? }; each row is tr[data-id].
 */
export function table(columns, items, emptyText, caption) {
  if (items.length === 0) return empty(emptyText);
  return el('table', { class: 'cards' },
    caption ? el('caption', { class: 'visually-hidden' }, caption) : null,
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col', class: column.amount ? 'amount' : null }, column.label)))),
    el('tbody', {}, items.map((item) => el('tr', { 'data-id': item.id },
      columns.map((column) => {
      const content = column.cell(item);
      const cell = el('td', { 'data-label': column.label, class: [column.amount ? 'amount' : '', column.class ?? ''].join(' ').trim() || null });
      if (content !== '' && content !== null && content !== undefined && !(Array.isArray(content) && content.length === 0)) cell.append(el('div', { class: 'cell' }, content));
      return cell;
    })))));
}

/** A description list of [label, value] pairs (a value may be a node). */
export function details(pairs) {
  return el('dl', { class: 'details' }, pairs.filter(Boolean).flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]));
}

/** An object as indented JSON, in a scrollable block. */
export const json = (value) => el('pre', { class: 'json', tabindex: '0' }, JSON.stringify(value, null, 2));

/** A labelled form control; `hint` is tied to it with aria-describedby. */
let hints = 0;
export function field(label, control, hint) {
  let hintNode = null;
  const labelNode = el('span', { class: 'label', id: `label-${++hints}` }, label);
  if (hint) {
    hintNode = el('span', { class: 'hint', id: `hint-${++hints}` }, hint);
    control.setAttribute('aria-describedby', hintNode.id);
    // The hint sits inside the <label> too: named by the label text alone, it is read once, as the description.
    control.setAttribute('aria-labelledby', labelNode.id);
  }
  return el('label', {}, labelNode, control, hintNode);
}

export function select(name, options, selected) {
  return el('select', { name }, options.map(([value, text]) => el('option', { value, selected: value === selected }, text)));
}

export const button = (text, onclick, attributes = {}) => el('button', { type: 'button', class: 'secondary', onclick, ...attributes }, text);
