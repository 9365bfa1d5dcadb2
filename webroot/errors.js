// Errors: one list (read by tests through window.rvc.errors) and the dismissible banner at the top.

import { describeError } from './protocol.js';
import { el } from './dom.js';

const MAX_KEPT = 200;

/**
 * `box` is the banner element, `list` the array errors are appended to, `focusAfterDismiss` where the keyboard
 * goes when the banner is closed, `emit(name, detail)` the page event hook.
 */
export function createErrors({ box, list, focusAfterDismiss, emit }) {
  function dismiss(code = null) {
    if (code && box.dataset.code !== code) return;
    box.replaceChildren();
    delete box.dataset.code;
  }

  function render(err) {
    const close = el('button', 'error-dismiss', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss error');
    close.addEventListener('click', () => {
      dismiss();
      focusAfterDismiss();
    });
    const body = el('div', 'error-body');
    body.append(el('p', 'error-title', err.title));
    if (err.message && err.message !== err.title) body.append(el('p', 'error-detail', err.message));
    box.dataset.code = err.code;
    box.replaceChildren(body, close);
  }

  function report(code, message, { id = null, show = true } = {}) {
    const err = { code: code || 'internal', message: String(message || ''), at: Date.now(), id };
    err.title = describeError(err.code);
    list.push(err);
    if (list.length > MAX_KEPT) list.shift();
    if (show) render(err);
    console.warn(`[rvc] ${err.code}: ${err.message}`);
    emit('error', err);
    return err;
  }

  return { report, dismiss };
}
