// Entry point of the admin console page (/admin/): signs in with a token, shows the view the operator picked,
// pushed about once a second over the event-bus bridge, and runs actions after a confirmation. Logic lives in views.js and console.js.
import { el } from '../dom.js';
import { createApi } from './api.js';
import { openBridge } from './bridge.js';
import { createConsole } from './console.js';
import {
  AUDIT_COLUMNS, BUS_COLUMNS, BUS_NODE_COLUMNS, NODE_COLUMNS, PROVIDER_COLUMNS, SESSION_COLUMNS, auditRows, busNodeRows,
  busRates, busRows, cacheFacts, evictAction, nodeNames, nodeRows, providerRows, sessionRows, TAIL_COLUMNS, TAIL_STOP,
  tailRows, tailStartAction, tailSummary,
} from './views.js';

const STORAGE_KEY = 'ervc.admin.token';
const TITLES = { cluster: 'Cluster', providers: 'Providers', eventbus: 'Event bus', sessions: 'Sessions',
  cache: 'Cache', tail: 'Live tail', audit: 'Audit log' };

const $ = (id) => document.getElementById(id);
let console_ = null;
let lastBus = null;
let lastBusAt = 0;
let rendered = '';

function status(state, text) {
  $('status').dataset.state = state;
  $('status-text').textContent = text;
}

function showError(message) {
  $('error').replaceChildren(message ? el('p', 'error-title', message) : '');
}

/** A table of rows from views.js; each action button asks for confirmation before anything is sent. */
function table(columns, rows) {
  const head = el('tr');
  [...columns, ...(rows.some((r) => r.actions.length) ? ['Actions'] : [])].forEach((c) => head.append(el('th', null, c)));
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    tr.dataset.key = row.key;
    if (row.state) tr.dataset.state = row.state;
    row.cells.forEach((c) => tr.append(el('td', null, c)));
    if (row.actions.length) {
      const buttons = el('div', 'row-actions');
      for (const action of row.actions) {
        const button = el('button', null, action.label);
        button.type = 'button';
        button.dataset.action = action.label;
        button.addEventListener('click', () => confirmAndRun(action));
        buttons.append(button);
      }
      const cell = el('td');
      cell.append(buttons);
      tr.append(cell);
    }
    body.append(tr);
  }
  const t = el('table', 'grid');
  t.append(el('thead'), body);
  t.tHead.append(head);
  return t;
}

/** The action the open confirmation dialog is about; only confirmAndRun opens the dialog, and it sets this first. */
let confirming = null;

function confirmAndRun(action) {
  confirming = action;
  $('confirm-text').textContent = action.confirm;
  $('confirm-field').hidden = !action.input;
  if (action.input) {
    $('confirm-label').textContent = action.input.label;
    $('confirm-input').value = action.input.value;
  }
  $('confirm').showModal();
}

// The action runs on the Confirm button's submit, which comes with the click itself. (The dialog's close event comes
// later, as a task of its own: a confirmation opened before it arrived took that event for its own and was lost.)
$('confirm').querySelector('form').addEventListener('submit', async (event) => {
  const action = confirming;
  confirming = null;
  if (event.submitter?.value !== 'ok' || !action || !console_) return;
  const values = action.input ? { [action.input.name]: Number($('confirm-input').value) } : {};
  try {
    await console_.act(action, values);
    showError('');
  } catch (e) {
    showError(`${action.label} failed: ${e.message}`);
  }
});

function cacheView(cache) {
  const facts = el('dl', 'facts');
  for (const [label, value] of cacheFacts(cache)) facts.append(el('dt', null, label), el('dd', null, value));
  const form = el('form', 'evict');
  const field = el('div', 'field');
  const label = el('label', null, 'Evict: all, a cache key (64 hex digits), a provider (piper) or a voice (espeak/en-gb)');
  const input = el('input');
  input.id = 'evict-key';
  input.value = 'all';
  label.htmlFor = input.id;
  field.append(label, input);
  const button = el('button', null, 'Evict…');
  button.type = 'submit';
  button.id = 'evict-submit';
  form.append(field, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const action = evictAction(input.value);
    if (action) confirmAndRun(action);
    else showError('Evict takes "all", a cache key of 64 hex digits, a provider or provider/voice.');
  });
  return [facts, form];
}

/** The tail's controls: addresses to sample (from the catalogue), show text, start and stop; then the samples. */
function tailView(tail, bus) {
  const form = el('form', 'evict');
  const field = el('div', 'field');
  const label = el('label', null, 'Addresses');
  const select = el('select');
  select.id = 'tail-addresses';
  select.multiple = true;
  select.size = 6;
  for (const a of bus.addresses) {
    const opt = el('option', null, a.address);
    opt.value = a.address;
    select.append(opt);
  }
  label.htmlFor = select.id;
  field.append(label, select);
  const textLabel = el('label', null, ' Show text (audited)');
  const showText = el('input');
  showText.type = 'checkbox';
  showText.id = 'tail-show-text';
  textLabel.prepend(showText);
  const start = el('button', null, 'Start…');
  start.type = 'submit';
  const stop = el('button', null, 'Stop…');
  stop.type = 'button';
  stop.addEventListener('click', () => confirmAndRun(TAIL_STOP));
  form.append(field, textLabel, start, stop);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const action = tailStartAction([...select.selectedOptions].map((o) => o.value), showText.checked);
    if (action) confirmAndRun(action);
    else showError('Choose at least one address to tail.');
  });
  const names = Object.fromEntries(bus.nodes.map((n) => [n.node, n.name]));
  const summary = el('p', 'muted small', tailSummary(tail));
  summary.id = 'tail-summary';
  return [form, summary, table(TAIL_COLUMNS, tailRows(tail, names))];
}

function render(view, answers, at) {
  let parts;
  const names = answers['/nodes'] ? nodeNames(answers['/nodes']) : {};
  if (view === 'cluster') {
    parts = [table(NODE_COLUMNS, nodeRows(answers['/nodes']))];
  } else if (view === 'providers') {
    parts = [table(PROVIDER_COLUMNS, providerRows(answers['/providers'], names))];
  } else if (view === 'eventbus') {
    const bus = answers['/eventbus'];
    const rates = busRates(lastBus, bus, (at - lastBusAt) / 1000);
    lastBus = bus;
    lastBusAt = at;
    parts = [table(BUS_COLUMNS, busRows(bus, rates, Object.fromEntries(bus.nodes.map((n) => [n.node, n.name])))),
      el('h3', null, 'Per node'), table(BUS_NODE_COLUMNS, busNodeRows(bus))];
  } else if (view === 'sessions') {
    parts = [table(SESSION_COLUMNS, sessionRows(answers['/sessions'], names))];
  } else if (view === 'cache') {
    parts = cacheView(answers['/cache']);
  } else if (view === 'tail') {
    parts = tailView(answers['/tail'], answers['/eventbus']);
  } else {
    parts = [table(AUDIT_COLUMNS, auditRows(answers['/audit']))];
  }
  $('view-updated').textContent = `Updated ${new Date(at).toLocaleTimeString()}`;
  // Only a change is drawn: the cache and tail forms keep what the operator types, and buttons stay put. The
  // tail's form depends only on the catalogue, so its samples are drawn apart from it.
  const key = view + JSON.stringify(view === 'tail' ? answers['/eventbus'].addresses.map((a) => a.address) : answers);
  if (view === 'tail' && key === rendered) {
    const [, summary, samples] = parts;
    $('view-body').children[1].replaceWith(summary);
    $('view-body').children[2].replaceWith(samples);
    return;
  }
  if (key === rendered) return;
  rendered = key;
  $('view-title').textContent = TITLES[view];
  $('view-body').replaceChildren(...parts);
}

function signOut(message) {
  if (console_) console_.stop();
  console_ = null;
  sessionStorage.removeItem(STORAGE_KEY);
  $('view-body').replaceChildren();
  $('view').hidden = true;
  $('tabs').hidden = true;
  $('sign-in').hidden = false;
  $('sign-out').hidden = true;
  status('closed', 'Signed out');
  showError(message ?? '');
}

function signIn(token) {
  // A token kept from earlier in this tab may have signed in already: one console per page.
  if (console_) console_.stop();
  const api = createApi(token);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  console_ = createConsole({
    api,
    connect: (path, onProblem) => openBridge(`${scheme}//${location.host}${path}`, { onProblem }),
    onData: (view, answers, at) => {
      if ($('view').hidden) {
        sessionStorage.setItem(STORAGE_KEY, token);
        $('sign-in').hidden = true;
        $('tabs').hidden = false;
        $('view').hidden = false;
        $('sign-out').hidden = false;
      }
      status('open', 'Live');
      render(view, answers, at);
    },
    onRefused: (e) => signOut(`Refused (${e.status}): ${e.message}`),
    onError: (e) => {
      status('connecting', 'Retrying');
      showError(e.message);
    },
  });
  status('connecting', 'Signing in…');
  console_.start();
}

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  if (token) signIn(token);
});
$('sign-out').addEventListener('click', () => signOut());
for (const button of $('tabs').querySelectorAll('button')) {
  button.addEventListener('click', () => {
    for (const b of $('tabs').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === button));
    rendered = '';
    if (console_) console_.show(button.dataset.view);
  });
}

// A token handed over in the fragment (#token=…, never sent to the server) is taken once and removed from the URL.
const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
const handed = fragment.get('token');
if (handed) history.replaceState(null, '', location.pathname);
const kept = handed ?? sessionStorage.getItem(STORAGE_KEY);
if (kept) signIn(kept);
