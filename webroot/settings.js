// Voice settings: the persisted choices (localStorage "ervc.settings"), what the server is told about them, and
// the parameters a request carries. DOM-free: the controls module reads and writes the same object.

import { SETTINGS_KEY, normalizeSettings } from './protocol.js';

const SEND_DEBOUNCE_MS = 250; // sliders fire many input events while dragging

/** Settings as stored in `storage` (a Storage-like object); anything unreadable falls back to the defaults. */
export function loadSettings(storage) {
  try {
    return normalizeSettings(JSON.parse(storage.getItem(SETTINGS_KEY) || 'null'));
  } catch {
    return normalizeSettings(null);
  }
}

export function saveSettings(storage, settings) {
  try {
    storage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch { /* storage full or disabled: settings just do not persist */ }
}

/** The session's `settings` message; pitch only when the chosen provider can change it. */
export function settingsMessage(settings, pitchSupported) {
  const msg = {
    type: 'settings',
    provider: settings.provider,
    voice: settings.voice || null, // null clears the session voice: the provider's default applies
    emotion: settings.emotion,
    intensity: settings.intensity,
    quality: settings.quality,
    speed: settings.speed,
  };
  if (pitchSupported) msg.pitch = settings.pitch;
  return msg;
}

/** The voice parameters of one `synthesize` request. */
export function requestParams(settings, pitchSupported) {
  const p = {
    provider: settings.provider,
    emotion: settings.emotion,
    intensity: settings.intensity,
    quality: settings.quality,
    speed: settings.speed,
    pitch: pitchSupported ? settings.pitch : 0,
  };
  if (settings.voice) p.voice = settings.voice;
  return p;
}

/**
 * Keeps the server's session settings in step with the page: `sendNow()` on every new session, `schedule()`
 * (debounced) after a change. `send(msg)` is only called while `isReady()`.
 */
export function createSettingsSync({ settings, isPitchSupported, isReady, send, clock = globalThis }) {
  let timer = null;
  function sendNow() {
    clock.clearTimeout(timer);
    timer = null;
    if (isReady()) send(settingsMessage(settings, isPitchSupported()));
  }
  function schedule() {
    clock.clearTimeout(timer);
    timer = clock.setTimeout(sendNow, SEND_DEBOUNCE_MS);
  }
  return { sendNow, schedule };
}
