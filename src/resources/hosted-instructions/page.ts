// The hosted bank-transfer instructions page: self-contained HTML, every value escaped.
import { createHash } from 'node:crypto';
import { formatAmount } from '../../core/money.ts';

// The page's only style, inline and allowed by its hash in the CSP (style-src 'sha256-…'), so
// no other inline style or style attribute can apply.
const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1f36;line-height:1.5}
h1{font-size:1.3rem}h2{font-size:1rem;margin-top:1.5rem}.amount{font-size:2rem;font-weight:600;margin:.2rem 0}
.reference code{font-size:1.4rem;letter-spacing:.1em;background:#f6f8fa;padding:.2rem .5rem;border-radius:4px}
table{border-collapse:collapse;width:100%}th{text-align:left;font-weight:500;color:#697386;padding:.3rem 1rem .3rem 0;width:40%}
td{padding:.3rem 0}.muted{color:#697386;font-size:.85rem;margin:0}.done{font-size:1.1rem}
`;

/** The page's Content-Security-Policy: nothing but its one hashed style; no scripts, frames or forms. */
export const INSTRUCTIONS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escape = (text: unknown): string =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);


const LABELS: Record<string, string> = {
  account_holder_name: 'Account holder', account_number: 'Account number', account_type: 'Account type', bank_code: 'Bank code',
  bank_name: 'Bank', bic: 'BIC', branch_code: 'Branch code', branch_name: 'Branch', clabe: 'CLABE', country: 'Country', iban: 'IBAN',
  routing_number: 'Routing number', sort_code: 'Sort code', swift_code: 'SWIFT code',
};

/** IBANs are read and typed in groups of four (ISO 13616's paper format). */
function groupIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

/** UK sort codes are written in pairs: 20-00-00. */
function shown(key: string, value: string): string {
  if (key === 'iban') return groupIban(value);
  return key === 'sort_code' && /^\d{6}$/.test(value) ? value.replace(/(\d{2})(?=\d)/g, '$1-') : value;
}

function addressTable(address: Record<string, unknown>): string {
  const type = String(address.type);
  const details = (address[type] ?? {}) as Record<string, unknown>;
  const rows = Object.entries(details)
    .filter(([key, value]) => typeof value === 'string' && LABELS[key])
    .map(([key, value]) => `<tr><th>${escape(LABELS[key])}</th><td><code>${escape(shown(key, value as string))}</code></td></tr>`)
    .join('');
  const networks = (address.supported_networks as string[] | undefined)?.join(', ') ?? '';
  return `<section><h2>${escape(type.replace(/_/g, ' ').toUpperCase())}</h2><p class="muted">Networks: ${escape(networks)}</p><table>${rows}</table></section>`;
}

export interface PageModel {
  status: string;
  merchant: string;
  amountRemaining: number | null;
  currency: string;
  reference: string | null;
  addresses: Record<string, unknown>[];
}

export function instructionsPage(model: PageModel): string {
  let body: string;
  if (model.status === 'succeeded') body = '<p class="done">This payment is complete. Thank you — no further transfer is needed.</p>';
  else if (model.status === 'canceled') body = '<p class="done">This payment was canceled. Do not send a transfer.</p>';
  else if (model.amountRemaining === null) body = '<p class="done">These instructions are no longer active.</p>';
  else {
    body = `<p>Send a bank transfer of</p><p class="amount">${escape(formatAmount(model.amountRemaining, model.currency))}</p>
${model.reference ? `<p>Quote this reference in the transfer so we can match it:</p><p class="reference"><code>${escape(model.reference)}</code></p>` : '<p>No reference is needed: the account number identifies you.</p>'}
<h2>Account details</h2>${model.addresses.map(addressTable).join('')}`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Bank transfer instructions — ${escape(model.merchant)}</title>
<style>${STYLE}</style></head><body><h1>Pay ${escape(model.merchant)} by bank transfer</h1>${body}</body></html>`;
}
