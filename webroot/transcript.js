// The conversation's DOM: one list entry per request (the user's text and the reply with its spoken sentences,
// status, numbers and buttons). Each function takes a reply record `r` (replies.js owns the records) and keeps
// that entry's elements in `r.el`; nothing else touches them.

import { el } from './dom.js';
import { STATUS_TEXT } from './metrics-panel.js';

/** The view of the conversation list `list`; `empty` is the "nothing spoken yet" line. */
export function createTranscript({ list, empty }) {
  return {
    addEntry: (r, replayEnabled) => addEntry(r, list, empty, replayEnabled),
    showStatus,
    addSentence,
    showHighlight,
    clearHighlight,
    markAllSpoken,
    updateDownload,
    setReplayEnabled,
    offerDownload,
    removeEntry,
  };
}

/** Appends the entry of reply `r` to `list` and brings it into view. */
function addEntry(r, list, empty, replayEnabled) {
  const li = el('li', 'message');
  const userId = `msg-${r.id}`;

  const user = el('div', 'user');
  user.id = userId;
  user.append(el('span', 'who', r.replayOf ? 'You (replay)' : 'You'), el('p', 'user-text', r.text));

  const reply = el('article', 'reply');
  reply.dataset.id = r.id;
  reply.dataset.status = 'sending';
  reply.setAttribute('aria-describedby', userId);
  const head = el('div', 'reply-head');
  const status = el('span', 'reply-status', STATUS_TEXT.sending);
  head.append(el('span', 'who', 'Reply'), status);
  const text = el('p', 'reply-text');
  text.append(el('span', 'muted', '…'));
  const numbers = el('dl', 'reply-numbers');
  const actions = el('div', 'reply-actions');
  const replay = button('replay', 'Replay', userId, !replayEnabled);
  const download = button('download', 'Download WAV', userId, true);
  actions.append(replay, download);
  reply.append(head, text, numbers, actions);

  li.append(user, reply);
  r.el = { li, reply, status, text, numbers, replay, download };
  list.append(li);
  empty.hidden = true;
  li.scrollIntoView({ block: 'nearest' });
}

function button(className, label, describedBy, disabled) {
  const b = el('button', className, label);
  b.type = 'button';
  b.setAttribute('aria-describedby', describedBy);
  b.disabled = disabled;
  return b;
}

function showStatus(r, status, detail = '') {
  const text = STATUS_TEXT[status] || status;
  r.el.reply.dataset.status = status;
  r.el.status.textContent = detail ? `${text}: ${detail}` : text;
}

/** Adds sentence `s` of reply `r` as a span (the first one replaces the "…" placeholder). */
function addSentence(r, s) {
  s.span = el('span', 'sentence', s.text);
  s.span.dataset.index = String(s.index);
  if (r.sentences.length === 1) r.el.text.replaceChildren();
  else r.el.text.append(' ');
  r.el.text.append(s.span);
}

/** Marks the sentence being heard (`idx`) and the ones before it as spoken. */
function showHighlight(r, idx) {
  r.sentences.forEach((s, i) => {
    const current = i === idx && !r.playDone;
    s.span.classList.toggle('current', current);
    s.span.classList.toggle('spoken', i < idx);
    if (current) s.span.setAttribute('aria-current', 'true');
    else s.span.removeAttribute('aria-current');
  });
}

function clearHighlight(r) {
  for (const s of r.sentences) {
    s.span.classList.remove('current');
    s.span.removeAttribute('aria-current');
  }
}

function markAllSpoken(r) {
  for (const s of r.sentences) s.span.classList.add('spoken');
}

function updateDownload(r) {
  r.el.download.disabled = !(r.pcm.length > 0 && (r.serverDone || r.stopped));
}

function setReplayEnabled(r, enabled) {
  r.el.replay.disabled = !enabled;
}

/** Hands the reply's audio to the browser as a WAV download. */
function offerDownload(r, wav) {
  if (r.wavUrl) URL.revokeObjectURL(r.wavUrl);
  r.wavUrl = URL.createObjectURL(new Blob([wav], { type: 'audio/wav' }));
  r.el.download.dataset.href = r.wavUrl;
  const a = el('a');
  a.href = r.wavUrl;
  a.download = `reply-${r.id}.wav`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

function removeEntry(r) {
  if (r.wavUrl) URL.revokeObjectURL(r.wavUrl);
  r.el.li.remove();
}
