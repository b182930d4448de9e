// One modal dialog per action: the form, then (for anything that moves money) a review step
// that shows back exactly what will be sent, then the API call. A refusal is shown in the
// dialog with the API's own message and the form comes back as it was typed; a success
// closes it (or shows its outcome first) and re-renders the view. Esc or Cancel leave
// without sending anything.
import { ApiFailure, dropKey } from './api.js';
import { details, el } from './dom.js';
import { rerender } from './shell.js';

let dialogs = 0;

/**
 * @param {object} options
 * @param {string} options.title
 * @param {Node[]} [options.fields] labelled controls; without any, the dialog opens at the review step
 * @param {Node[]} [options.intro] shown above the fields
 * @param {() => ({ lines: [string, any][], confirm: string } | Promise<…>)} options.review what will be sent (throws an Error for bad input)
 * @param {() => Promise<any>} options.send the API call
 * @param {(result: any) => Node[] | null} [options.outcome] what happened, shown before closing
 * @param {string} [options.focusKey] the data-key of the control to focus after the re-render
 * @param {string} [options.dismissLabel] the button that leaves a dialog without a form ("Cancel"; a dialog that cancels something says "Keep …")
 */
export function openAction(options) {
  const id = ++dialogs;
  const error = el('p', { class: 'dialog-error', role: 'alert', hidden: true });
  const step = el('div', { class: 'step' });
  const dialog = el('dialog', { class: 'action', 'aria-labelledby': `dialog-title-${id}` }, el('h2', { id: `dialog-title-${id}` }, options.title), error, step);
  const focusKey = options.focusKey ?? document.activeElement?.getAttribute('data-key');
  let sent = false;
  let sending = false;

  const setError = (message) => {
    error.textContent = message ?? '';
    error.hidden = !message;
  };
  const close = () => dialog.close();
  const form = options.fields?.length
    ? el('form', { class: 'dialog-form', novalidate: true, onsubmit: (event) => { event.preventDefault(); void toReview(); } },
        options.intro ?? null,
        el('div', { class: 'fields' }, options.fields),
        el('div', { class: 'buttons' }, el('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'), el('button', { type: 'submit' }, options.submitLabel ?? 'Review')))
    : null;

  function showForm(focusName) {
    step.replaceChildren(form);
    const target = (focusName && form.querySelector(`[name="${CSS.escape(focusName)}"]`)) || form.querySelector('input:not([type=hidden]):not([disabled]), select, textarea');
    target?.focus();
  }

  async function toReview() {
    setError(null);
    let review;
    try {
      review = await options.review();
    } catch (problem) {
      setError(problem.message);
      if (form) showForm();
      return;
    }
    const confirm = el('button', { type: 'button', class: 'confirm', onclick: () => void send(confirm) }, review.confirm);
    step.replaceChildren(
      el('p', { class: 'review-intro' }, 'Check, then confirm:'),
      details(review.lines),
      el('div', { class: 'buttons' },
        el('button', { type: 'button', class: 'secondary', onclick: () => (form ? (setError(null), showForm()) : close()) }, form ? 'Back' : (options.dismissLabel ?? 'Cancel')),
        confirm));
    confirm.focus();
  }

  async function send(confirm) {
    if (sending) return;
    sending = true;
    confirm.disabled = true;
    dialog.setAttribute('aria-busy', 'true');
    try {
      const result = await options.send();
      sent = true;
      const shown = options.outcome?.(result);
      if (!shown) return close();
      const done = el('button', { type: 'button', onclick: close }, 'Done');
      step.replaceChildren(el('div', { class: 'outcome', role: 'status' }, shown), el('div', { class: 'buttons' }, done));
      done.focus();
    } catch (problem) {
      if (problem instanceof ApiFailure && problem.status === 401) {
        dropKey();
        sent = true; // re-render: the sign-in form comes back
        return close();
      }
      setError(problem.message);
      if (form) showForm(problem.param);
      else confirm.disabled = false;
    } finally {
      sending = false;
      dialog.removeAttribute('aria-busy');
    }
  }

  // A link in the dialog (an outcome's "See refund …") leaves it for the page it names.
  dialog.addEventListener('click', (event) => {
    if (event.target.closest?.('a[href^="#"]') && !sending) close();
  });
  dialog.addEventListener('cancel', (event) => {
    if (sending) event.preventDefault(); // the request is under way: wait for its answer
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (sent) void rerender(focusKey);
  });
  document.body.append(dialog);
  dialog.showModal();
  if (form) showForm();
  else void toReview();
}
