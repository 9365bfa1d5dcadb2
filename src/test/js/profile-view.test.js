// How a stored voice profile is shown in the Voices section, without a browser: its registration in words and
// whether the page offers to register again, the registration changes announced after a poll, its stored clips
// and which may be removed, and the reports of the clips an upload added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addedClipReports, registrationChanges, registrationStatus, storedClips } from '../../../webroot/profile-view.js';

const profile = (registrations, extra = {}) => ({ id: 'vp_1', name: 'Ada', provider: 'openai', registrations, ...extra });

test('registration status: in words, and register again offered after failed or for a stale voice only', () => {
  assert.deepEqual(registrationStatus(profile([{ provider: 'openai', status: 'failed', detail: 'no voice slot' }])),
    { provider: 'openai', status: 'failed', stale: false, text: 'Registration at openai failed: no voice slot.',
      retry: true });
  assert.deepEqual(registrationStatus(profile([{ provider: 'openai', status: 'failed' }])).text,
    'Registration at openai failed.');
  assert.deepEqual(registrationStatus(profile([{ provider: 'openai', status: 'pending' }])),
    { provider: 'openai', status: 'pending', stale: false, text: 'Registering at openai…', retry: false });
  assert.deepEqual(registrationStatus(profile([{ provider: 'openai', status: 'ready', remoteId: 'voice_1' }])),
    { provider: 'openai', status: 'ready', stale: false, text: 'Registered at openai: speaks with the cloned voice.',
      retry: false });
  // Made from other recordings than the current ones: still speaking, and re-cloning is offered.
  assert.deepEqual(registrationStatus(profile([{ provider: 'openai', status: 'ready', stale: true }])),
    { provider: 'openai', status: 'ready', stale: true, retry: true,
      text: 'Registered at openai: speaks with a voice made from earlier recordings; re-clone it to use the current ones.' });
  assert.equal(registrationStatus(profile([{ provider: 'openai', status: 'pending', stale: true }])).retry, false,
    'a pending registration is running, stale or not');
  // Only the base provider's registration counts: one left at a former base provider is not this profile's voice.
  assert.deepEqual(registrationStatus(profile([{ provider: 'elevenlabs', status: 'failed' }])),
    { provider: 'openai', status: null, stale: false, text: '', retry: false });
  assert.equal(registrationStatus(profile(undefined)).retry, false);
});

test('registration changes between two reads: each start and end once, nothing for unchanged or new profiles', () => {
  const failed = profile([{ provider: 'openai', status: 'failed', detail: 'no slot' }]);
  const pending = profile([{ provider: 'openai', status: 'pending' }]);
  const ready = profile([{ provider: 'openai', status: 'ready' }]);
  assert.deepEqual(registrationChanges([failed], [pending]), ['“Ada”: Registering at openai…']);
  assert.deepEqual(registrationChanges([pending], [ready]), ['“Ada”: Registered at openai: speaks with the cloned voice.']);
  assert.deepEqual(registrationChanges([pending], [failed]), ['“Ada”: Registration at openai failed: no slot.']);
  assert.deepEqual(registrationChanges([pending], [pending]), []);
  const stale = profile([{ provider: 'openai', status: 'ready', stale: true }]);
  assert.deepEqual(registrationChanges([ready], [stale]), ['“Ada”: Registered at openai: speaks with a voice made '
    + 'from earlier recordings; re-clone it to use the current ones.'], 'a clip change makes the voice stale');
  assert.deepEqual(registrationChanges([], [ready]), [], 'a profile seen for the first time');
  assert.deepEqual(registrationChanges([ready], [profile([])]), [], 'no registration now: nothing to say');
  const other = { ...ready, id: 'vp_2', name: 'Bo' };
  assert.deepEqual(registrationChanges([pending, { ...pending, id: 'vp_2', name: 'Bo' }], [ready, other]), [
    '“Ada”: Registered at openai: speaks with the cloned voice.', '“Bo”: Registered at openai: speaks with the cloned voice.']);
});

test('stored clips: duration, rate and result; the consent recording is kept, every other clip removable', () => {
  const p = {
    consent: { recordingClip: 'c0' },
    clips: [
      { id: 'c0', report: { passed: true, durationMs: 6250, originalSampleRate: 48000 } },
      { id: 'c2', report: { passed: true, durationMs: 12000, originalSampleRate: 44100 } },
      { id: 'c3' },
    ],
  };
  assert.deepEqual(storedClips(p), [
    { id: 'c0', text: 'c0 · 6.3 s · recorded at 48000 Hz · passed · the consent recording, kept while the voice exists',
      passed: true, consent: true, removable: false },
    { id: 'c2', text: 'c2 · 12.0 s · recorded at 44100 Hz · passed', passed: true, consent: false, removable: true },
    { id: 'c3', text: 'c3 · not checked', passed: false, consent: false, removable: true },
  ]);
  // The last clip is offered too: the server refuses it with its own sentence, which the page shows.
  assert.deepEqual(storedClips({ consent: { recordingClip: null }, clips: [{ id: 'c0', report: { passed: true } }] })
    .map((c) => c.removable), [true]);
  assert.deepEqual(storedClips(null), []);
});

test('reports of an upload: the clips the new version has and the old one had not', () => {
  const before = { clips: [{ id: 'c0', report: { passed: true } }] };
  const after = { consent: { recordingClip: 'c0' },
    clips: [{ id: 'c0', report: { passed: true } }, { id: 'c1', report: { passed: true, loudnessLufs: -20 } },
      { id: 'c2', report: { passed: true } }] };
  assert.deepEqual(addedClipReports(before, after).map((r) => [r.title, r.passed, r.loudness]),
    [['Clip c1', true, '-20.0 LUFS'], ['Clip c2', true, '—']]);
  assert.deepEqual(addedClipReports(after, after), []);
});
