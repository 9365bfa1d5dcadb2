// The WebSocket to /ws: protocol v1 text messages and binary audio frames, keepalive pings, reconnect with
// backoff (1 s, 2 s, 4 s, 8 s, then every 15 s, for as long as the page is open), and a fresh token on close
// code 4001.

import { PING_INTERVAL_MS, backoffDelay, parseServerMessage } from './protocol.js';

export const UNAUTHORIZED_CLOSE = 4001; // the server's close code for a missing or expired session token
export const PING_TIMEOUT_CLOSE = 4000; // the page's own close code for a socket that stopped answering
const MISSED_PONGS_BEFORE_RECONNECT = 2;
const OPEN = 1; // WebSocket.OPEN

const systemClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (t) => clearInterval(t),
  now: () => Date.now(),
};

/**
 * `state` is the page's observable state: this module owns its `connection` ('connecting' | 'open' | 'closed'),
 * `ready`, `reconnectAttempt`, `nextRetryAt` and `rttMs`. `url(token)` builds the socket URL, `tokens` is the
 * tokens module. Hooks (all optional):
 *   onStatus(kind)          the connection state changed
 *   onMessage(message)      a parsed server message (`ready` after this module has marked the session ready)
 *   onInvalid(error)        a text message that is not a JSON object
 *   onBinary(arrayBuffer)   an audio frame
 *   onClosed({code, reason, detail, wasOpen, unauthorized})   the socket closed; a reconnect is coming
 *   onUnauthorized(detail)  closed with 4001 and no fresh token could be had
 *   onOpenFailed(error)     the WebSocket constructor threw
 *   onRtt(ms)               a pong arrived
 */
export function createConnection({
  state, url, tokens, hooks = {}, WebSocketImpl = globalThis.WebSocket, clock = systemClock,
}) {
  const on = (name, ...args) => hooks[name]?.(...args);
  let ws = null;
  let reconnectTimer = null;
  let pingTimer = null;
  let pingSentAt = 0;
  let pingOutstanding = false;
  let missedPongs = 0;

  function setStatus(kind) {
    state.connection = kind;
    on('onStatus', kind);
  }

  /** Opens a socket unless one is open or opening; also "retry now" while waiting for a reconnect. */
  function connect() {
    clock.clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (ws) return;
    if (!tokens.authToken) {
      // Without a token the server would close with 4001; get one first (dev mode), then open the socket.
      tokens.refresh().then(() => openSocket());
      return;
    }
    openSocket();
  }

  function openSocket() {
    if (ws) return;
    state.nextRetryAt = null;
    setStatus('connecting');
    let sock;
    try {
      sock = new WebSocketImpl(url(tokens.authToken));
    } catch (err) {
      on('onOpenFailed', err);
      scheduleReconnect();
      return;
    }
    sock.binaryType = 'arraybuffer';
    ws = sock;
    // Every handler checks `ws === sock`, so events of a replaced socket are ignored.
    sock.onopen = () => {
      if (ws !== sock) return;
      setStatus('open');
      startPing();
    };
    sock.onmessage = (event) => {
      if (ws !== sock) return;
      if (typeof event.data === 'string') onText(event.data);
      else on('onBinary', event.data);
    };
    sock.onclose = (event) => {
      if (ws !== sock) return;
      ws = null;
      onDisconnected(event.code, event.reason);
    };
    sock.onerror = () => { /* a close event always follows; handled there */ };
  }

  function onText(raw) {
    const parsed = parseServerMessage(raw);
    if (!parsed.ok) {
      on('onInvalid', parsed.error);
      return;
    }
    const msg = parsed.message;
    if (msg.type === 'pong') {
      pingOutstanding = false;
      missedPongs = 0;
      state.rttMs = Math.round(clock.now() - pingSentAt);
      on('onRtt', state.rttMs);
      return;
    }
    if (msg.type === 'ready') {
      state.ready = true;
      state.reconnectAttempt = 0; // only a real handshake resets the backoff
      setStatus('open');
    }
    on('onMessage', msg);
  }

  /** Sends a message object (or a ready-made string); false when no socket is open. */
  function send(obj) {
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
    return true;
  }

  function onDisconnected(code, reason) {
    const wasOpen = state.connection === 'open';
    state.ready = false;
    stopPing();
    setStatus('closed');
    const detail = `Connection closed (code ${code}${reason ? `: ${reason}` : ''}).`;
    const unauthorized = code === UNAUTHORIZED_CLOSE;
    on('onClosed', { code, reason, detail, wasOpen, unauthorized });
    if (unauthorized) {
      // Session token expired or missing: reconnect at once with a fresh one if the server offers dev tokens.
      tokens.refresh().then((ok) => {
        if (!ok) on('onUnauthorized', detail);
        scheduleReconnect(ok ? 0 : null);
      });
      return;
    }
    scheduleReconnect();
  }

  function scheduleReconnect(delayOverride = null) {
    clock.clearTimeout(reconnectTimer);
    const delay = delayOverride ?? backoffDelay(state.reconnectAttempt);
    state.reconnectAttempt += 1;
    state.nextRetryAt = clock.now() + delay;
    reconnectTimer = clock.setTimeout(connect, delay);
    setStatus('closed');
  }

  /** Drops a socket that stopped answering pings (TCP may take minutes to notice). */
  function forceReconnect(reason) {
    const sock = ws;
    ws = null;
    try { sock?.close(PING_TIMEOUT_CLOSE, reason); } catch { /* already closing */ }
    onDisconnected(PING_TIMEOUT_CLOSE, reason);
  }

  function startPing() {
    stopPing();
    missedPongs = 0;
    pingOutstanding = false;
    pingTimer = clock.setInterval(() => {
      if (pingOutstanding) {
        missedPongs += 1;
        if (missedPongs >= MISSED_PONGS_BEFORE_RECONNECT) {
          forceReconnect('ping timeout');
          return;
        }
      }
      pingSentAt = clock.now();
      pingOutstanding = send({ type: 'ping' });
    }, PING_INTERVAL_MS);
  }

  function stopPing() {
    clock.clearInterval(pingTimer);
    pingTimer = null;
  }

  return { connect, send };
}
