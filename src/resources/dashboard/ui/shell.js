// What every view shares: the error banner, running an action, and re-rendering the current
// view afterwards (keeping keyboard focus where it was, by each control's data-key).
import { ApiFailure, dropKey } from './api.js';
import { $ } from './dom.js';

let renderer = async () => {};
export const setRenderer = (render) => (renderer = render);

let errorTimer;
export function showError(error) {
  const box = $('#error');
  box.textContent = error.message;
  box.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => (box.hidden = true), 10000);
}
export const hideError = () => ($('#error').hidden = true);

/** Marks the page busy (aria-busy on <html>) while any action is under way. */
let working = 0;
function setWorking(delta) {
  working += delta;
  if (working > 0) document.documentElement.setAttribute('aria-busy', 'true');
  else document.documentElement.removeAttribute('aria-busy');
}

/** Runs an action from a button or form; a failure is shown, and a 401 asks for the key again. */
export async function run(action) {
  hideError(); // a new action: the last one's error no longer applies
  setWorking(1);
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      dropKey();
      await renderer();
    }
    showError(error);
  } finally {
    setWorking(-1);
  }
}

/**
 * A form's submit handler that runs `action` once at a time: while it is under way the form's
 * submit buttons are disabled and another submit (a double click, Enter twice) does nothing,
 * so one click is one request.
 */
export function submitOnce(action) {
  return (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (form.dataset.busy) return;
    form.dataset.busy = '1';
    const buttons = [...form.querySelectorAll('button[type=submit]')];
    const focused = document.activeElement;
    for (const button of buttons) button.disabled = true;
    void run(action).finally(() => {
      delete form.dataset.busy;
      for (const button of buttons) button.disabled = false;
      // A disabled button drops focus to <body>: when the form is still shown (a refusal, no rerender), it goes back.
      if (buttons.includes(focused) && focused.isConnected && (document.activeElement === document.body || !document.activeElement)) focused.focus();
    });
  };
}

/** Renders the current view again (after an action), then puts focus back on the same control if it is still there. */
export async function rerender(focusKey = document.activeElement?.getAttribute('data-key')) {
  await renderer();
  const target = focusKey && document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
  if (target && !target.disabled) target.focus();
  else if (focusKey) document.querySelector('main h1')?.focus();
}

/** Goes to another view (or the same one again); the page counts as busy until it has rendered. */
export function navigate(hash) {
  if (location.hash === hash) return void renderer();
  document.querySelector('#main').setAttribute('aria-busy', 'true');
  location.hash = hash;
}
