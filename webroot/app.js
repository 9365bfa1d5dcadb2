// Enhanced RealtimeVoiceChat – browser client.
// One WebSocket carries JSON control messages and binary PCM frames. Audio goes to an AudioWorklet
// (pcm-player.worklet.js) that resamples each reply to the device rate, buffers a little against
// network jitter and plays replies gaplessly, one independent stream per request.

import {
  MAX_TEXT, DEFAULT_SAMPLE_RATE, PING_INTERVAL_MS, SETTINGS_KEY,
  wsUrl, backoffDelay, makeId, parseAudioFrame, normalizeSettings, describeError,
  groupVoices, buildWav,
} from './protocol.js';

// ---------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('speak-form'),
  text: $('text'),
  count: $('count'),
  countSr: $('count-sr'),
  provider: $('provider'),
  providerNote: $('provider-note'),
  voice: $('voice'),
  emotion: $('emotion'),
  intensity: $('intensity'),
  intensityValue: $('intensity-value'),
  quality: $('quality'),
  speed: $('speed'),
  speedValue: $('speed-value'),
  pitch: $('pitch'),
  pitchField: $('pitch-field'),
  pitchValue: $('pitch-value'),
  speak: $('speak'),
  stop: $('stop'),
  activity: $('activity'),
  status: $('status'),
  statusText: $('status-text'),
  rtt: $('rtt'),
  reconnect: $('reconnect'),
  error: $('error'),
  ttfa: $('ttfa'),
  metrics: $('metrics'),
  metricsFor: $('metrics-for'),
  messages: $('messages'),
  messagesEmpty: $('messages-empty'),
  audioInfo: $('audio-info'),
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function option(value, label, disabled = false) {
  const opt = el('option', null, label);
  opt.value = value;
  opt.disabled = disabled;
  return opt;
}

const round = (x) => (x == null ? null : Math.round(x));
const fmtMs = (v) => (v == null ? '—' : `${Math.round(v)} ms`);

// ---------------------------------------------------------------------------
// Settings (persisted in localStorage under "ervc.settings")
// ---------------------------------------------------------------------------

function loadStoredSettings() {
  try {
    return normalizeSettings(JSON.parse(localStorage.getItem(SETTINGS_KEY) || 'null'));
  } catch {
    return normalizeSettings(null);
  }
}

const settings = loadStoredSettings();

function saveSettings() {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch { /* storage full or disabled: settings just do not persist */ }
}

// ---------------------------------------------------------------------------
// Observable state (read by the UI and by automated browser tests via window.rvc)
// ---------------------------------------------------------------------------

const state = {
  connection: 'connecting', // 'connecting' | 'open' | 'closed'
  ready: false,             // server's `ready` received on the current socket
  session: null,
  sessionRate: null,
  reconnectAttempt: 0,
  nextRetryAt: null,        // Date.now() of the next reconnect attempt while closed
  rttMs: null,
  phase: 'idle',            // 'idle' | 'waiting' | 'playing'
  activeIds: [],            // replies still waiting for or playing audio
  audio: { state: 'none', backend: null, deviceRate: null, outputLatencyMs: null },
  jitterTargetMs: null,     // the player's current start threshold
  underruns: 0,
  droppedFrames: 0,         // frames of unknown or stopped streams
  settings,                 // the current control values (same object that is persisted)
  serverSettings: null,     // last `settings` echo from the server
  pitchSupported: false,
  providers: [],
  voices: 0,
};

const debug = {
  deviceRate: null,
  sessionRate: null,
  streams: {},
  lastRequestSent: null,
};

const rvc = {
  state,
  lastMetrics: null,
  errors: [],
  history: [],
  debug,
  speak: (text) => speak(typeof text === 'string' ? text : undefined),
  stop: () => stop(),
  sendRaw: (obj) => sendRaw(obj),
};
window.rvc = rvc;

function emit(name, detail) {
  window.dispatchEvent(new CustomEvent(`rvc:${name}`, { detail }));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

function reportError(code, message, { id = null, show = true } = {}) {
  const err = { code: code || 'internal', message: String(message || ''), at: Date.now(), id };
  err.title = describeError(err.code);
  rvc.errors.push(err);
  if (rvc.errors.length > 200) rvc.errors.shift();
  if (show) renderError(err);
  console.warn(`[rvc] ${err.code}: ${err.message}`);
  emit('error', err);
  return err;
}

function renderError(err) {
  const dismiss = el('button', 'error-dismiss', '×');
  dismiss.type = 'button';
  dismiss.setAttribute('aria-label', 'Dismiss error');
  dismiss.addEventListener('click', () => {
    dismissError();
    ui.text.focus();
  });
  const body = el('div', 'error-body');
  body.append(el('p', 'error-title', err.title));
  if (err.message && err.message !== err.title) body.append(el('p', 'error-detail', err.message));
  ui.error.dataset.code = err.code;
  ui.error.replaceChildren(body, dismiss);
}

function dismissError(code = null) {
  if (code && ui.error.dataset.code !== code) return;
  ui.error.replaceChildren();
  delete ui.error.dataset.code;
}

// ---------------------------------------------------------------------------
// Audio: AudioContext at the device's own rate + the pcm-player worklet
// ---------------------------------------------------------------------------

const player = {
  ctx: null,
  node: null,
  ready: false,
  pending: [],   // messages posted before the worklet finished loading
  send: null,    // (msg, transfer) => void once ready
  init: null,    // promise while/after initialising; null = no audio

  post(msg, transfer = []) {
    if (!this.init) return false;
    if (this.ready) this.send(msg, transfer);
    else this.pending.push([msg, transfer]);
    return true;
  },
  chunk(id, rate, samples) { return this.post({ type: 'chunk', id, rate, samples }, [samples.buffer]); },
  end(id) { return this.post({ type: 'end', id }); },
  stop(id) { return this.post({ type: 'stop', id }); },
};

/**
 * The first call should come from a user gesture: the context is built before any await so the
 * browser lets it start. No sampleRate is forced: the worklet resamples to whatever the device runs at.
 */
function ensureAudio() {
  if (player.ctx === false) return Promise.resolve(false); // no Web Audio: already reported
  if (player.ctx) {
    if (player.ctx.state === 'suspended') player.ctx.resume().catch(() => {});
    return player.init;
  }
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) {
    player.ctx = false;
    reportError('audio', 'This browser has no Web Audio support: replies are received but not played.');
    return Promise.resolve(false);
  }
  let ctx;
  try {
    ctx = new Ctx({ latencyHint: 'interactive' });
  } catch (err) {
    player.ctx = false;
    reportError('audio', `Could not open the audio output: ${err.message || err}`);
    return Promise.resolve(false);
  }
  player.ctx = ctx;
  state.audio.deviceRate = ctx.sampleRate;
  debug.deviceRate = ctx.sampleRate;
  state.audio.state = ctx.state;
  ctx.onstatechange = () => { state.audio.state = ctx.state; renderAudioInfo(); };
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});

  player.init = (async () => {
    try {
      if (!ctx.audioWorklet) throw new Error('AudioWorklet unavailable (needs https or localhost)');
      await ctx.audioWorklet.addModule(new URL('./pcm-player.worklet.js', import.meta.url));
      const node = new AudioWorkletNode(ctx, 'pcm-player', {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
      });
      node.port.onmessage = (event) => onPlayerEvent(event.data);
      node.connect(ctx.destination);
      player.node = node;
      player.send = (msg, transfer) => node.port.postMessage(msg, transfer);
      state.audio.backend = 'audioworklet';
    } catch (err) {
      // Plain-http LAN access has no AudioWorklet: run the same mixer on the main thread.
      console.warn('[rvc] AudioWorklet failed, using ScriptProcessor fallback:', err);
      const { PcmMixer } = await import('./pcm-player.worklet.js');
      const mixer = new PcmMixer(ctx.sampleRate, (msg) => queueMicrotask(() => onPlayerEvent(msg)));
      const proc = ctx.createScriptProcessor(1024, 1, 1);
      proc.onaudioprocess = (e) => mixer.render(e.outputBuffer.getChannelData(0));
      proc.connect(ctx.destination);
      player.node = proc; // keep a reference: an unreferenced ScriptProcessor may be collected
      player.send = (msg) => mixer.handle(msg);
      state.audio.backend = 'scriptprocessor';
    }
    player.ready = true;
    for (const [msg, transfer] of player.pending.splice(0)) player.send(msg, transfer);
    renderAudioInfo();
    return true;
  })().catch((err) => {
    player.init = null;
    player.pending.length = 0;
    state.audio.backend = null;
    reportError('audio', `Audio playback unavailable: ${err.message || err}`);
    // Nothing will ever play: finish replies that wait for the player.
    for (const r of replies.values()) {
      if (!r.playDone && (r.serverDone || r.stopped)) markPlayDone(r, r.stopped || r.error ? null : 'done');
    }
    return false;
  });
  renderAudioInfo();
  return player.init;
}

function onPlayerEvent(msg) {
  if (!msg) return;
  if (msg.targetMs != null) state.jitterTargetMs = msg.targetMs;
  switch (msg.type) {
    case 'sched': {
      const r = replies.get(msg.id);
      if (r) r.dbg.scheduledSamples = msg.scheduled;
      break;
    }
    case 'pos':
      for (const [id, played, scheduled, queued] of msg.streams) {
        const r = replies.get(id);
        if (!r) continue;
        r.dbg.playedSamples = played;
        r.dbg.scheduledSamples = scheduled;
        r.bufferedFrames = queued;
        updateHighlight(r);
      }
      renderGlobalThrottled();
      break;
    case 'started': {
      const r = replies.get(msg.id);
      if (!r || r.firstPlayedAt != null) break;
      r.firstPlayedAt = performance.now();
      r.metrics.firstPlayedMs = round(r.firstPlayedAt - r.sentAt);
      r.metrics.playedTtfaMs = r.metrics.firstPlayedMs;
      if (!r.stopped && !r.error) setReplyStatus(r, 'playing');
      renderNumbers(r);
      updatePhase();
      break;
    }
    case 'underrun': {
      const r = replies.get(msg.id);
      state.underruns += 1;
      if (r) {
        r.metrics.underruns += 1;
        renderNumbers(r);
      }
      break;
    }
    case 'drained':
    case 'stopped': {
      const r = replies.get(msg.id);
      if (!r) break;
      r.dbg.playedSamples = msg.played;
      r.dbg.scheduledSamples = msg.scheduled;
      r.bufferedFrames = 0;
      if (msg.type === 'drained') updateHighlight(r);
      markPlayDone(r, msg.type === 'drained' && !r.stopped && !r.error ? 'done' : null);
      break;
    }
    default:
      break;
  }
}

function renderAudioInfo() {
  const ctx = player.ctx;
  if (!ctx) return;
  const parts = [`Audio ${state.audio.state}`, `${ctx.sampleRate} Hz`];
  if (state.sessionRate && state.sessionRate !== ctx.sampleRate) parts.push(`resampled from ${state.sessionRate} Hz`);
  if (state.audio.backend) parts.push(state.audio.backend);
  ui.audioInfo.textContent = parts.join(' · ');
}

// ---------------------------------------------------------------------------
// WebSocket connection: reconnect with backoff, keepalive, token refresh hook
// ---------------------------------------------------------------------------

let ws = null;
// Credentials: an operator can hand the page tokens in the URL fragment (#token=...&apiToken=..., never sent to
// the server); otherwise, on the embedded default (AUTH_MODE=dev), the page asks /api/v1/auth/dev-token.
const fragment = new URLSearchParams(window.location.hash.slice(1));
let authToken = fragment.get('token');
let apiToken = fragment.get('apiToken');
let tokenRenewTimer = null;
let reconnectTimer = null;
let countdownTimer = null;
let pingTimer = null;
let pingSentAt = 0;
let pingOutstanding = false;
let missedPongs = 0;

function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (ws) return;
  if (!authToken) {
    // Without a token the server would close with 4001; get one first (dev mode), then open the socket.
    refreshToken().then(() => openSocket());
    return;
  }
  openSocket();
}

function openSocket() {
  if (ws) return;
  state.nextRetryAt = null;
  setConnection('connecting');
  let sock;
  try {
    sock = new WebSocket(wsUrl(window.location, authToken));
  } catch (err) {
    reportError('connection', `Cannot open the WebSocket: ${err.message || err}`);
    scheduleReconnect();
    return;
  }
  sock.binaryType = 'arraybuffer';
  ws = sock;
  // Every handler checks `ws === sock`, so events of a replaced socket are ignored.
  sock.onopen = () => {
    if (ws !== sock) return;
    setConnection('open');
    dismissError('connection');
    dismissError('unauthorized');
    startPing();
  };
  sock.onmessage = (event) => {
    if (ws !== sock) return;
    if (typeof event.data === 'string') onTextMessage(event.data);
    else onBinaryMessage(event.data);
  };
  sock.onclose = (event) => {
    if (ws !== sock) return;
    ws = null;
    onDisconnected(event.code, event.reason);
  };
  sock.onerror = () => { /* a close event always follows; handled there */ };
}

function send(obj) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  return true;
}

function onDisconnected(code, reason) {
  const wasOpen = state.connection === 'open';
  state.ready = false;
  stopPing();
  setConnection('closed');
  const detail = `Connection closed (code ${code}${reason ? `: ${reason}` : ''}).`;
  // Replies the server was still producing are lost; audio already complete keeps playing.
  let lost = 0;
  for (const r of replies.values()) {
    if (r.serverDone) continue;
    r.serverDone = true;
    if (r.stream != null) byStream.delete(r.stream);
    if (r.stopped || r.error) continue;
    lost += 1;
    failReply(r, 'connection', detail);
  }
  updatePhase();
  if (code === 4001) {
    // Session token expired or missing: fetch a fresh one if the server offers dev tokens.
    refreshToken().then((ok) => {
      if (!ok) reportError('unauthorized', detail);
      scheduleReconnect(ok ? 0 : null);
    });
    return;
  }
  if (wasOpen || lost) reportError('connection', detail);
  scheduleReconnect();
}

/**
 * POST /api/v1/auth/dev-token (sending the current token keeps the same subject, so a running session can be
 * renewed); a 404 (not in dev mode) or any failure just means "no new token".
 */
async function refreshToken() {
  try {
    const res = await fetch('/api/v1/auth/dev-token', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(authToken ? { token: authToken } : {}),
    });
    if (!res.ok) return false;
    const body = await res.json();
    const token = body && (body.token || body.accessToken || body.access_token);
    if (typeof token !== 'string' || !token) return false;
    authToken = token;
    if (typeof body.apiToken === 'string') apiToken = body.apiToken;
    scheduleTokenRenewal(Number(body.expiresIn) || 0);
    return true;
  } catch {
    return false;
  }
}

/** A minute before the token expires, fetch a fresh one and hand it to the open session ({"type":"auth"}). */
function scheduleTokenRenewal(expiresInSeconds) {
  clearTimeout(tokenRenewTimer);
  if (expiresInSeconds <= 0) return;
  const delayMs = Math.max(5000, (expiresInSeconds - 60) * 1000);
  tokenRenewTimer = setTimeout(async () => {
    if (await refreshToken()) send({ type: 'auth', token: authToken });
  }, delayMs);
}

function scheduleReconnect(delayOverride = null) {
  clearTimeout(reconnectTimer);
  const delay = delayOverride ?? backoffDelay(state.reconnectAttempt);
  state.reconnectAttempt += 1;
  state.nextRetryAt = Date.now() + delay;
  reconnectTimer = setTimeout(connect, delay);
  setConnection('closed');
}

/** Drops a socket that stopped answering pings (TCP may take minutes to notice). */
function forceReconnect(reason) {
  const sock = ws;
  ws = null;
  try { sock?.close(4000, reason); } catch { /* already closing */ }
  onDisconnected(4000, reason);
}

function startPing() {
  stopPing();
  missedPongs = 0;
  pingOutstanding = false;
  pingTimer = setInterval(() => {
    if (pingOutstanding) {
      missedPongs += 1;
      if (missedPongs >= 2) {
        forceReconnect('ping timeout');
        return;
      }
    }
    pingSentAt = performance.now();
    pingOutstanding = send({ type: 'ping' });
  }, PING_INTERVAL_MS);
}

function stopPing() {
  clearInterval(pingTimer);
  pingTimer = null;
}

function setConnection(kind) {
  state.connection = kind;
  ui.status.dataset.state = kind;
  clearInterval(countdownTimer);
  countdownTimer = null;
  if (kind === 'open') {
    ui.statusText.textContent = 'Connected';
  } else if (kind === 'connecting') {
    ui.statusText.textContent = state.reconnectAttempt ? 'Reconnecting…' : 'Connecting…';
  } else {
    const tick = () => {
      const left = state.nextRetryAt ? Math.max(0, Math.ceil((state.nextRetryAt - Date.now()) / 1000)) : null;
      ui.statusText.textContent = left == null ? 'Disconnected' : `Disconnected — reconnecting in ${left} s`;
    };
    tick();
    if (state.nextRetryAt) countdownTimer = setInterval(tick, 1000);
  }
  ui.reconnect.hidden = kind !== 'closed';
  if (kind !== 'open') ui.rtt.textContent = '';
  updateControls();
  emit('connection', kind);
}

function sendRaw(obj) {
  if (obj && typeof obj === 'object' && obj.type === 'synthesize') {
    // Track it like any request so its audio plays and its numbers show up.
    debug.lastRequestSent = obj;
    const id = typeof obj.id === 'string' ? obj.id : null;
    if (id && !replies.has(id) && typeof obj.text === 'string') {
      const params = {};
      for (const k of ['provider', 'voice', 'emotion', 'intensity', 'quality', 'speed', 'pitch']) {
        if (obj[k] != null) params[k] = obj[k];
      }
      ensureAudio();
      const r = createReply(id, obj.text, params);
      latestId = id;
      if (!send(obj)) failReply(r, 'connection', 'The message could not be sent.');
      renderGlobal();
      updatePhase();
      return !r.error;
    }
  }
  const ok = send(obj);
  updatePhase();
  return ok;
}

// ---------------------------------------------------------------------------
// Incoming messages
// ---------------------------------------------------------------------------

/** All conversation replies by request id, oldest first. */
const replies = new Map();
/** Server stream number → reply, from audio_start until audio_end/error. */
const byStream = new Map();
let latestId = null;
const MAX_REPLIES = 100;

function onTextMessage(raw) {
  let msg;
  try {
    msg = JSON.parse(raw);
  } catch {
    reportError('internal', 'The server sent a message that is not JSON.', { show: false });
    return;
  }
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'ready': onReady(msg); break;
    case 'pong': onPong(); break;
    case 'audio_start': onAudioStart(msg); break;
    case 'sentence': onSentence(msg); break;
    case 'audio_end': onAudioEnd(msg); break;
    case 'error': onServerError(msg); break;
    case 'settings': state.serverSettings = msg.settings ?? null; break;
    default: break; // forward compatible: ignore unknown types
  }
}

function onReady(msg) {
  state.ready = true;
  state.session = msg.session ?? null;
  state.sessionRate = Number(msg.sampleRate) > 0 ? Number(msg.sampleRate) : DEFAULT_SAMPLE_RATE;
  debug.sessionRate = state.sessionRate;
  state.reconnectAttempt = 0; // only a real handshake resets the backoff
  setConnection('open');
  dismissError('connection');
  dismissError('unauthorized');
  sendSettingsNow();
  loadCatalog();
  renderAudioInfo();
  emit('ready', msg);
}

function onPong() {
  pingOutstanding = false;
  missedPongs = 0;
  state.rttMs = Math.round(performance.now() - pingSentAt);
  ui.rtt.textContent = `RTT ${state.rttMs} ms`;
}

function onAudioStart(msg) {
  const r = replies.get(msg.id);
  if (!r) return;
  r.stream = Number(msg.stream) >>> 0;
  if (Number(msg.sampleRate) > 0) r.sampleRate = Number(msg.sampleRate);
  r.metrics.provider = msg.provider ?? r.metrics.provider;
  r.metrics.voice = msg.voice ?? r.metrics.voice;
  // The tier actually used: adaptive quality may have lowered the one asked for.
  if (typeof msg.quality === 'string' && msg.quality) r.metrics.tier = msg.quality;
  if (!r.stopped && !r.error && !r.serverDone) {
    byStream.set(r.stream, r);
    setReplyStatus(r, 'receiving');
  }
  renderNumbers(r);
}

function onSentence(msg) {
  const r = replies.get(msg.id);
  if (!r || r.stopped || r.error) return;
  // A sentence precedes its audio, so the samples received so far mark where it starts.
  const s = { index: Number(msg.index), text: String(msg.text ?? ''), start: r.received, span: null };
  r.sentences.push(s);
  s.span = el('span', 'sentence', s.text);
  s.span.dataset.index = String(s.index);
  if (r.sentences.length === 1) r.el.text.replaceChildren();
  else r.el.text.append(' ');
  r.el.text.append(s.span);
}

function onBinaryMessage(buf) {
  const frame = parseAudioFrame(buf);
  const r = frame && byStream.get(frame.stream);
  if (!r || r.stopped || r.error) {
    state.droppedFrames += 1; // late frames of a stopped reply: expected after Stop
    return;
  }
  const n = frame.samples.length;
  if (r.firstFrameAt == null) {
    r.firstFrameAt = performance.now();
    r.metrics.firstFrameMs = round(r.firstFrameAt - r.sentAt);
    r.metrics.browserTtfaMs = r.metrics.firstFrameMs;
    renderNumbers(r);
  }
  if (frame.seq !== r.lastSeq + 1) r.seqGaps += 1;
  r.lastSeq = frame.seq;
  r.chunks += 1;
  r.received += n;
  r.pcm.push(buf.slice(8, 8 + n * 2)); // s16le as received, for "Download WAV"
  r.dbg.receivedSamples = r.received;
  r.metrics.receivedSamples = r.received;
  player.chunk(r.id, r.sampleRate, frame.samples);
}

function onAudioEnd(msg) {
  const r = replies.get(msg.id);
  if (!r) return;
  r.serverDone = true;
  if (r.stream != null) byStream.delete(r.stream);
  const m = r.metrics;
  m.ttfaMs = msg.ttfaMs ?? null;
  m.totalMs = msg.totalMs ?? null;
  m.samples = msg.samples ?? null;
  m.chunks = msg.chunks ?? null;
  m.cached = typeof msg.cached === 'boolean' ? msg.cached : null;
  if (msg.provider) m.provider = msg.provider;
  m.switchList = Array.isArray(msg.switches) ? msg.switches : [];
  m.switches = m.switchList.length;
  m.cancelled = msg.cancelled === true;
  if (r.id === latestId) rvc.lastMetrics = m;

  if (!r.stopped && !r.error) {
    if (m.cancelled) {
      // Cancelled by someone else (e.g. a raw cancel): stop playing what is left.
      stopReply(r, 'stopped');
    } else if (r.received > 0 && player.end(r.id)) {
      armDrainWatchdog(r);
    } else {
      markPlayDone(r, 'done'); // nothing to play, or no audio output
    }
  }
  updateDownload(r);
  renderNumbers(r);
  updatePhase();
  emit('audio_end', m);
}

function onServerError(msg) {
  const code = typeof msg.code === 'string' && msg.code ? msg.code : 'internal';
  const message = typeof msg.message === 'string' ? msg.message : '';
  const r = msg.id != null ? replies.get(msg.id) : null;
  let show = true;
  if (r) {
    show = !r.stopped; // errors about replies we stopped ourselves are expected noise
    if (!r.serverDone && !r.stopped && !r.error) {
      r.serverDone = true;
      if (r.stream != null) byStream.delete(r.stream);
      failReply(r, code, message);
    } else if (!r.serverDone) {
      r.serverDone = true;
    }
    updatePhase();
  }
  reportError(code, message, { id: msg.id ?? null, show });
}

// ---------------------------------------------------------------------------
// Replies: conversation entries
// ---------------------------------------------------------------------------

const STATUS_TEXT = {
  sending: 'Waiting for the server…',
  receiving: 'Receiving audio…',
  playing: 'Speaking…',
  done: 'Done',
  stopped: 'Stopped',
  interrupted: 'Interrupted by a newer message',
  error: 'Failed',
  unplayed: 'Received (audio did not play)',
};

function createReply(id, text, params, replayOf = null) {
  const metrics = {
    id,
    text,
    status: 'sending',
    provider: params.provider && params.provider !== 'auto' ? params.provider : null,
    voice: params.voice ?? null,
    quality: params.quality ?? null,
    tier: params.quality ?? null,
    ttfaMs: null,
    totalMs: null,
    samples: null,
    chunks: null,
    cached: null,
    switches: 0,
    switchList: [],
    cancelled: false,
    firstFrameMs: null,
    firstPlayedMs: null,
    browserTtfaMs: null,
    playedTtfaMs: null,
    receivedSamples: 0,
    underruns: 0,
    error: null,
  };
  const dbg = { receivedSamples: 0, scheduledSamples: 0, playedSamples: 0, stopped: false, currentSentence: -1 };
  debug.streams[id] = dbg;
  const r = {
    id,
    text,
    params,
    replayOf,
    sentAt: performance.now(),
    stream: null,
    sampleRate: state.sessionRate || DEFAULT_SAMPLE_RATE,
    sentences: [],
    current: -1,
    pcm: [],
    received: 0,
    chunks: 0,
    lastSeq: -1,
    seqGaps: 0,
    bufferedFrames: 0,
    firstFrameAt: null,
    firstPlayedAt: null,
    serverDone: false,
    playDone: false,
    stopped: false,
    error: null,
    watchdog: null,
    wavUrl: null,
    metrics,
    dbg,
    el: null,
  };
  replies.set(id, r);
  rvc.history.push(metrics);
  buildReplyElement(r);
  trimConversation();
  return r;
}

function trimConversation() {
  while (replies.size > MAX_REPLIES) {
    const [oldId, old] = replies.entries().next().value;
    if (!old.playDone && !old.stopped && !old.error) break; // never drop one still playing
    replies.delete(oldId);
    delete debug.streams[oldId];
    const i = rvc.history.indexOf(old.metrics);
    if (i >= 0) rvc.history.splice(i, 1);
    if (old.wavUrl) URL.revokeObjectURL(old.wavUrl);
    old.el.li.remove();
  }
}

function buildReplyElement(r) {
  const li = el('li', 'message');
  const userId = `msg-${r.id}`;

  const user = el('div', 'user');
  user.id = userId;
  const who = el('span', 'who', r.replayOf ? 'You (replay)' : 'You');
  const userText = el('p', 'user-text', r.text);
  user.append(who, userText);

  const reply = el('article', 'reply');
  reply.dataset.id = r.id;
  reply.dataset.status = 'sending';
  reply.setAttribute('aria-describedby', userId);
  const head = el('div', 'reply-head');
  const speaker = el('span', 'who', 'Reply');
  const status = el('span', 'reply-status', STATUS_TEXT.sending);
  head.append(speaker, status);
  const text = el('p', 'reply-text');
  text.append(el('span', 'muted', '…'));
  const numbers = el('dl', 'reply-numbers');
  const actions = el('div', 'reply-actions');
  const replay = el('button', 'replay', 'Replay');
  replay.type = 'button';
  replay.setAttribute('aria-describedby', userId);
  replay.disabled = state.connection !== 'open';
  const download = el('button', 'download', 'Download WAV');
  download.type = 'button';
  download.setAttribute('aria-describedby', userId);
  download.disabled = true;
  actions.append(replay, download);
  reply.append(head, text, numbers, actions);

  li.append(user, reply);
  r.el = { li, reply, status, text, numbers, replay, download };
  ui.messages.append(li);
  ui.messagesEmpty.hidden = true;
  renderNumbers(r);
  li.scrollIntoView({ block: 'nearest' });
}

function setReplyStatus(r, status, detail = '') {
  r.metrics.status = status;
  r.el.reply.dataset.status = status;
  r.el.status.textContent = detail ? `${STATUS_TEXT[status] || status}: ${detail}` : (STATUS_TEXT[status] || status);
}

function failReply(r, code, message) {
  r.error = { code, message };
  r.metrics.error = r.error;
  player.stop(r.id);
  clearTimeout(r.watchdog);
  r.playDone = true;
  setReplyStatus(r, 'error', message ? `${describeError(code)} (${message})` : describeError(code));
  clearHighlight(r);
  updateDownload(r);
}

function markPlayDone(r, status) {
  if (r.playDone) return;
  r.playDone = true;
  clearTimeout(r.watchdog);
  if (status) setReplyStatus(r, status);
  if (status === 'done') {
    for (const s of r.sentences) s.span.classList.add('spoken');
  }
  clearHighlight(r);
  updateDownload(r);
  renderNumbers(r);
  updatePhase();
  emit('finished', r.metrics);
}

function stopReply(r, status) {
  if (!r.serverDone) send({ type: 'cancel', id: r.id });
  r.stopped = true;
  r.dbg.stopped = true;
  if (r.stream != null && !r.serverDone) byStream.delete(r.stream);
  player.stop(r.id);
  clearTimeout(r.watchdog);
  setReplyStatus(r, status);
  clearHighlight(r);
  if (!r.playDone && !player.init) r.playDone = true;
  updateDownload(r);
}

/** If playback stalls (e.g. a suspended audio context), don't leave the reply "speaking" forever. */
function armDrainWatchdog(r) {
  clearTimeout(r.watchdog);
  const seconds = r.received / r.sampleRate;
  r.watchdog = setTimeout(() => {
    if (r.playDone || r.stopped || r.error) return;
    player.stop(r.id); // stale audio must not burst out if the context resumes later
    markPlayDone(r, 'unplayed');
  }, seconds * 1000 + 8000);
}

function isActive(r) {
  return !r.stopped && !r.error && !r.playDone;
}

function updatePhase() {
  const active = [...replies.values()].filter(isActive);
  state.activeIds = active.map((r) => r.id);
  const phase = !active.length ? 'idle' : active.some((r) => r.firstPlayedAt != null) ? 'playing' : 'waiting';
  if (phase !== state.phase) {
    state.phase = phase;
    document.body.dataset.phase = phase;
    ui.activity.textContent = { idle: 'Idle', waiting: 'Waiting for audio…', playing: 'Speaking…' }[phase];
  }
  updateControls();
}

function updateControls() {
  const open = state.connection === 'open';
  ui.speak.disabled = !open;
  ui.stop.disabled = state.activeIds.length === 0;
  for (const r of replies.values()) r.el.replay.disabled = !open;
}

function updateDownload(r) {
  r.el.download.disabled = !(r.pcm.length > 0 && (r.serverDone || r.stopped));
}

// ---------------------------------------------------------------------------
// Sentence highlight
// ---------------------------------------------------------------------------

function updateHighlight(r) {
  if (!r.sentences.length || r.stopped || r.error) return;
  const deviceRate = state.audio.deviceRate || r.sampleRate;
  // Session-rate samples played so far.
  const played = (r.dbg.playedSamples * r.sampleRate) / deviceRate;
  let idx = -1;
  for (let i = 0; i < r.sentences.length; i++) {
    if (r.sentences[i].start < played) idx = i;
    else break;
  }
  if (idx === r.current) return;
  r.current = idx;
  r.dbg.currentSentence = idx >= 0 ? r.sentences[idx].index : -1;
  r.sentences.forEach((s, i) => {
    const current = i === idx && !r.playDone;
    s.span.classList.toggle('current', current);
    s.span.classList.toggle('spoken', i < idx);
    if (current) s.span.setAttribute('aria-current', 'true');
    else s.span.removeAttribute('aria-current');
  });
}

function clearHighlight(r) {
  for (const s of r.sentences) {
    s.span.classList.remove('current');
    s.span.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

function numberRows(m) {
  return [
    ['First frame', fmtMs(m.firstFrameMs), 'Browser: from sending to the first audio frame'],
    ['First sound', fmtMs(m.firstPlayedMs), 'Browser: from sending to the first sample played'],
    ['Server TTFA', fmtMs(m.ttfaMs), 'Server: time to first audio'],
    ['Server total', fmtMs(m.totalMs), 'Server: time to the end of the reply'],
    ['Provider', m.provider ?? '—'],
    ['Tier', m.tier ?? '—'],
    ['Cache', m.cached == null ? '—' : m.cached ? 'hit' : 'miss'],
    ['Failovers', String(m.switches ?? 0)],
  ];
}

function fillDl(dl, rows) {
  const frag = document.createDocumentFragment();
  for (const [name, value, title] of rows) {
    const wrap = el('div', 'metric');
    wrap.dataset.key = name.toLowerCase().replace(/\s+/g, '-');
    const dt = el('dt', null, name);
    if (title) dt.title = title;
    wrap.append(dt, el('dd', null, value));
    frag.append(wrap);
  }
  dl.replaceChildren(frag);
}

function renderNumbers(r) {
  fillDl(r.el.numbers, numberRows(r.metrics));
  if (r.id === latestId) renderGlobal();
}

function renderGlobal() {
  const r = latestId ? replies.get(latestId) : null;
  if (!r) return;
  const m = r.metrics;
  ui.metricsFor.textContent = '(latest reply)';
  ui.ttfa.textContent = `Time to first audio: ${fmtMs(m.firstFrameMs)} first frame · ${fmtMs(m.firstPlayedMs)} first sound`
    + ` · server ${fmtMs(m.ttfaMs)}`;
  const deviceRate = state.audio.deviceRate;
  const buffered = deviceRate ? r.bufferedFrames / deviceRate : 0;
  fillDl(ui.metrics, [
    ...numberRows(m),
    ['Status', STATUS_TEXT[m.status] || m.status],
    ['Audio', m.samples != null ? `${(m.samples / r.sampleRate).toFixed(2)} s` : `${(r.received / r.sampleRate).toFixed(2)} s`],
    ['Buffered', `${Math.round(buffered * 1000)} ms`],
    ['Jitter target', state.jitterTargetMs == null ? '—' : `${state.jitterTargetMs} ms`],
    ['Underruns', String(m.underruns)],
    ['Rates', `${state.sessionRate ?? '—'} → ${deviceRate ?? '—'} Hz`],
  ]);
}

let lastGlobalRender = 0;
function renderGlobalThrottled() {
  const now = performance.now();
  if (now - lastGlobalRender < 250) return;
  lastGlobalRender = now;
  renderGlobal();
}

// ---------------------------------------------------------------------------
// Speak / stop / replay / download
// ---------------------------------------------------------------------------

function requestParams() {
  const p = {
    provider: settings.provider,
    emotion: settings.emotion,
    intensity: settings.intensity,
    quality: settings.quality,
    speed: settings.speed,
    pitch: state.pitchSupported ? settings.pitch : 0,
  };
  if (settings.voice) p.voice = settings.voice;
  return p;
}

function speak(textArg) {
  if (textArg !== undefined) setText(textArg);
  const text = ui.text.value.trim();
  if (!text) {
    reportError('invalid_request', 'Type a message to speak first.');
    ui.text.focus();
    return null;
  }
  if (text.length > MAX_TEXT) {
    reportError('too_large', `The text has ${text.length} characters; the limit is ${MAX_TEXT}.`);
    return null;
  }
  const id = startRequest(text, requestParams());
  if (id) setText('');
  return id;
}

function startRequest(text, params, replayOf = null) {
  if (state.connection !== 'open') {
    reportError('connection', 'Not connected to the server yet; it reconnects automatically.');
    return null;
  }
  ensureAudio(); // the synchronous part runs inside the click/key gesture
  // Barge-in: whatever is playing or still coming stops before the new reply starts.
  for (const r of replies.values()) if (isActive(r)) stopReply(r, 'interrupted');
  const id = makeId();
  const msg = { type: 'synthesize', id, text, ...params };
  createReply(id, text, params, replayOf);
  latestId = id;
  if (!send(msg)) {
    failReply(replies.get(id), 'connection', 'The message could not be sent.');
    updatePhase();
    return null;
  }
  debug.lastRequestSent = msg;
  dismissError();
  renderGlobal();
  updatePhase();
  return id;
}

function stop() {
  const ids = [];
  for (const r of replies.values()) {
    if (!isActive(r)) continue;
    stopReply(r, 'stopped');
    ids.push(r.id);
  }
  updatePhase();
  return ids;
}

function replay(r) {
  return startRequest(r.text, r.params, r.id);
}

function download(r) {
  if (!r.pcm.length) return;
  const wav = buildWav(r.pcm, r.sampleRate);
  if (r.wavUrl) URL.revokeObjectURL(r.wavUrl);
  r.wavUrl = URL.createObjectURL(new Blob([wav], { type: 'audio/wav' }));
  r.el.download.dataset.href = r.wavUrl;
  const a = el('a');
  a.href = r.wavUrl;
  a.download = `reply-${r.id}.wav`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

// ---------------------------------------------------------------------------
// Catalog: providers (refreshed every 30 s) and voices
// ---------------------------------------------------------------------------

const catalog = { providers: [], voices: [], providersLoaded: false, voicesLoaded: false };
const PROVIDER_REFRESH_MS = 30000;

async function getJson(path) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 8000);
  try {
    if (!apiToken) await refreshToken();
    const headers = { Accept: 'application/json' };
    if (apiToken) headers.Authorization = `Bearer ${apiToken}`;
    let res = await fetch(path, { signal: ctrl.signal, headers, cache: 'no-store' });
    if (res.status === 401 && await refreshToken()) {
      headers.Authorization = `Bearer ${apiToken}`;
      res = await fetch(path, { signal: ctrl.signal, headers, cache: 'no-store' });
    }
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}

function catalogFailed(err) {
  // While disconnected the failure is expected and the indicator already says so.
  if (state.connection !== 'open') return;
  const first = !catalog.providersLoaded && !catalog.voicesLoaded;
  reportError('catalog', err?.message || String(err), { show: first });
}

async function loadProviders() {
  try {
    const body = await getJson('/api/v1/providers');
    if (!Array.isArray(body?.providers)) throw new Error('/api/v1/providers: unexpected answer');
    catalog.providers = body.providers.filter((p) => p && typeof p.name === 'string');
    catalog.providersLoaded = true;
    state.providers = catalog.providers.map((p) => ({ name: p.name, available: p.available !== false, pitch: p.pitch === true }));
    dismissError('catalog');
    fillProviders();
    applyProviderCaps();
    emit('providers', catalog.providers);
  } catch (err) {
    catalogFailed(err);
  }
}

async function loadVoices() {
  try {
    const body = await getJson('/api/v1/voices');
    if (!Array.isArray(body?.voices)) throw new Error('/api/v1/voices: unexpected answer');
    catalog.voices = body.voices.filter((v) => v && typeof v.id === 'string');
    catalog.voicesLoaded = true;
    state.voices = catalog.voices.length;
    fillVoices();
  } catch (err) {
    catalogFailed(err);
  }
}

function loadCatalog() {
  return Promise.all([loadProviders(), loadVoices()]);
}

let providerSignature = '';
function fillProviders() {
  const list = catalog.providers;
  const names = new Set(list.map((p) => p.name));
  const entries = [['auto', 'Auto (best available)', false]];
  for (const p of list) {
    const available = p.available !== false;
    entries.push([p.name, `${p.name} — ${available ? 'available' : 'unavailable'}`, false]);
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

  const available = list.filter((p) => p.available !== false);
  let note;
  if (!catalog.providersLoaded) note = 'Checking availability…';
  else if (settings.provider === 'auto') {
    note = available.length
      ? `${available.length} of ${list.length} provider${list.length === 1 ? '' : 's'} available`
      : 'No provider is available right now';
  } else {
    const p = list.find((x) => x.name === settings.provider);
    note = !p ? `${settings.provider} is not running` : p.available !== false
      ? `${p.name} is available` : `${p.name} is unavailable${typeof p.detail === 'string' && p.detail ? `: ${p.detail}` : ' right now'}`;
  }
  ui.providerNote.textContent = note;
  ui.providerNote.dataset.ok = String(settings.provider === 'auto' ? available.length > 0
    : available.some((p) => p.name === settings.provider));
  updatePitchSupport();
}

let languageNames = null;
function languageName(code) {
  try {
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
    const name = languageNames.of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

function voiceLabel(v) {
  const name = v.name || v.id;
  return name === v.id ? name : `${name} (${v.id})`;
}

let voiceSignature = '';
function fillVoices() {
  const prov = settings.provider;
  let list = prov === 'auto' ? catalog.voices : catalog.voices.filter((v) => v.provider === prov);
  if (!list.length && prov !== 'auto') {
    // The provider lists voice ids but /voices has no details for them.
    const p = catalog.providers.find((x) => x.name === prov);
    list = (p?.voices || []).map((id) => ({ provider: prov, id, name: id, language: id }));
  }
  const groups = groupVoices(list, languageName);
  const known = new Set(list.map((v) => v.id));
  if (settings.voice && !known.has(settings.voice)) {
    if (catalog.voicesLoaded) settings.voice = ''; // not offered here: the provider's default applies
  }
  const signature = JSON.stringify([prov, settings.voice && !known.has(settings.voice) ? settings.voice : '',
    groups.map((g) => [g.provider, g.language, g.voices.map((v) => v.id)])]);
  if (signature !== voiceSignature) {
    voiceSignature = signature;
    const frag = document.createDocumentFragment();
    const p = catalog.providers.find((x) => x.name === prov);
    frag.append(option('', p?.defaultVoice ? `Default voice (${p.defaultVoice})` : 'Default voice'));
    if (settings.voice && !known.has(settings.voice)) frag.append(option(settings.voice, settings.voice));
    for (const g of groups) {
      const group = el('optgroup');
      group.label = `${g.provider} · ${g.languageName}`;
      for (const v of g.voices) {
        const opt = option(v.id, voiceLabel(v));
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
  const p = catalog.providers.find((x) => x.name === settings.provider);
  restrictSelect(ui.emotion, p?.emotions);
  restrictSelect(ui.quality, p?.qualityTiers);
}

function restrictSelect(select, allowed) {
  const limit = Array.isArray(allowed) && allowed.length ? new Set(allowed) : null;
  for (const opt of select.options) opt.disabled = limit ? !limit.has(opt.value) : false;
}

/** Pitch shows only if the selected provider declares `"pitch": true` (auto: any available one does). */
function updatePitchSupport() {
  const list = catalog.providers;
  const supported = settings.provider === 'auto'
    ? list.some((p) => p.available !== false && p.pitch === true)
    : list.some((p) => p.name === settings.provider && p.pitch === true);
  ui.pitchField.hidden = !supported;
  ui.pitch.disabled = !supported;
  if (supported !== state.pitchSupported) {
    state.pitchSupported = supported;
    scheduleSettings();
  }
}

// ---------------------------------------------------------------------------
// Settings: controls ↔ settings object ↔ server
// ---------------------------------------------------------------------------

let settingsTimer = null;

function settingsMessage() {
  const msg = {
    type: 'settings',
    provider: settings.provider,
    voice: settings.voice || null, // null clears the session voice: the provider's default applies
    emotion: settings.emotion,
    intensity: settings.intensity,
    quality: settings.quality,
    speed: settings.speed,
  };
  if (state.pitchSupported) msg.pitch = settings.pitch;
  return msg;
}

function sendSettingsNow() {
  clearTimeout(settingsTimer);
  settingsTimer = null;
  if (state.ready) send(settingsMessage());
}

/** Debounced: sliders fire many input events while dragging. */
function scheduleSettings() {
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(sendSettingsNow, 250);
}

function applySettingsToControls() {
  ui.emotion.value = settings.emotion;
  ui.quality.value = settings.quality;
  ui.intensity.value = String(settings.intensity);
  ui.speed.value = String(settings.speed);
  ui.pitch.value = String(settings.pitch);
  if (settings.provider !== 'auto') fillProviders();
  ui.provider.value = settings.provider;
  fillVoices();
  updateSliderOutputs();
}

function readControl(name) {
  switch (name) {
    case 'provider': settings.provider = ui.provider.value || 'auto'; break;
    case 'voice': settings.voice = ui.voice.value; break;
    case 'emotion': settings.emotion = ui.emotion.value; break;
    case 'quality': settings.quality = ui.quality.value; break;
    case 'intensity': settings.intensity = Number(ui.intensity.value); break;
    case 'speed': settings.speed = Number(ui.speed.value); break;
    case 'pitch': settings.pitch = Number(ui.pitch.value); break;
    default: break;
  }
}

function onSettingChanged(name) {
  readControl(name);
  if (name === 'provider') {
    fillProviders();
    fillVoices();
    applyProviderCaps();
  }
  updateSliderOutputs();
  saveSettings();
  scheduleSettings();
  emit('settings', { ...settings });
}

function updateSliderOutputs() {
  ui.intensityValue.textContent = Number(ui.intensity.value).toFixed(2);
  ui.speedValue.textContent = `${Number(ui.speed.value).toFixed(2)}×`;
  ui.speed.setAttribute('aria-valuetext', `${Number(ui.speed.value).toFixed(2)} times normal speed`);
  const pitch = Number(ui.pitch.value);
  ui.pitchValue.textContent = `${pitch > 0 ? '+' : ''}${pitch.toFixed(2)}`;
  ui.pitch.setAttribute('aria-valuetext', pitch === 0 ? 'normal pitch'
    : `${pitch > 0 ? 'higher' : 'lower'} by ${Math.abs(pitch).toFixed(2)}`);
}

// ---------------------------------------------------------------------------
// Text box
// ---------------------------------------------------------------------------

function setText(text) {
  ui.text.value = text;
  updateCounter();
}

let lastCountBand = null;
function updateCounter() {
  const len = ui.text.value.length;
  ui.count.textContent = `${len} / ${MAX_TEXT}`;
  const band = len > MAX_TEXT ? 'over' : len >= MAX_TEXT * 0.9 ? 'warn' : '';
  ui.count.dataset.band = band;
  ui.text.setAttribute('aria-invalid', String(band === 'over'));
  // Tell screen readers only when a threshold is crossed, not on every keystroke.
  if (band !== lastCountBand) {
    lastCountBand = band;
    ui.countSr.textContent = band === 'over'
      ? `Too long: ${len - MAX_TEXT} characters over the limit of ${MAX_TEXT}.`
      : band === 'warn' ? `${MAX_TEXT - len} characters left.` : `Up to ${MAX_TEXT} characters.`;
  }
}

// ---------------------------------------------------------------------------
// Wiring + boot
// ---------------------------------------------------------------------------

function wire() {
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    speak();
  });
  ui.text.addEventListener('keydown', (e) => {
    // Enter sends, Shift+Enter inserts a newline; never while an IME is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      speak();
    }
  });
  ui.text.addEventListener('input', updateCounter);
  ui.stop.addEventListener('click', () => {
    stop();
    ui.text.focus();
  });

  const controls = {
    provider: ui.provider, voice: ui.voice, emotion: ui.emotion, quality: ui.quality,
    intensity: ui.intensity, speed: ui.speed, pitch: ui.pitch,
  };
  for (const [name, control] of Object.entries(controls)) {
    const event = control.type === 'range' ? 'input' : 'change';
    control.addEventListener(event, () => onSettingChanged(name));
  }

  ui.messages.addEventListener('click', (e) => {
    const button = e.target.closest('button');
    const replyEl = button?.closest('.reply');
    const r = replyEl ? replies.get(replyEl.dataset.id) : null;
    if (!r || button.disabled) return;
    if (button.classList.contains('replay')) replay(r);
    else if (button.classList.contains('download')) download(r);
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.activeIds.length) {
      e.preventDefault();
      stop();
    }
  });

  // Create the AudioContext on the very first gesture so the first reply has no setup delay.
  const warmUp = () => ensureAudio();
  document.addEventListener('pointerdown', warmUp, { once: true, capture: true });
  document.addEventListener('keydown', warmUp, { once: true, capture: true });

  ui.reconnect.addEventListener('click', () => connect());
  window.addEventListener('online', () => { if (!ws) connect(); });
}

wire();
applySettingsToControls();
updateCounter();
updatePhase();
loadCatalog();
// Live availability; skipped while disconnected (every reconnect reloads the catalog anyway).
setInterval(() => { if (state.connection === 'open') loadProviders(); }, PROVIDER_REFRESH_MS);
connect();
