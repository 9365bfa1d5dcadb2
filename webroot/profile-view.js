// DOM-free: how a stored voice profile is shown in the Voices section: its registration at a cloning vendor in
// words and whether it can be registered again, what changed between two reads of the list, its stored clips, and
// the reports of the clips a change added. The shape of a profile: docs/voice-profiles.md#the-profile.

import { uploadReports } from './voices-api.js';

/** The registration at the profile's base provider, or null. */
function baseRegistration(profile) {
  return (profile?.registrations || []).find((r) => r.provider === profile.provider) || null;
}

/**
 * The registration at the profile's base provider: `{provider, status, stale, text, retry}` (`status` null and `text`
 * "" without one). `retry` is whether the page offers to register again (the API's
 * `POST …/registrations/{provider}`): after `failed`, or when a `ready` voice is `stale` (made from other recordings
 * than the profile's current ones: registering again re-clones it, the old voice speaking until the new one is
 * ready); a `pending` one is still running.
 */
export function registrationStatus(profile) {
  const reg = baseRegistration(profile);
  if (!reg) return { provider: profile?.provider ?? null, status: null, stale: false, text: '', retry: false };
  const stale = reg.status === 'ready' && reg.stale === true;
  const text = stale ? `Registered at ${reg.provider}: speaks with a voice made from earlier recordings; `
      + 're-clone it to use the current ones.'
    : reg.status === 'ready' ? `Registered at ${reg.provider}: speaks with the cloned voice.`
      : reg.status === 'pending' ? `Registering at ${reg.provider}…`
        : `Registration at ${reg.provider} failed${reg.detail ? `: ${reg.detail}` : ''}.`;
  return { provider: reg.provider, status: reg.status, stale, text, retry: reg.status === 'failed' || stale };
}

/**
 * Sentences for the registrations that ended or started between two reads of the list (`before`, `after`: arrays
 * of profiles), so that a change seen by polling is announced once: "“Ada” is registered at openai: …".
 */
export function registrationChanges(before, after) {
  const was = new Map((before || []).map((p) => [p.id, registrationStatus(p)]));
  const said = [];
  for (const p of after || []) {
    const now = registrationStatus(p);
    const old = was.get(p.id);
    if (!old || !now.status || (old.status === now.status && old.provider === now.provider
        && old.stale === now.stale)) continue;
    said.push(`“${p.name}”: ${now.text}`);
  }
  return said;
}

/**
 * One entry per stored clip: `{id, text, passed, consent, removable}`. The consent recording cannot be removed (it
 * stays as long as the profile does); every other clip is offered, and the server refuses the profile's last one
 * with its own sentence.
 */
export function storedClips(profile) {
  const consentClip = profile?.consent?.recordingClip ?? null;
  return (profile?.clips || []).map((c) => {
    const r = c.report || {};
    const parts = [c.id];
    if (typeof r.durationMs === 'number') parts.push(`${(r.durationMs / 1000).toFixed(1)} s`);
    if (typeof r.originalSampleRate === 'number') parts.push(`recorded at ${Math.round(r.originalSampleRate)} Hz`);
    parts.push(r.passed === true ? 'passed' : 'not checked');
    const consent = c.id === consentClip;
    if (consent) parts.push('the consent recording, kept while the voice exists');
    return { id: c.id, text: parts.join(' · '), passed: r.passed === true, consent, removable: !consent };
  });
}

/** The quality reports of the clips `after` (a profile) has and `before` had not: what an upload added. */
export function addedClipReports(before, after) {
  const had = new Set((before?.clips || []).map((c) => c.id));
  return uploadReports({ ...after, clips: (after?.clips || []).filter((c) => !had.has(c.id)) });
}
