// Wire-protocol helpers shared by the page (kept DOM-free so they can be unit-tested in node).

export const MAX_TEXT = 5000;
export const DEFAULT_SAMPLE_RATE = 24000;
export const PING_INTERVAL_MS = 20000;
export const BACKOFF_MAX_MS = 15000;

export const EMOTIONS = ['neutral', 'happy', 'sad', 'angry', 'excited', 'calm', 'fearful', 'whisper'];
export const QUALITIES = ['fast', 'balanced', 'high'];

/** localStorage key of the persisted control values. */
export const SETTINGS_KEY = 'ervc.settings';
export const DEFAULT_SETTINGS = Object.freeze({
  provider: 'auto', voice: '', emotion: 'neutral', intensity: 0.5, quality: 'balanced', speed: 1, pitch: 0,
});
const PROVIDER_RE = /^(auto|[a-z][a-z0-9_-]{0,31})$/;
const VOICE_RE = /^[A-Za-z0-9_+\-./:]{1,64}$/;

function clampNumber(v, min, max, fallback) {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

/** Validates stored/loaded settings field by field; anything odd falls back to the default. */
export function normalizeSettings(raw) {
  const src = raw && typeof raw === 'object' ? raw : {};
  const d = DEFAULT_SETTINGS;
  return {
    provider: typeof src.provider === 'string' && PROVIDER_RE.test(src.provider) ? src.provider : d.provider,
    voice: typeof src.voice === 'string' && VOICE_RE.test(src.voice) ? src.voice : d.voice,
    emotion: EMOTIONS.includes(src.emotion) ? src.emotion : d.emotion,
    intensity: clampNumber(src.intensity, 0, 1, d.intensity),
    quality: QUALITIES.includes(src.quality) ? src.quality : d.quality,
    speed: clampNumber(src.speed, 0.5, 2, d.speed),
    pitch: clampNumber(src.pitch, -1, 1, d.pitch),
  };
}

/** Human sentences for the wire error codes and the page's own ones. */
export const ERROR_SENTENCES = Object.freeze({
  invalid_request: 'The server could not accept this request.',
  too_large: `The text is too long: the limit is ${MAX_TEXT} characters.`,
  provider_unavailable: 'No speech engine is available for this request right now. Try again shortly or pick another provider.',
  rate_limited: 'Too many requests are running at once. Wait for one to finish, then try again.',
  unauthorized: 'The server did not accept this session. Reload the page to sign in again.',
  internal: 'Something went wrong on the server while producing speech.',
  connection: 'The connection to the server was lost. Reconnecting automatically…',
  audio: 'Audio playback is not available in this browser.',
  catalog: 'Could not load the list of providers and voices.',
});

export function describeError(code) {
  return ERROR_SENTENCES[code] || 'Something unexpected went wrong.';
}

/** Primary language subtag of a voice's language code ("en-gb" → "en"). */
export function baseLanguage(code) {
  return String(code || '').split(/[-_]/)[0].toLowerCase();
}

/**
 * Groups voices for <optgroup>s: one group per provider and base language, providers in their given order,
 * languages by display name. `nameOf(lang)` turns a language code into a display name.
 */
export function groupVoices(voices, nameOf = (x) => x) {
  const byProvider = new Map();
  for (const v of voices || []) {
    if (!v || typeof v.id !== 'string') continue;
    const provider = v.provider || 'other';
    if (!byProvider.has(provider)) byProvider.set(provider, new Map());
    const lang = baseLanguage(v.language || v.id) || 'other';
    const langs = byProvider.get(provider);
    if (!langs.has(lang)) langs.set(lang, []);
    langs.get(lang).push(v);
  }
  const groups = [];
  for (const [provider, langs] of byProvider) {
    const list = [...langs].map(([lang, vs]) => ({ provider, language: lang, languageName: nameOf(lang), voices: vs }));
    list.sort((a, b) => a.languageName.localeCompare(b.languageName));
    groups.push(...list);
  }
  return groups;
}

/**
 * RIFF/WAVE file: PCM, 1 channel, 16 bit, `sampleRate`, from s16le byte chunks (ArrayBuffers or views).
 */
export function buildWav(chunks, sampleRate) {
  let bytes = 0;
  for (const c of chunks) bytes += c.byteLength & ~1;
  const buf = new ArrayBuffer(44 + bytes);
  const view = new DataView(buf);
  const ascii = (off, s) => { for (let i = 0; i < s.length; i++) view.setUint8(off + i, s.charCodeAt(i)); };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + bytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);            // fmt chunk size
  view.setUint16(20, 1, true);             // PCM
  view.setUint16(22, 1, true);             // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true);             // block align
  view.setUint16(34, 16, true);            // bits per sample
  ascii(36, 'data');
  view.setUint32(40, bytes, true);
  const out = new Uint8Array(buf);
  let off = 44;
  for (const c of chunks) {
    const len = c.byteLength & ~1;
    const src = ArrayBuffer.isView(c) ? new Uint8Array(c.buffer, c.byteOffset, len) : new Uint8Array(c, 0, len);
    out.set(src, off);
    off += len;
  }
  return buf;
}

/**
 * Server → client JSON messages of protocol v1 (docs/protocol.md), checked and normalised in one place so the
 * handlers see plain values: numbers are numbers, absent fields are null. Returns `{ ok: true, message }`, or
 * `{ ok: false, error }` for input that is not a JSON object. A `type` this client does not know comes back as
 * `{ type: 'unknown', name }`, so newer servers can add messages (forward compatible).
 */
export function parseServerMessage(raw) {
  let msg;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'The server sent a message that is not JSON.' };
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
    return { ok: false, error: 'The server sent a message that is not a JSON object.' };
  }
  const parse = Object.hasOwn(SERVER_MESSAGES, msg.type) ? SERVER_MESSAGES[msg.type] : null;
  return { ok: true, message: parse ? parse(msg) : { type: 'unknown', name: msg.type ?? null } };
}

const positiveNumber = (v) => (Number(v) > 0 ? Number(v) : null);
const nonEmptyString = (v) => (typeof v === 'string' && v ? v : null);

const SERVER_MESSAGES = {
  ready: (m) => ({
    type: 'ready', session: m.session ?? null, sampleRate: positiveNumber(m.sampleRate) ?? DEFAULT_SAMPLE_RATE,
    voiceProfiles: m.voiceProfiles === true,
  }),
  pong: () => ({ type: 'pong' }),
  audio_start: (m) => ({
    type: 'audio_start',
    id: m.id,
    stream: Number(m.stream) >>> 0,
    sampleRate: positiveNumber(m.sampleRate),
    provider: m.provider ?? null,
    voice: m.voice ?? null,
    quality: nonEmptyString(m.quality), // the tier actually used: adaptive quality may lower the one asked for
  }),
  sentence: (m) => ({ type: 'sentence', id: m.id, index: Number(m.index), text: String(m.text ?? '') }),
  audio_end: (m) => ({
    type: 'audio_end',
    id: m.id,
    ttfaMs: m.ttfaMs ?? null,
    totalMs: m.totalMs ?? null,
    samples: m.samples ?? null,
    chunks: m.chunks ?? null,
    cached: typeof m.cached === 'boolean' ? m.cached : null,
    provider: m.provider || null,
    switches: Array.isArray(m.switches) ? m.switches : [],
    cancelled: m.cancelled === true,
  }),
  error: (m) => ({
    type: 'error',
    id: m.id ?? null,
    code: nonEmptyString(m.code) ?? 'internal',
    message: typeof m.message === 'string' ? m.message : '',
  }),
  settings: (m) => ({ type: 'settings', settings: m.settings ?? null }),
};

// Binary audio frame: [stream u32 BE][seq u32 BE][PCM s16le mono ...]
export const FRAME_HEADER_BYTES = 8;

/** WebSocket URL on the same host; wss when the page itself is served over https. */
export function wsUrl(loc = globalThis.location, token = null) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${loc.host}/ws${query}`;
}

/** Reconnect delay for attempt 0, 1, 2, …: 1 s, 2 s, 4 s, 8 s, then 15 s. */
export function backoffDelay(attempt) {
  return Math.min(1000 * 2 ** Math.max(0, attempt), BACKOFF_MAX_MS);
}

let idCounter = 0;
/** Client request id: unique per page load; no crypto.randomUUID (needs a secure context). */
export function makeId() {
  idCounter += 1;
  const rand = Math.floor(Math.random() * 0x100000).toString(36);
  return `c${Date.now().toString(36)}-${idCounter.toString(36)}-${rand}`;
}

// Int16Array reads in platform byte order; only use it when that is little-endian (all real browsers).
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Splits a binary frame into its header and PCM converted to Float32 [-1, 1).
 * Returns null for frames too short to carry a header.
 */
export function parseAudioFrame(buf) {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < FRAME_HEADER_BYTES) return null;
  const view = new DataView(buf);
  const stream = view.getUint32(0, false);
  const seq = view.getUint32(4, false);
  // A trailing odd byte cannot form a sample; drop it rather than misalign everything.
  const count = (buf.byteLength - FRAME_HEADER_BYTES) >> 1;
  const samples = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    const pcm = new Int16Array(buf, FRAME_HEADER_BYTES, count); // offset 8 keeps 2-byte alignment
    for (let i = 0; i < count; i++) samples[i] = pcm[i] / 32768;
  } else {
    for (let i = 0; i < count; i++) samples[i] = view.getInt16(FRAME_HEADER_BYTES + 2 * i, true) / 32768;
  }
  return { stream, seq, samples };
}

/** Builds a binary frame (used by tests and handy for debugging from the console). */
export function buildAudioFrame(stream, seq, int16Samples) {
  const buf = new ArrayBuffer(FRAME_HEADER_BYTES + int16Samples.length * 2);
  const view = new DataView(buf);
  view.setUint32(0, stream >>> 0, false);
  view.setUint32(4, seq >>> 0, false);
  int16Samples.forEach((s, i) => view.setInt16(FRAME_HEADER_BYTES + 2 * i, s, true));
  return buf;
}
