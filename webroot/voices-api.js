// Voice profiles over /api/v1/voice-profiles (docs/http-api.md#voice-profiles), DOM-free: the API client of the
// Voices section and the rows of a clip's quality report. `request(path, init, timeoutMs)` is the tokens
// module's authorised fetch (bearer token, one retry after a 401).

export const PROFILES_PATH = '/api/v1/voice-profiles';
/** Uploads are analysed on the server before it answers: allow for a minute of several files. */
const UPLOAD_TIMEOUT_MS = 120000;

/** Languages the server has a consent statement for, with the tag a new profile gets. */
export const PROFILE_LANGUAGES = [
  ['en-US', 'English (US)'], ['en-GB', 'English (UK)'], ['de-DE', 'German'], ['fr-FR', 'French'], ['es-ES', 'Spanish'],
];

/** Providers whose cloning API takes a recording of the speaker reading the consent statement. */
export const NEEDS_CONSENT_RECORDING = new Set(['azure', 'openai']);

/** Vendors a profile can be registered at (it is, when its base provider becomes one of them). */
export const CLONING_VENDORS = ['elevenlabs', 'azure', 'openai'];

/** A refusal of the API: HTTP status, the error's `code` and message, and the per-file reports of a 422. */
export class ProfileApiError extends Error {
  constructor(status, code, message, clips = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.clips = clips;
  }
}

export function createProfilesApi(request) {
  async function call(method, path, { json, form, timeoutMs } = {}) {
    const init = { method };
    if (json) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(json);
    } else if (form) {
      init.body = form; // the browser writes the multipart boundary
    }
    let res;
    try {
      res = await request(path, init, timeoutMs);
    } catch (err) {
      throw new ProfileApiError(0, 'connection', `The server was not reached (${err.message || err}).`);
    }
    if (res.status === 204) return null;
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    if (!res.ok) {
      const e = body?.error;
      throw new ProfileApiError(res.status, e?.code ?? 'internal', e?.message ?? `HTTP ${res.status}`,
        Array.isArray(e?.clips) ? e.clips : null);
    }
    return body;
  }

  const one = (id) => `${PROFILES_PATH}/${encodeURIComponent(id)}`;

  return {
    /** The caller's profiles, oldest first; null when cloning is off on the server (the API answers 404). */
    async list() {
      try {
        const body = await call('GET', PROFILES_PATH);
        return Array.isArray(body?.profiles) ? body.profiles : [];
      } catch (err) {
        if (err.status === 404) return null;
        throw err;
      }
    },
    /** The exact statement the speaker reads aloud for `language`, with their name in it. */
    async consentStatement(language, speakerName) {
      const q = new URLSearchParams({ language, speakerName });
      return (await call('GET', `${PROFILES_PATH}/consent-statement?${q}`)).statement;
    },
    /**
     * Creates a profile: `metadata` as the API takes it, `clips` `[{blob, fileName}]`, `consentRecording` one such
     * file or null. A 422 carries every file's report in the error's `clips`.
     */
    create(metadata, clips, consentRecording = null) {
      const form = new FormData();
      form.append('metadata', JSON.stringify(metadata));
      for (const c of clips) form.append('clips', c.blob, c.fileName);
      if (consentRecording) form.append('consentRecording', consentRecording.blob, consentRecording.fileName);
      return call('POST', PROFILES_PATH, { form, timeoutMs: UPLOAD_TIMEOUT_MS });
    },
    /** Stores `changes` on top of `profile`'s version (409 when it changed meanwhile). */
    update(profile, changes) {
      return call('PATCH', one(profile.id), { json: { ...changes, version: profile.version } });
    },
    rename(profile, name) {
      return this.update(profile, { name });
    },
    /** Registers at `provider` by making it the profile's base (`voice`: a voice of that provider). */
    register(profile, provider, voice) {
      return this.update(profile, { provider, voice });
    },
    /**
     * Adds reference clips (`[{blob, fileName}]`) on top of `profile`'s version: the profile at its next version,
     * or a 422 whose error carries every file's report (nothing is stored), a 409 when it changed meanwhile.
     */
    addClips(profile, clips) {
      const form = new FormData();
      form.append('version', String(profile.version));
      for (const c of clips) form.append('clips', c.blob, c.fileName);
      return call('POST', `${one(profile.id)}/clips`, { form, timeoutMs: UPLOAD_TIMEOUT_MS });
    },
    /** Removes one clip (not the consent recording, not the last one: the server refuses those with a 400). */
    removeClip(profile, clipId) {
      return call('DELETE', `${one(profile.id)}/clips/${encodeURIComponent(clipId)}?version=${profile.version}`);
    },
    /** Registers the profile at its base provider `provider` again (after `failed`): the profile, `pending`. */
    registerAgain(profile, provider) {
      return call('POST', `${one(profile.id)}/registrations/${encodeURIComponent(provider)}`);
    },
    /** Withdraws consent: the profile, its recordings and its voices at the vendors are deleted. */
    remove(profile) {
      return call('DELETE', one(profile.id));
    },
  };
}

const pct = (ratio) => `${(ratio * 100).toFixed(1)} %`;
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const num = (v, digits = 3) => Number(v).toFixed(digits);

/** The checks of the quality gate in the order the server runs them: what each measures and how it is shown. */
const CHECKS = [
  { code: 'low_sample_rate', label: 'Sample rate', field: 'originalSampleRate', show: (v) => `${Math.round(v)} Hz` },
  { code: 'too_short', label: 'Long enough', field: 'durationMs', show: secs },
  { code: 'too_long', label: 'Not too long', field: 'durationMs', show: secs },
  { code: 'clipping', label: 'Clipping', field: 'clippingRatio', show: pct },
  { code: 'mostly_silence', label: 'Silence', field: 'silenceRatio', show: pct },
  { code: 'too_quiet', label: 'Level (RMS)', field: 'rms', show: num },
  { code: 'noisy', label: 'Signal to noise', field: 'snrDb', show: (v) => `${Number(v).toFixed(1)} dB` },
  { code: 'dc_offset', label: 'DC offset', field: 'dcOffset', show: (v) => num(Math.abs(v)) },
];

/**
 * One row per check of a clip's `report`: `{code, label, value, limit, passed, message}` with the value and limit
 * as text. A failed check shows the server's value, limit and sentence; a passed one the measurement (the report
 * carries no limit for it). Failures with a code this page does not know are kept, after the known ones.
 */
export function reportRows(report) {
  const failures = new Map((report?.failures || []).map((f) => [f.code, f]));
  const rows = CHECKS.map(({ code, label, field, show }) => {
    const f = failures.get(code);
    failures.delete(code);
    if (f) return { code, label, value: show(f.value), limit: show(f.limit), passed: false, message: f.message };
    const v = report?.[field];
    return { code, label, value: typeof v === 'number' ? show(v) : '—', limit: '—', passed: true, message: 'Passed.' };
  });
  for (const f of failures.values()) {
    rows.push({ code: f.code, label: f.code, value: String(f.value), limit: String(f.limit), passed: false,
      message: f.message });
  }
  return rows;
}

/**
 * The reports to show after an upload: from a created profile's clips, or from a 422's per-file `clips`; each
 * `{title, passed, loudness, rows}`.
 */
export function uploadReports(source) {
  if (source instanceof ProfileApiError) {
    return (source.clips || []).map((c) => report(`File ${c.index + 1}${c.fileName ? ` (${c.fileName})` : ''}`
      + `${c.part === 'consentRecording' ? ', consent recording' : ''}`, c.report));
  }
  const consent = source?.consent?.recordingClip;
  return (source?.clips || []).map((c) => report(`Clip ${c.id}${c.id === consent ? ', consent recording' : ''}`,
    c.report));
}

function report(title, r) {
  return {
    title,
    passed: r?.passed === true,
    loudness: typeof r?.loudnessLufs === 'number' ? `${r.loudnessLufs.toFixed(1)} LUFS` : '—',
    rows: reportRows(r),
  };
}

