// The Voices section: the caller's voice profiles (rename, register at a cloning vendor or again after a failure,
// add and remove recordings, delete = withdraw consent) and a form that makes a new one from recordings made here
// (consent statement on screen, live level meter, WAV made in the page) or uploaded files, with the quality report
// of every file. Hidden entirely while the server has cloning off (the API answers 404). API: voices-api.js;
// recording: record-control.js; a stored voice's recordings: profile-clips.js.

import { el, option } from './dom.js';
import { createClipPanel } from './profile-clips.js';
import { registrationChanges, registrationStatus } from './profile-view.js';
import { renderReports } from './quality-report.js';
import { createRecordControl } from './record-control.js';
import {
  CLONING_VENDORS, NEEDS_CONSENT_RECORDING, PROFILE_LANGUAGES, ProfileApiError, uploadReports,
} from './voices-api.js';

const STATEMENT_DEBOUNCE_MS = 300;
const PENDING_POLL_MS = 3000;

/**
 * `ui` holds the section's elements (see index.html, ids `voices`, `profile-*`, `consent-*`, `record*`, `clip-*`,
 * `quality-report`, `confirm-*`); `api` the voice-profile client; `catalog()` the known `{providers, voices}`;
 * `onProfiles(list)` hands the profiles to the voice picker (an empty list while cloning is off);
 * `isEnabled()` is whether the server has cloning on (the session's `ready`; null until known).
 */
export function createVoices({ ui, api, catalog, onProfiles, isEnabled, clock = globalThis }) {
  let profiles = [];
  let clips = [];            // {id, blob, fileName, seconds, url, recorded}
  let consentClipId = null;  // the clip sent as the consent recording (azure, openai)
  let statement = '';
  let statementTimer = null;
  let pollTimer = null;
  let nextClip = 1;
  let pendingConfirm = null; // the action the confirmation dialog runs on OK
  const panels = new Map();  // profile id → its recordings panel (profile-clips.js), kept across re-renders

  function say(text, kind = 'info') {
    ui.message.textContent = text;
    ui.message.dataset.kind = kind;
  }

  // ---- the profiles ----

  async function load() {
    if (isEnabled() !== true) {
      // Cloning off (the session's `ready` says so): no request that would fail, no section, no profiles.
      if (isEnabled() === false) finishLoad(null);
      return;
    }
    let list;
    try {
      list = await api.list();
    } catch (err) {
      if (!ui.section.hidden) say(`Could not load your voices: ${err.message}`, 'bad');
      return;
    }
    finishLoad(list);
  }

  /** Shows `list` (null: cloning is off after all, the API answered 404). */
  function finishLoad(list) {
    ui.section.hidden = list === null;
    for (const sentence of registrationChanges(profiles, list || [])) say(sentence, 'ok');
    profiles = list || [];
    onProfiles(profiles);
    renderProfiles();
    clock.clearTimeout(pollTimer);
    if (profiles.some((p) => (p.registrations || []).some((r) => r.status === 'pending'))) {
      pollTimer = clock.setTimeout(load, PENDING_POLL_MS); // registration runs in the background
    }
  }

  function renderProfiles() {
    ui.profilesEmpty.hidden = profiles.length > 0;
    const ids = new Set(profiles.map((p) => p.id));
    for (const [id, panel] of panels) {
      if (!ids.has(id)) {
        panel.dispose();
        panels.delete(id);
      }
    }
    ui.profileList.replaceChildren(...profiles.map(profileItem));
  }

  function clipPanel(p) {
    let panel = panels.get(p.id);
    if (!panel) {
      panel = createClipPanel({ profile: p, api, confirm: askConfirm, onChanged: load });
      panels.set(p.id, panel);
    } else {
      panel.update(p);
    }
    return panel.root;
  }

  function profileItem(p) {
    const li = el('li', 'profile');
    li.dataset.id = p.id;
    const head = el('div', 'profile-head');
    head.append(el('strong', 'profile-name', p.name),
      el('span', 'muted small', `${p.provider} · ${p.voice} · ${p.language} · version ${p.version}`));
    li.append(head);
    const reg = registrationStatus(p);
    if (reg.text) {
      const line = el('p', 'hint profile-registration', reg.text);
      line.dataset.status = reg.status;
      li.append(line);
    }

    const actions = el('div', 'profile-actions');
    const nameInput = el('input');
    nameInput.type = 'text';
    nameInput.maxLength = 100;
    nameInput.value = p.name;
    nameInput.setAttribute('aria-label', `New name for ${p.name}`);
    nameInput.dataset.role = 'name';
    const rename = button('Rename', 'rename', () => act(p, `Renamed to “${nameInput.value.trim()}”.`,
      () => api.rename(p, nameInput.value.trim())));
    actions.append(nameInput, rename);

    if (reg.retry) {
      const retry = button(reg.stale ? 'Re-clone' : 'Retry registration', 'retry', () => act(p,
        `Registering “${p.name}” at ${reg.provider} again…`, () => api.registerAgain(p, reg.provider)));
      retry.setAttribute('aria-label', reg.stale
        ? `Clone ${p.name} at ${reg.provider} again from the current recordings`
        : `Register ${p.name} at ${reg.provider} again`);
      actions.append(retry);
    }
    // Not the vendor it is based on already: its registration there ran (a failed one is retried above).
    const vendors = availableVendors().filter((v) => v !== p.provider && !isReady(p, v));
    if (vendors.length) {
      const select = el('select');
      select.setAttribute('aria-label', `Cloning service to register ${p.name} at`);
      select.dataset.role = 'vendor';
      for (const v of vendors) select.append(option(v, v));
      const register = button('Register', 'register', () => act(p, `Registering at ${select.value}…`,
        () => api.register(p, select.value, vendorVoice(select.value, p))));
      register.setAttribute('aria-label', `Register ${p.name} at the chosen cloning service`);
      actions.append(select, register);
    }
    const del = button('Delete…', 'delete', () => askDelete(p));
    del.setAttribute('aria-label', `Delete ${p.name} (withdraw consent)`);
    actions.append(del);
    li.append(actions, clipPanel(p));
    return li;
  }

  const isReady = (p, vendor) => (p.registrations || []).some((r) => r.provider === vendor && r.status === 'ready');

  /** Cloning vendors running and available in the cluster. */
  function availableVendors() {
    return catalog().providers.filter((x) => x.available !== false && CLONING_VENDORS.includes(x.name))
      .map((x) => x.name);
  }

  /** The base voice at `vendor`: its default voice, else the profile's own id stays (the vendor clones it). */
  function vendorVoice(vendor, p) {
    return catalog().providers.find((x) => x.name === vendor)?.defaultVoice || p.voice;
  }

  async function act(p, done, call) {
    try {
      await call();
      say(done, 'ok');
    } catch (err) {
      say(err.status === 409 ? `${p.name} was changed meanwhile; the list is reloaded, try again.` : err.message,
        'bad');
    }
    await load();
  }

  function askDelete(p) {
    askConfirm(`Delete “${p.name}”? This withdraws the speaker's consent: the voice, its recordings and its copies `
      + 'at cloning services are deleted for good.', 'Delete',
      () => act(p, `Deleted “${p.name}”.`, () => api.remove(p)));
  }

  /** Asks in the modal dialog; `action` runs on OK (`okLabel` names it), nothing on Keep or Esc. */
  function askConfirm(text, okLabel, action) {
    pendingConfirm = action;
    ui.confirmText.textContent = text;
    ui.confirmOk.textContent = okLabel;
    ui.confirmDialog.showModal();
  }

  async function confirmed() {
    const action = pendingConfirm;
    pendingConfirm = null;
    ui.confirmDialog.close();
    if (action) await action();
  }

  // ---- the form: consent, recordings, create ----

  function fillLanguages() {
    ui.language.replaceChildren(...PROFILE_LANGUAGES.map(([tag, name]) => option(tag, name)));
  }

  /** The base voices a profile can start from: every available provider's voices, grouped by provider. */
  function fillBaseVoices() {
    const { providers, voices } = catalog();
    const available = new Set(providers.filter((p) => p.available !== false).map((p) => p.name));
    const chosen = ui.base.value;
    const groups = new Map();
    for (const v of voices) {
      if (!available.has(v.provider)) continue;
      if (!groups.has(v.provider)) groups.set(v.provider, []);
      groups.get(v.provider).push(v);
    }
    const frag = document.createDocumentFragment();
    for (const [provider, list] of groups) {
      const group = el('optgroup');
      group.label = provider;
      for (const v of list) {
        group.append(option(JSON.stringify([provider, v.id]), v.name && v.name !== v.id ? `${v.name} (${v.id})` : v.id));
      }
      frag.append(group);
    }
    ui.base.replaceChildren(frag);
    if (chosen) ui.base.value = chosen;
    if (!ui.base.value && ui.base.options.length) ui.base.selectedIndex = 0;
    renderClips();
  }

  function baseVoice() {
    try {
      const [provider, voice] = JSON.parse(ui.base.value);
      return { provider, voice };
    } catch {
      return null;
    }
  }

  function scheduleStatement() {
    statement = ''; // nothing to submit until the statement for the new values is shown
    clock.clearTimeout(statementTimer);
    statementTimer = clock.setTimeout(loadStatement, STATEMENT_DEBOUNCE_MS);
  }

  /** Shows the statement for the speaker and language; the confirmation holds for the text shown, until it changes. */
  function showStatement(text, loaded) {
    if (text !== ui.statement.textContent) ui.confirmed.checked = false;
    statement = loaded ? text : '';
    ui.statement.textContent = text;
  }

  async function loadStatement() {
    const speaker = ui.speaker.value.trim();
    if (!speaker) {
      showStatement("Enter the speaker's name to see the statement they read aloud.", false);
      return;
    }
    const asked = [ui.language.value, speaker];
    try {
      const text = await api.consentStatement(...asked);
      if (asked[0] !== ui.language.value || asked[1] !== ui.speaker.value.trim()) return; // changed meanwhile
      showStatement(text, true);
    } catch (err) {
      showStatement(`Could not load the statement: ${err.message}`, false);
    }
  }

  function addClip({ wav, seconds, sampleRate }) {
    const id = nextClip++;
    const blob = new Blob([wav], { type: 'audio/wav' });
    clips.push({ id, blob, fileName: `recording-${id}.wav`, seconds, sampleRate, url: URL.createObjectURL(blob),
      recorded: true });
    say(`Recorded ${seconds.toFixed(1)} s.`, 'ok');
    renderClips();
  }

  function addFiles(files) {
    for (const f of files) {
      const id = nextClip++;
      clips.push({ id, blob: f, fileName: f.name, seconds: null, url: URL.createObjectURL(f), recorded: false });
    }
    ui.files.value = '';
    renderClips();
  }

  function removeClip(id) {
    const c = clips.find((x) => x.id === id);
    if (c) URL.revokeObjectURL(c.url);
    clips = clips.filter((x) => x.id !== id);
    if (consentClipId === id) consentClipId = null;
    renderClips();
  }

  function needsConsentRecording() {
    return NEEDS_CONSENT_RECORDING.has(baseVoice()?.provider);
  }

  function renderClips() {
    const consent = needsConsentRecording();
    if (consent && consentClipId == null) consentClipId = clips.find((c) => c.recorded)?.id ?? null;
    ui.clipsEmpty.hidden = clips.length > 0;
    ui.clipList.replaceChildren(...clips.map((c) => {
      const li = el('li', 'clip');
      li.dataset.id = String(c.id);
      li.append(el('span', 'clip-name', c.recorded
        ? `${c.fileName} · ${c.seconds.toFixed(1)} s · ${c.sampleRate} Hz` : c.fileName));
      li.dataset.sampleRate = String(c.sampleRate ?? '');
      const audio = el('audio');
      audio.controls = true;
      audio.src = c.url;
      audio.setAttribute('aria-label', `Listen to ${c.fileName}`);
      li.append(audio);
      if (consent) {
        const label = el('label', 'clip-consent');
        const radio = el('input');
        radio.type = 'radio';
        radio.name = 'consent-clip';
        radio.checked = c.id === consentClipId;
        radio.addEventListener('change', () => { consentClipId = c.id; });
        label.append(radio, ' the speaker reading the statement');
        li.append(label);
      }
      const remove = button('Remove', 'remove', () => removeClip(c.id));
      remove.setAttribute('aria-label', `Remove ${c.fileName}`);
      li.append(remove);
      return li;
    }));
    ui.consentRecordingHint.hidden = !consent;
  }

  async function create(event) {
    event.preventDefault();
    const base = baseVoice();
    const name = ui.name.value.trim();
    const speaker = ui.speaker.value.trim();
    const problem = !name ? 'Give the voice a name.'
      : !speaker ? "Enter the speaker's name."
        : !statement ? 'The consent statement has not loaded yet.'
          : !ui.confirmed.checked ? 'The speaker must confirm the consent statement.'
            : !base ? 'Choose a base voice.'
              : !clips.length ? 'Record or upload at least one recording.'
                : null;
    const consentClip = needsConsentRecording() ? clips.find((c) => c.id === consentClipId) : null;
    const rest = clips.filter((c) => c !== consentClip);
    const consentProblem = needsConsentRecording() && (!consentClip
      ? `${base.provider} needs a recording of the speaker reading the statement: record it and mark it.`
      : !rest.length ? 'Add at least one more recording besides the consent recording.' : null);
    if (problem || consentProblem) {
      say(problem || consentProblem, 'bad');
      return;
    }
    const metadata = {
      name, language: ui.language.value, provider: base.provider, voice: base.voice,
      consent: { speakerName: speaker, statement, confirmed: true },
    };
    ui.create.disabled = true;
    say('Checking the recordings…');
    try {
      const profile = await api.create(metadata, rest, consentClip);
      renderReports(ui.report, uploadReports(profile));
      say(`Created “${profile.name}”: choose it under “Your voices” in the Voice list.`, 'ok');
      for (const c of clips) URL.revokeObjectURL(c.url);
      clips = [];
      consentClipId = null;
      ui.name.value = '';
      renderClips();
      await load();
    } catch (err) {
      if (err instanceof ProfileApiError && err.clips) renderReports(ui.report, uploadReports(err));
      say(err.message, 'bad');
    } finally {
      ui.create.disabled = false;
    }
  }

  function button(label, action, onClick) {
    const b = el('button', null, label);
    b.type = 'button';
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
  }

  function wire() {
    fillLanguages();
    ui.speaker.addEventListener('input', scheduleStatement);
    ui.language.addEventListener('change', scheduleStatement);
    ui.base.addEventListener('change', () => { consentClipId = null; renderClips(); });
    ui.files.addEventListener('change', () => addFiles([...ui.files.files]));
    ui.form.addEventListener('submit', create);
    ui.confirmOk.addEventListener('click', confirmed);
    ui.confirmCancel.addEventListener('click', () => { pendingConfirm = null; ui.confirmDialog.close(); });
    ui.confirmDialog.addEventListener('cancel', () => { pendingConfirm = null; });
    createRecordControl({
      button: ui.record, level: ui.level, time: ui.recordTime,
      onStarted: () => say('Recording… read the statement, then speak naturally. Press Stop recording when done.'),
      onRecorded: addClip,
      onFailed: (err) => say(`The microphone could not be opened: ${err.message || err.name}. You can upload `
        + 'recordings instead.', 'bad'),
    });
    loadStatement();
    renderClips();
  }

  return { wire, load, fillBaseVoices, get profiles() { return profiles; } };
}
