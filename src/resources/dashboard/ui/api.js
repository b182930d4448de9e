// The public API, called with the secret key the user gave (kept in this tab's sessionStorage
// and sent as a Bearer token, like any client). Parameters are form-encoded the Stripe way.

const KEY_STORAGE = 'cashbook.secret_key';

export const key = () => sessionStorage.getItem(KEY_STORAGE);
export const saveKey = (value) => sessionStorage.setItem(KEY_STORAGE, value);
export const dropKey = () => sessionStorage.removeItem(KEY_STORAGE);
export const isLiveKey = () => (key() ?? '').startsWith('sk_live_');

/** Stripe-style form encoding at any depth: `a[b][c]=…`, arrays as `a[0]=…`; empty values are left out. */
export function encode(params) {
  const form = new URLSearchParams();
  const add = (name, value) => {
    if (value === undefined || value === null || value === '') return;
    if (Array.isArray(value)) value.forEach((item, index) => add(`${name}[${index}]`, item));
    else if (typeof value === 'object') for (const [inner, item] of Object.entries(value)) add(`${name}[${inner}]`, item);
    else form.append(name, String(value));
  };
  for (const [name, value] of Object.entries(params)) add(name, value);
  return form.toString();
}

/** A refusal from the API: its HTTP status, and its error's message, code and param. */
export class ApiFailure extends Error {
  constructor(status, error) {
    super(error?.message ?? `The server answered HTTP ${status}.`);
    this.status = status;
    this.code = error?.code;
    this.param = error?.param;
  }
}

export async function api(method, path, params = {}) {
  const query = method === 'GET' ? encode(params) : '';
  const response = await fetch(query ? `${path}?${query}` : path, {
    method,
    headers: { authorization: `Bearer ${key()}`, ...(method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
    body: method === 'GET' ? undefined : encode(params),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiFailure(response.status, body.error);
  return body;
}
