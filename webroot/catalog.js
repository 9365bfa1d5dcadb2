// Providers and voices: GET /api/v1/providers (refreshed while connected) and /api/v1/voices, shown in the
// Provider and Voice selects, with the selected provider's capabilities (emotions, tiers, pitch) applied.

import { groupVoices } from './protocol.js';
import { el, option } from './dom.js';

/**
 * `ui` holds the selects and fields (provider, providerNote, voice, emotion, quality, pitch, pitchField);
 * `settings` the persisted choices (the voice is cleared when the provider does not offer it);
 * `state` the observable state (this module owns `providers`, `voices`, `pitchSupported`);
 * `getJson(path)` an authorised GET; `onPitchSupportChanged()` fires when pitch becomes (un)available.
 */
export function createCatalog({ ui, settings, state, getJson, errors, emit, onPitchSupportChanged }) {
  let providers = [];
  let voices = [];
  let providersLoaded = false;
  let voicesLoaded = false;
  let providerSignature = '';
  let voiceSignature = '';
  let languageNames = null;
  let profiles = null; // the caller's voice profiles; null until known (then [] while cloning is off)

  function failed(err) {
    // While disconnected the failure is expected and the indicator already says so.
    if (state.connection !== 'open') return;
    errors.report('catalog', err?.message || String(err), { show: !providersLoaded && !voicesLoaded });
  }

  /** The entries of `/api/v1/<key>`'s `key` array that pass `valid`; null (reported) when it cannot be had. */
  async function fetchList(key, valid) {
    const path = `/api/v1/${key}`;
    try {
      const body = await getJson(path);
      if (!Array.isArray(body?.[key])) throw new Error(`${path}: unexpected answer`);
      return body[key].filter((x) => x && valid(x));
    } catch (err) {
      failed(err);
      return null;
    }
  }

  async function loadProviders() {
    const list = await fetchList('providers', (p) => typeof p.name === 'string');
    if (!list) return;
    providers = list;
    providersLoaded = true;
    state.providers = providers.map((p) => ({ name: p.name, available: p.available !== false, pitch: p.pitch === true }));
    errors.dismiss('catalog');
    fillProviders();
    applyProviderCaps();
    emit('providers', providers);
  }

  async function loadVoices() {
    const list = await fetchList('voices', (v) => typeof v.id === 'string');
    if (!list) return;
    voices = list;
    voicesLoaded = true;
    state.voices = voices.length;
    fillVoices();
  }

  function fillProviders() {
    const names = new Set(providers.map((p) => p.name));
    const entries = [['auto', 'Auto (best available)', false]];
    for (const p of providers) {
      entries.push([p.name, `${p.name} — ${p.available !== false ? 'available' : 'unavailable'}`, false]);
    }
    // Keep a saved provider selectable even while it is not running.
    if (settings.provider !== 'auto' && !names.has(settings.provider)) {
      entries.push([settings.provider, `${settings.provider} — not running`, false]);
    }
    const signature = JSON.stringify(entries);
    if (signature !== providerSignature) {
      providerSignature = signature;
      const frag = document.createDocumentFragment();
      for (const [value, label, disabled] of entries) frag.append(option(value, label, disabled));
      ui.provider.replaceChildren(frag);
    }
    ui.provider.value = settings.provider;

    const available = providers.filter((p) => p.available !== false);
    ui.providerNote.textContent = providerNote(available);
    ui.providerNote.dataset.ok = String(settings.provider === 'auto' ? available.length > 0
      : available.some((p) => p.name === settings.provider));
    updatePitchSupport();
  }

  function providerNote(available) {
    if (!providersLoaded) return 'Checking availability…';
    if (settings.provider === 'auto') {
      return available.length
        ? `${available.length} of ${providers.length} provider${providers.length === 1 ? '' : 's'} available`
        : 'No provider is available right now';
    }
    const p = providers.find((x) => x.name === settings.provider);
    if (!p) return `${settings.provider} is not running`;
    if (p.available !== false) return `${p.name} is available`;
    return `${p.name} is unavailable${typeof p.detail === 'string' && p.detail ? `: ${p.detail}` : ' right now'}`;
  }

  function languageName(code) {
    try {
      languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
      const name = languageNames.of(code);
      return name && name !== code ? name : code;
    } catch {
      return code;
    }
  }

  function fillVoices() {
    const prov = settings.provider;
    let list = prov === 'auto' ? voices : voices.filter((v) => v.provider === prov);
    if (!list.length && prov !== 'auto') {
      // The provider lists voice ids but /voices has no details for them.
      const p = providers.find((x) => x.name === prov);
      list = (p?.voices || []).map((id) => ({ provider: prov, id, name: id, language: id }));
    }
    const groups = groupVoices(list, languageName);
    // A profile speaks with its own base provider whatever the provider choice, so it is offered under every one.
    const own = (profiles || []).map((p) => ({ id: p.voiceId || `profile:${p.id}`, name: p.name, provider: p.provider }));
    const known = new Set([...list, ...own].map((v) => v.id));
    const waitingForProfiles = profiles === null && settings.voice.startsWith('profile:');
    if (settings.voice && !known.has(settings.voice) && voicesLoaded && !waitingForProfiles) {
      settings.voice = ''; // not offered here: the provider's default applies
    }
    const unknownVoice = settings.voice && !known.has(settings.voice) ? settings.voice : '';
    const signature = JSON.stringify([prov, unknownVoice, own,
      groups.map((g) => [g.provider, g.language, g.voices.map((v) => v.id)])]);
    if (signature !== voiceSignature) {
      voiceSignature = signature;
      const frag = document.createDocumentFragment();
      const p = providers.find((x) => x.name === prov);
      frag.append(option('', p?.defaultVoice ? `Default voice (${p.defaultVoice})` : 'Default voice'));
      if (unknownVoice) frag.append(option(unknownVoice, unknownVoice));
      if (own.length) {
        const group = el('optgroup');
        group.label = 'Your voices';
        for (const v of own) {
          const opt = option(v.id, `${v.name} (your voice, ${v.provider})`);
          opt.dataset.provider = v.provider;
          group.append(opt);
        }
        frag.append(group);
      }
      for (const g of groups) {
        const group = el('optgroup');
        group.label = `${g.provider} · ${g.languageName}`;
        for (const v of g.voices) {
          const opt = option(v.id, v.name && v.name !== v.id ? `${v.name} (${v.id})` : v.id);
          opt.dataset.provider = g.provider;
          group.append(opt);
        }
        frag.append(group);
      }
      ui.voice.replaceChildren(frag);
    }
    ui.voice.value = settings.voice;
    if (ui.voice.value !== settings.voice) ui.voice.value = '';
  }

  /** Disables emotions/quality tiers the selected provider does not declare. */
  function applyProviderCaps() {
    const p = providers.find((x) => x.name === settings.provider);
    restrictSelect(ui.emotion, p?.emotions);
    restrictSelect(ui.quality, p?.qualityTiers);
  }

  /** Pitch shows only if the selected provider declares `"pitch": true` (auto: any available one does). */
  function updatePitchSupport() {
    const supported = settings.provider === 'auto'
      ? providers.some((p) => p.available !== false && p.pitch === true)
      : providers.some((p) => p.name === settings.provider && p.pitch === true);
    ui.pitchField.hidden = !supported;
    ui.pitch.disabled = !supported;
    if (supported !== state.pitchSupported) {
      state.pitchSupported = supported;
      onPitchSupportChanged();
    }
  }

  /** The voice profiles to offer (`profile:<id>`); an empty list while cloning is off. */
  function setProfiles(list) {
    profiles = list;
    fillVoices();
  }

  return {
    load: () => Promise.all([loadProviders(), loadVoices()]),
    /** What the catalog knows, for the Voices section's base-voice and vendor choices. */
    known: () => ({ providers, voices }),
    setProfiles,
    loadProviders,
    fillProviders,
    fillVoices,
    applyProviderCaps,
  };
}

function restrictSelect(select, allowed) {
  const limit = Array.isArray(allowed) && allowed.length ? new Set(allowed) : null;
  for (const opt of select.options) opt.disabled = limit ? !limit.has(opt.value) : false;
}
