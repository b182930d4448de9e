// The customer's bank-details page for a refund: a plain form (no script), every value
// escaped, one set of fields per transfer type.
import { createHash } from 'node:crypto';
import type { PayoutAccount } from '../../core/payout-account.ts';
import { formatAmount } from '../../core/money.ts';

const escape = (text: unknown): string =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const FIELDS: Record<PayoutAccount['type'], [name: string, label: string, hint: string][]> = {
  eu_bank_transfer: [['iban', 'IBAN', 'e.g. DE89 3704 0044 0532 0130 00']],
  gb_bank_transfer: [['sort_code', 'Sort code', '6 digits, e.g. 10-88-00'], ['account_number', 'Account number', '8 digits']],
  us_bank_transfer: [['routing_number', 'Routing number', '9 digits'], ['account_number', 'Account number', '4 to 17 digits']],
};

export interface DetailsPageModel {
  merchant: string;
  amount: number;
  currency: string;
  type: PayoutAccount['type'];
  /** What the customer typed, shown back after a mistake. */
  values?: Record<string, string>;
  error?: { field: string; message: string };
}

// The page's only style, inline and allowed by its hash in the CSP (style-src 'sha256-…'), so
// no other inline style or style attribute can apply.
const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1f36;line-height:1.5}
h1{font-size:1.3rem}.amount{font-size:2rem;font-weight:600;margin:.2rem 0}label{display:block;margin-top:1rem;font-weight:500}
input{box-sizing:border-box;width:100%;font-size:1rem;padding:.6rem;border:1px solid #c1c9d2;border-radius:6px;margin-top:.25rem}
input[aria-invalid=true]{border-color:#cd3d64}.hint{color:#697386;font-size:.85rem}.error{color:#cd3d64}
button{margin-top:1.5rem;width:100%;font-size:1rem;padding:.75rem;border:0;border-radius:6px;background:#635bff;color:#fff}
.done{font-size:1.1rem}
`;

/** The CSP source that allows exactly STYLE. */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function detailsForm(model: DetailsPageModel): string {
  const values = model.values ?? {};
  const field = (name: string, label: string, hint: string, autocomplete = 'off') => {
    const invalid = model.error?.field === name;
    return `<label for="${name}">${escape(label)}</label>
<input id="${name}" name="${name}" value="${escape(values[name] ?? '')}" autocomplete="${autocomplete}" required${invalid ? ` aria-invalid="true" aria-describedby="${name}-error"` : ` aria-describedby="${name}-hint"`}>
${invalid ? `<div class="error" id="${name}-error" role="alert">${escape(model.error!.message)}</div>` : `<div class="hint" id="${name}-hint">${escape(hint)}</div>`}`;
  };
  const body = `<h1>${escape(model.merchant)} is refunding you</h1>
<p class="amount">${escape(formatAmount(model.amount, model.currency))}</p>
<p>Enter the bank account the money should be sent to.</p>
<form method="post">
${field('account_holder_name', 'Account holder name', 'As the bank knows it', 'name')}
${FIELDS[model.type].map(([name, label, hint]) => field(name, label, hint)).join('\n')}
<button type="submit">Send my refund to this account</button>
</form>`;
  return layout(`Your refund from ${model.merchant}`, body);
}

export function detailsMessage(merchant: string, message: string): string {
  return layout(`Your refund from ${merchant}`, `<h1>Your refund from ${escape(merchant)}</h1><p class="done">${escape(message)}</p>`);
}
