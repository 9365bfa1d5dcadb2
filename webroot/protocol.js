// Wire-protocol helpers shared by the page (kept DOM-free so they can be unit-tested in node).

export const MAX_TEXT = 5000;
export const DEFAULT_SAMPLE_RATE = 24000;
export const PING_INTERVAL_MS = 20000;
export const BACKOFF_MAX_MS = 15000;

export const EMOTIONS = ['neutral', 'happy', 'sad', 'angry', 'excited', 'calm', 'fearful', 'whisper'];
export const QUALITIES = ['fast', 'balanced', 'high'];

// Binary audio frame: [stream u32 BE][seq u32 BE][PCM s16le mono ...]
export const FRAME_HEADER_BYTES = 8;

/** WebSocket URL on the same host; wss when the page itself is served over https. */
export function wsUrl(loc = globalThis.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws`;
}

/** Reconnect delay: 1 s, 2 s, 4 s, 8 s, then capped at 15 s. */
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
