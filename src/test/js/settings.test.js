import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  loadSettings, saveSettings, settingsMessage, requestParams, createSettingsSync,
} from '../../../webroot/settings.js';
import { DEFAULT_SETTINGS, SETTINGS_KEY } from '../../../webroot/protocol.js';
import { FakeClock } from './fakes.js';

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    data,
  };
}

test('settings persist under ervc.settings and come back the same', () => {
  const storage = memoryStorage();
  const settings = { provider: 'kokoro', voice: 'af_bella', emotion: 'happy', intensity: 0.75, quality: 'high', speed: 0.9, pitch: 0.3 };
  saveSettings(storage, settings);
  assert.deepEqual(JSON.parse(storage.data.get(SETTINGS_KEY)), settings);
  assert.deepEqual(loadSettings(storage), settings);
});

test('nothing stored, broken JSON or a storage that throws: the defaults', () => {
  assert.deepEqual(loadSettings(memoryStorage()), { ...DEFAULT_SETTINGS });
  assert.deepEqual(loadSettings(memoryStorage({ [SETTINGS_KEY]: '{broken' })), { ...DEFAULT_SETTINGS });
  const denied = { getItem() { throw new Error('SecurityError'); }, setItem() { throw new Error('QuotaExceededError'); } };
  assert.deepEqual(loadSettings(denied), { ...DEFAULT_SETTINGS });
  assert.doesNotThrow(() => saveSettings(denied, DEFAULT_SETTINGS));
});

test('the settings message clears an empty voice and carries pitch only where supported', () => {
  const s = { ...DEFAULT_SETTINGS, pitch: 0.4 };
  assert.deepEqual(settingsMessage(s, false), {
    type: 'settings', provider: 'auto', voice: null, emotion: 'neutral', intensity: 0.5, quality: 'balanced', speed: 1,
  });
  assert.equal(settingsMessage({ ...s, voice: 'en' }, true).voice, 'en');
  assert.equal(settingsMessage(s, true).pitch, 0.4);
});

test('request parameters: voice only when chosen, pitch 0 when the provider cannot change it', () => {
  const s = { ...DEFAULT_SETTINGS, pitch: -0.5 };
  assert.deepEqual(requestParams(s, false), {
    provider: 'auto', emotion: 'neutral', intensity: 0.5, quality: 'balanced', speed: 1, pitch: 0,
  });
  assert.deepEqual(requestParams({ ...s, voice: 'de' }, true), {
    provider: 'auto', emotion: 'neutral', intensity: 0.5, quality: 'balanced', speed: 1, pitch: -0.5, voice: 'de',
  });
});

test('changes are sent once, 250 ms after the last one, and only while the session is ready', () => {
  const clock = new FakeClock();
  const sent = [];
  let ready = true;
  const settings = { ...DEFAULT_SETTINGS };
  const sync = createSettingsSync({
    settings, isPitchSupported: () => false, isReady: () => ready, send: (m) => sent.push(m), clock,
  });
  for (const speed of [1.1, 1.2, 1.3]) {
    settings.speed = speed;
    sync.schedule();
    clock.advance(100);
  }
  assert.deepEqual(sent, []);
  clock.advance(150);
  assert.deepEqual(sent.map((m) => m.speed), [1.3]);
  ready = false;
  sync.schedule();
  clock.advance(250);
  assert.equal(sent.length, 1, 'not ready: nothing sent (the next ready sends the settings)');
  ready = true;
  sync.schedule();
  sync.sendNow();
  clock.advance(1000);
  assert.equal(sent.length, 2, 'sendNow replaces a pending debounced send');
});
