// Enhanced RealtimeVoiceChat – browser client.
// One WebSocket carries JSON control messages and binary PCM frames; audio is played
// through an AudioWorklet FIFO so playback starts with the first chunk.

import {
  MAX_TEXT, DEFAULT_SAMPLE_RATE, PING_INTERVAL_MS,
  wsUrl, backoffDelay, makeId, parseAudioFrame,
} from './protocol.js';

// ---------------------------------------------------------------------------
// DOM
// ---------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('speak-form'),
  text: $('text'),
  count: $('count'),
  countSr: $('count-sr'),
  provider: $('provider'),
  voice: $('voice'),
  emotion: $('emotion'),
  intensity: $('intensity'),
  intensityValue: $('intensity-value'),
  quality: $('quality'),
  speed: $('speed'),
  speedValue: $('speed-value'),
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
  history: $('history'),
  transcript: $('transcript'),
  audioInfo: $('audio-info'),
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------------------
// Observable state (read by the UI and by automated browser tests via window.rvc)
// ---------------------------------------------------------------------------

const state = {
  status: 'connecting',   // connecting | connected | reconnecting
  connected: false,       // socket open
  ready: false,           // server's `ready` received
  session: null,
  serverSampleRate: DEFAULT_SAMPLE_RATE,
  audio: { state: 'none', backend: null, sampleRate: null, resampling: false },
  phase: 'idle',          // idle | synthesizing | playing
  activeId: null,         // latest request still synthesizing or playing
  inFlight: [],           // ids sent to the server without audio_end/error yet
  playing: false,
  currentSentence: null,  // {index, text} being spoken
  bufferedSeconds: 0,
  reconnectAttempts: 0,
  nextReconnectMs: null,
  rttMs: null,
  underruns: 0,
  droppedFrames: 0,       // frames for unknown/cancelled streams
  catalogLoaded: false,
};

const rvc = {
  state,
  lastMetrics: null,
  errors: [],
  history: [],
  speak: (text) => {
    if (typeof text === 'string') setText(text);
    return speak();
  },
  stop: () => stop(),
};
window.rvc = rvc;

function emit(name, detail) {
  window.dispatchEvent(new CustomEvent(`rvc:${name}`, { detail }));
}

/** Request records by client id; removed once finished. */
const requests = new Map();
/** Server stream number → request record, learned from audio_start. */
const streams = new Map();
/** Ids we cancelled recently: late errors about them are expected and not shown. */
const cancelledIds = new Set();

let catalog = { providers: [], voices: [] };
let latestId = null;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

function reportError(code, message, id = null, { show = true } = {}) {
  const err = { code: code || 'internal', message: message || '', id: id ?? null, at: Date.now() };
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
  ui.error.dataset.code = err.code;
  ui.error.replaceChildren(
    el('span', 'error-code', err.code),
    el('span', 'error-message', err.message),
    dismiss,
  );
}

function dismissError() {
  ui.error.replaceChildren();
  delete ui.error.dataset.code;
}

// ---------------------------------------------------------------------------
// Audio: AudioContext + worklet, created on the first user gesture (autoplay policy)
// ---------------------------------------------------------------------------

const player = {
  ctx: null,
  node: null,
  ready: false,
  pending: [],   // messages posted before the worklet finished loading
  send: null,    // (msg, transfer) => void once ready
  init: null,    // promise while/after initialising

  post(msg, transfer = []) {
    if (!this.init) return; // no audio (never initialised or unsupported)
    if (this.ready) this.send(msg, transfer);
    else this.pending.push([msg, transfer]);
  },

  flush() {
    // Drop not-yet-delivered messages too, otherwise they would play after the flush.
    this.pending.length = 0;
    this.post({ type: 'flush' });
    state.bufferedSeconds = 0;
  },
};

/**
 * Must be called synchronously from a user gesture the first time: the AudioContext is
 * constructed before the first await so the browser lets it start.
 */
function ensureAudio() {
  if (player.ctx) {
    if (player.ctx.state === 'suspended') player.ctx.resume().catch(() => {});
    return player.init;
  }
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) {
    player.init = null;
    reportError('audio', 'This browser has no Web Audio support; metrics only, no playback.');
    return Promise.resolve(false);
  }
  let ctx;
  try {
    // Matching the server rate avoids resampling entirely.
    ctx = new Ctx({ sampleRate: state.serverSampleRate, latencyHint: 'interactive' });
  } catch {
    // Some browsers refuse arbitrary rates; the worklet then resamples linearly.
    ctx = new Ctx({ latencyHint: 'interactive' });
  }
  player.ctx = ctx;
  state.audio.sampleRate = ctx.sampleRate;
  state.audio.resampling = ctx.sampleRate !== state.serverSampleRate;
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
      // Plain-http LAN access has no AudioWorklet; reuse the same queue on the main thread.
      console.warn('[rvc] AudioWorklet failed, using ScriptProcessor fallback:', err);
      const { PcmQueue } = await import('./pcm-player.worklet.js');
      const queue = new PcmQueue(ctx.sampleRate, (msg) => queueMicrotask(() => onPlayerEvent(msg)));
      const proc = ctx.createScriptProcessor(2048, 1, 1);
      proc.onaudioprocess = (e) => queue.render(e.outputBuffer.getChannelData(0));
      proc.connect(ctx.destination);
      player.node = proc; // keep a reference: an unreferenced ScriptProcessor may be collected
      player.send = (msg) => queue.handle(msg);
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
    return false;
  });
  renderAudioInfo();
  return player.init;
}

function onPlayerEvent(msg) {
  if (!msg) return;
  const req = msg.tag != null ? requests.get(msg.tag) : null;
  switch (msg.type) {
    case 'started':
      if (!req || req.firstPlayedAt != null) return;
      req.firstPlayedAt = performance.now();
      if (req.id === state.activeId) {
        state.phase = 'playing';
        state.playing = true;
        renderActivity();
      }
      updateHighlight(req);
      renderLive(req);
      break;
    case 'pos':
      if (!req) return;
      req.played = msg.played;
      updateHighlight(req);
      updateBuffered(req);
      renderLiveThrottled(req);
      break;
    case 'underrun':
      if (!req) return;
      req.underruns += 1;
      state.underruns += 1;
      renderLive(req);
      break;
    case 'drained':
      if (!req) return;
      if (msg.played) req.played = msg.played;
      finishRequest(req, 'done');
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------
// WebSocket connection with reconnect + keepalive
// ---------------------------------------------------------------------------

let ws = null;
let reconnectTimer = null;
let pingTimer = null;
let pingSentAt = 0;
let pingOutstanding = false;
let missedPongs = 0;

function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (ws) return;
  state.nextReconnectMs = null;
  setStatus(state.reconnectAttempts ? 'reconnecting' : 'connecting', 'Connecting…');
  let sock;
  try {
    sock = new WebSocket(wsUrl());
  } catch (err) {
    reportError('connection', `Cannot open WebSocket: ${err.message || err}`);
    scheduleReconnect();
    return;
  }
  sock.binaryType = 'arraybuffer';
  ws = sock;
  // Every handler checks `ws === sock` so events from a replaced socket are ignored.
  sock.onopen = () => {
    if (ws !== sock) return;
    state.connected = true;
    setStatus('connected', 'Connected');
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
    onDisconnected(event.reason || `code ${event.code}`);
  };
  sock.onerror = () => { /* a close event always follows; handled there */ };
}

function send(obj) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(obj));
  return true;
}

function onDisconnected(reason) {
  state.connected = false;
  state.ready = false;
  stopPing();
  // Requests the server was still producing are lost; audio already fully received keeps playing.
  const lost = [...requests.values()].filter((r) => !r.done && !r.ended);
  if (lost.length) {
    player.flush();
    for (const req of lost) {
      req.error = { code: 'connection', message: 'Connection lost' };
      finishRequest(req, 'error');
    }
    reportError('connection', `Connection lost during synthesis (${reason}).`, lost[lost.length - 1].id);
  }
  streams.clear();
  scheduleReconnect();
}

function scheduleReconnect() {
  clearTimeout(reconnectTimer);
  const delay = backoffDelay(state.reconnectAttempts);
  state.reconnectAttempts += 1;
  state.nextReconnectMs = delay;
  reconnectTimer = setTimeout(connect, delay);
  setStatus('reconnecting', `Disconnected — retrying in ${Math.round(delay / 1000)} s`);
}

/** Drops a socket that stopped answering pings (TCP may take minutes to notice). */
function forceReconnect(reason) {
  const sock = ws;
  ws = null;
  try { sock?.close(4000, reason); } catch { /* already closing */ }
  onDisconnected(reason);
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

function setStatus(kind, text) {
  state.status = kind;
  ui.status.dataset.state = kind;
  ui.statusText.textContent = text;
  ui.reconnect.hidden = kind !== 'reconnecting' || !reconnectTimer;
  if (kind !== 'connected') ui.rtt.textContent = '';
  updateControls();
}

// ---------------------------------------------------------------------------
// Incoming messages
// ---------------------------------------------------------------------------

function onTextMessage(raw) {
  let msg;
  try {
    msg = JSON.parse(raw);
  } catch {
    reportError('internal', 'Received malformed message from server.', null, { show: false });
    return;
  }
  switch (msg.type) {
    case 'ready': onReady(msg); break;
    case 'pong': onPong(); break;
    case 'audio_start': onAudioStart(msg); break;
    case 'sentence': onSentence(msg); break;
    case 'audio_end': onAudioEnd(msg); break;
    case 'error': onServerError(msg); break;
    default: break; // forward compatible: ignore unknown types
  }
}

function onReady(msg) {
  state.ready = true;
  state.session = msg.session ?? null;
  if (Number(msg.sampleRate) > 0) state.serverSampleRate = Number(msg.sampleRate);
  state.reconnectAttempts = 0; // only a real handshake resets the backoff
  if (player.ctx) state.audio.resampling = player.ctx.sampleRate !== state.serverSampleRate;
  setStatus('connected', 'Connected');
  sendSettings();
  if (!state.catalogLoaded) loadCatalog();
  emit('ready', msg);
}

function onPong() {
  pingOutstanding = false;
  missedPongs = 0;
  state.rttMs = Math.round(performance.now() - pingSentAt);
  ui.rtt.textContent = `RTT ${state.rttMs} ms`;
}

function onAudioStart(msg) {
  const req = requests.get(msg.id);
  if (!req || req.done) return; // cancelled before the server started; its frames are dropped
  req.stream = msg.stream >>> 0;
  req.provider = msg.provider ?? req.provider;
  req.voice = msg.voice ?? req.voice;
  if (Number(msg.sampleRate) > 0) req.sampleRate = Number(msg.sampleRate);
  streams.set(req.stream, req);
  req.status = 'streaming';
  renderLive(req);
}

function onSentence(msg) {
  const req = requests.get(msg.id);
  if (!req || req.done) return;
  // Sentence messages precede their audio, so the samples received so far mark where it starts.
  req.sentences.push({ index: msg.index, text: String(msg.text ?? ''), start: req.samplesReceived });
  if (req.id === state.activeId) renderTranscript(req);
}

function onBinaryMessage(buf) {
  const frame = parseAudioFrame(buf);
  const req = frame && streams.get(frame.stream);
  if (!req || req.done) {
    state.droppedFrames += 1; // late frames of a cancelled request: expected after barge-in
    return;
  }
  if (req.firstFrameAt == null) {
    req.firstFrameAt = performance.now();
    renderLive(req);
  }
  if (frame.seq !== req.lastSeq + 1) req.seqGaps += 1;
  req.lastSeq = frame.seq;
  req.chunks += 1;
  req.samplesReceived += frame.samples.length;
  player.post(
    { type: 'chunk', tag: req.id, rate: req.sampleRate, samples: frame.samples },
    [frame.samples.buffer],
  );
  updateBuffered(req);
}

function onAudioEnd(msg) {
  const req = requests.get(msg.id);
  if (!req || req.done) return;
  req.ended = true;
  req.status = 'received'; // all audio is here; playback may still be running
  req.server = {
    chunks: msg.chunks, samples: msg.samples, ttfaMs: msg.ttfaMs, totalMs: msg.totalMs,
    cached: msg.cached, provider: msg.provider,
  };
  if (msg.provider) req.provider = msg.provider;
  if (req.stream != null) streams.delete(req.stream); // all its frames arrived before this message
  syncInFlight();
  if (player.init && req.samplesReceived > 0) {
    player.post({ type: 'end', tag: req.id });
    armDrainWatchdog(req);
    publishMetrics(req);
  } else {
    finishRequest(req, 'done'); // nothing to play (no audio, or audio unavailable)
  }
  renderLive(req);
}

function onServerError(msg) {
  const code = msg.code || 'internal';
  const message = msg.message || 'Server error';
  const req = msg.id != null ? requests.get(msg.id) : null;
  if (req && !req.done) {
    req.error = { code, message };
    if (req.samplesReceived > 0) player.flush();
    finishRequest(req, 'error');
  }
  reportError(code, message, msg.id ?? null, { show: !cancelledIds.has(msg.id) });
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

function currentParams() {
  const params = {
    provider: ui.provider.value || 'auto',
    emotion: ui.emotion.value,
    intensity: Number(ui.intensity.value),
    quality: ui.quality.value,
    speed: Number(ui.speed.value),
  };
  if (ui.voice.value) params.voice = ui.voice.value; // empty = server default
  return params;
}

function speak() {
  const text = ui.text.value.trim();
  if (!text) {
    reportError('invalid_request', 'Enter some text to speak.');
    ui.text.focus();
    return null;
  }
  if (text.length > MAX_TEXT) {
    reportError('too_large', `Text is ${text.length} characters; the limit is ${MAX_TEXT}.`);
    return null;
  }
  if (!state.connected) {
    reportError('connection', 'Not connected to the server yet.');
    return null;
  }
  ensureAudio(); // synchronous part runs inside the click/keypress gesture
  cancelAll('interrupted'); // barge-in: old audio stops before the new request starts

  const id = makeId();
  const params = currentParams();
  const req = {
    id, text, params,
    sentAt: performance.now(),
    startedAt: Date.now(),
    stream: null,
    provider: params.provider === 'auto' ? null : params.provider,
    voice: params.voice ?? null,
    sampleRate: state.serverSampleRate,
    firstFrameAt: null,
    firstPlayedAt: null,
    chunks: 0,
    samplesReceived: 0,
    played: 0,
    lastSeq: -1,
    seqGaps: 0,
    underruns: 0,
    sentences: [],
    current: -1,
    server: null,
    error: null,
    ended: false,
    done: false,
    status: 'pending',
  };
  requests.set(id, req);
  latestId = id;
  state.activeId = id;
  state.phase = 'synthesizing';
  state.currentSentence = null;
  send({ type: 'synthesize', id, text, ...params });
  dismissError();
  syncInFlight();
  renderActivity();
  renderTranscript(req);
  renderLive(req);
  return id;
}

function stop() {
  const stopped = cancelAll('cancelled');
  player.flush();
  return stopped;
}

/** Cancels every unfinished request and silences the player. Returns the ids affected. */
function cancelAll(status) {
  const affected = [];
  for (const req of [...requests.values()]) {
    if (req.done) continue;
    if (!req.ended) {
      send({ type: 'cancel', id: req.id }); // server still producing
      cancelledIds.add(req.id);
      if (cancelledIds.size > 50) cancelledIds.delete(cancelledIds.values().next().value);
    }
    finishRequest(req, status);
    affected.push(req.id);
  }
  if (affected.length) player.flush();
  return affected;
}

/** If playback stalls (e.g. a suspended context) don't leave the UI "playing" forever. */
function armDrainWatchdog(req) {
  const remaining = Math.max(0, req.samplesReceived - req.played) / req.sampleRate;
  setTimeout(() => {
    if (!req.done) {
      req.drainTimeout = true;
      // Stale audio must not burst out if a suspended context resumes later.
      if (req.id === state.activeId) player.flush();
      finishRequest(req, 'done');
    }
  }, remaining * 1000 + 5000);
}

function finishRequest(req, status) {
  if (req.done) return;
  req.done = true;
  req.status = status;
  req.doneAt = performance.now();
  requests.delete(req.id);
  if (req.stream != null && streams.get(req.stream) === req) streams.delete(req.stream);
  if (state.activeId === req.id) {
    state.activeId = null;
    state.phase = 'idle';
    state.playing = false;
    state.bufferedSeconds = 0;
  }
  syncInFlight();
  const metrics = publishMetrics(req);
  rvc.history.unshift(metrics);
  if (rvc.history.length > 20) rvc.history.pop();
  renderHistory();
  if (req.id === latestId) renderTranscript(req);
  renderActivity();
  emit('finished', metrics);
}

function syncInFlight() {
  state.inFlight = [...requests.values()].filter((r) => !r.done && !r.ended).map((r) => r.id);
}

function round(x, digits = 0) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function metricsOf(req) {
  const s = req.server || {};
  const samples = s.samples ?? req.samplesReceived;
  return {
    id: req.id,
    status: req.status,
    provider: s.provider ?? req.provider ?? null,
    voice: req.voice,
    stream: req.stream,
    textChars: req.text.length,
    // Browser-side: send → first binary frame, and send → first sample rendered by the worklet.
    browserTtfaMs: req.firstFrameAt != null ? round(req.firstFrameAt - req.sentAt) : null,
    playedTtfaMs: req.firstPlayedAt != null ? round(req.firstPlayedAt - req.sentAt) : null,
    // Server-reported (audio_end), same names as on the wire.
    ttfaMs: s.ttfaMs ?? null,
    totalMs: s.totalMs ?? null,
    chunks: s.chunks ?? req.chunks,
    samples,
    cached: s.cached ?? null,
    audioSeconds: round(samples / (req.sampleRate || DEFAULT_SAMPLE_RATE), 3),
    sampleRate: req.sampleRate,
    chunksReceived: req.chunks,
    samplesReceived: req.samplesReceived,
    sentences: req.sentences.length,
    underruns: req.underruns,
    seqGaps: req.seqGaps,
    wallMs: req.doneAt != null ? round(req.doneAt - req.sentAt) : null,
    // Device latency after the worklet renders a sample (not included in playedTtfaMs).
    outputLatencyMs: player.ctx
      ? round(((player.ctx.baseLatency || 0) + (player.ctx.outputLatency || 0)) * 1000) : null,
    error: req.error,
  };
}

/** lastMetrics always describes the most recent request, never an older interrupted one. */
function publishMetrics(req) {
  const metrics = metricsOf(req);
  if (req.id === latestId) {
    rvc.lastMetrics = metrics;
    renderMetrics(metrics);
    emit('metrics', metrics);
  }
  return metrics;
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

const fmtMs = (v) => (v == null ? '—' : `${Math.round(v)} ms`);
const fmtBool = (v) => (v == null ? '—' : v ? 'yes' : 'no');

function updateControls() {
  const disabled = !state.connected;
  ui.speak.disabled = disabled;
  ui.stop.disabled = disabled;
}

function renderActivity() {
  const text = {
    idle: 'Idle',
    synthesizing: 'Synthesizing…',
    playing: 'Speaking…',
  }[state.phase];
  if (ui.activity.textContent !== text) ui.activity.textContent = text;
  document.body.dataset.phase = state.phase;
}

/** Updates the metrics panel while a request streams (before its final numbers exist). */
function renderLive(req) {
  if (req.id !== latestId) return;
  renderMetrics(metricsOf(req));
}

let lastLiveRender = 0;
function renderLiveThrottled(req) {
  const now = performance.now();
  if (now - lastLiveRender < 250) return; // pos events come every ~50 ms
  lastLiveRender = now;
  renderLive(req);
}

function renderMetrics(m) {
  const parts = [];
  parts.push(`first frame ${fmtMs(m.browserTtfaMs)}`);
  parts.push(`first played ${fmtMs(m.playedTtfaMs)}`);
  ui.ttfa.textContent = `Time to first audio: ${parts.join(' · ')}`;

  const rows = [
    ['Status', m.status],
    ['Provider', m.provider ?? '—'],
    ['Voice', m.voice ?? '—'],
    ['Server TTFA', fmtMs(m.ttfaMs)],
    ['Server total', fmtMs(m.totalMs)],
    ['Audio', m.samples ? `${m.audioSeconds.toFixed(2)} s` : '—'],
    ['Chunks', String(m.chunks ?? 0)],
    ['Cached', fmtBool(m.cached)],
    ['Underruns', String(m.underruns)],
    ['Buffered', `${state.bufferedSeconds.toFixed(2)} s`],
  ];
  const frag = document.createDocumentFragment();
  for (const [name, value] of rows) {
    const wrap = el('div', 'metric');
    wrap.dataset.key = name.toLowerCase().replace(/\s+/g, '-');
    wrap.append(el('dt', null, name), el('dd', null, value));
    frag.append(wrap);
  }
  ui.metrics.replaceChildren(frag);
}

function updateBuffered(req) {
  if (req.id !== state.activeId) return;
  state.bufferedSeconds = Math.max(0, req.samplesReceived - req.played) / req.sampleRate;
  const dd = ui.metrics.querySelector('[data-key="buffered"] dd');
  if (dd) dd.textContent = `${state.bufferedSeconds.toFixed(2)} s`;
}

function renderHistory() {
  const tbody = ui.history.tBodies[0];
  const frag = document.createDocumentFragment();
  for (const m of rvc.history) {
    const tr = el('tr');
    tr.dataset.status = m.status;
    for (const v of [
      m.status, m.provider ?? '—', m.voice ?? '—', fmtMs(m.browserTtfaMs), fmtMs(m.playedTtfaMs),
      fmtMs(m.ttfaMs), fmtMs(m.totalMs), m.samples ? `${m.audioSeconds.toFixed(2)} s` : '—',
      String(m.chunks ?? 0), fmtBool(m.cached),
    ]) tr.append(el('td', null, v));
    frag.append(tr);
  }
  tbody.replaceChildren(frag);
}

function renderTranscript(req) {
  const frag = document.createDocumentFragment();
  if (req.sentences.length) {
    req.sentences.forEach((s, i) => {
      const span = el('span', 'sentence', s.text);
      span.dataset.index = String(s.index);
      span.dataset.pos = String(i);
      frag.append(span, ' ');
    });
  } else {
    // No sentence messages (yet): show the whole text as one unit.
    const span = el('span', 'sentence pending', req.text);
    span.dataset.pos = '0';
    frag.append(span);
  }
  ui.transcript.replaceChildren(frag);
  applyHighlight(req);
}

/** Picks the sentence whose first sample has been played (approximation by queue position). */
function updateHighlight(req) {
  if (req.id !== state.activeId) return;
  let idx = req.sentences.length ? -1 : (req.firstPlayedAt != null ? 0 : -1);
  for (let i = 0; i < req.sentences.length; i++) {
    if (req.sentences[i].start <= req.played) idx = i;
    else break;
  }
  if (idx === req.current) return;
  req.current = idx;
  const s = req.sentences[idx];
  state.currentSentence = s ? { index: s.index, text: s.text } : null;
  applyHighlight(req);
}

function applyHighlight(req) {
  const active = !req.done;
  for (const span of ui.transcript.querySelectorAll('.sentence')) {
    const pos = Number(span.dataset.pos);
    const current = active && pos === req.current;
    span.classList.toggle('current', current);
    span.classList.toggle('spoken', req.done ? req.status === 'done' : pos < req.current);
    if (current) span.setAttribute('aria-current', 'true');
    else span.removeAttribute('aria-current');
  }
  if (req.done) state.currentSentence = null;
}

function renderAudioInfo() {
  const a = state.audio;
  if (!player.ctx) return;
  const rate = a.sampleRate ? `${a.sampleRate} Hz` : '';
  const resample = a.resampling ? ` (resampling from ${state.serverSampleRate} Hz)` : '';
  const backend = a.backend ? ` · ${a.backend}` : '';
  ui.audioInfo.textContent = `Audio ${a.state} · ${rate}${resample}${backend}`;
}

// ---------------------------------------------------------------------------
// Catalog: providers + voices
// ---------------------------------------------------------------------------

let catalogLoading = false;

async function getJson(path) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 8000);
  try {
    const res = await fetch(path, { signal: ctrl.signal, headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}

async function loadCatalog() {
  if (catalogLoading) return;
  catalogLoading = true;
  try {
    const [prov, voices] = await Promise.allSettled([
      getJson('/api/v1/providers'),
      getJson('/api/v1/voices'),
    ]);
    if (prov.status === 'fulfilled' && Array.isArray(prov.value?.providers)) {
      catalog.providers = prov.value.providers;
    }
    if (voices.status === 'fulfilled' && Array.isArray(voices.value?.voices)) {
      catalog.voices = voices.value.voices;
    }
    const failed = [prov, voices].filter((r) => r.status === 'rejected');
    if (failed.length) {
      reportError('catalog', `Could not load voices/providers: ${failed[0].reason?.message || failed[0].reason}`);
    } else {
      state.catalogLoaded = true;
      if (ui.error.dataset.code === 'catalog') dismissError();
    }
    fillProviders();
    fillVoices();
    scheduleSettings(); // the default voice may have changed without a change event
    emit('catalog', catalog);
  } finally {
    catalogLoading = false;
  }
}

function option(value, label, disabled = false) {
  const opt = el('option', null, label);
  opt.value = value;
  opt.disabled = disabled;
  return opt;
}

function fillProviders() {
  const prev = ui.provider.value || 'auto';
  ui.provider.replaceChildren(option('auto', 'Auto (best available)'));
  for (const p of catalog.providers) {
    const available = p.available !== false;
    ui.provider.append(option(p.name, available ? p.name : `${p.name} (unavailable)`, !available));
  }
  const keep = [...ui.provider.options].some((o) => o.value === prev && !o.disabled);
  ui.provider.value = keep ? prev : 'auto';
  applyProviderCaps();
}

function voiceLabel(v) {
  const extra = [v.language, v.gender].filter(Boolean).join(', ');
  return extra ? `${v.name || v.id} (${extra})` : (v.name || v.id);
}

function fillVoices() {
  const prov = ui.provider.value;
  const prev = ui.voice.value;
  let list = prov === 'auto' ? catalog.voices : catalog.voices.filter((v) => v.provider === prov);
  if (!list.length && prov !== 'auto') {
    // Provider listed voice ids but /voices had no details for them.
    const p = catalog.providers.find((x) => x.name === prov);
    list = (p?.voices || []).map((id) => ({ provider: prov, id, name: id }));
  }

  const frag = document.createDocumentFragment();
  if (!list.length) {
    frag.append(option('', 'Default voice'));
  } else if (prov === 'auto') {
    // Group by provider so the same id from two engines stays distinguishable.
    const groups = new Map();
    for (const v of list) {
      if (!groups.has(v.provider)) groups.set(v.provider, []);
      groups.get(v.provider).push(v);
    }
    for (const [name, voices] of groups) {
      const group = el('optgroup');
      group.label = name || 'other';
      for (const v of voices) group.append(option(v.id, voiceLabel(v)));
      frag.append(group);
    }
  } else {
    for (const v of list) frag.append(option(v.id, voiceLabel(v)));
  }
  ui.voice.replaceChildren(frag);

  const values = [...ui.voice.options].map((o) => o.value);
  if (prev && values.includes(prev)) ui.voice.value = prev;
  else if (values.includes('en-us')) ui.voice.value = 'en-us';
  else ui.voice.selectedIndex = 0;
}

/** Disables emotions/quality tiers the selected provider does not declare. */
function applyProviderCaps() {
  const p = catalog.providers.find((x) => x.name === ui.provider.value);
  restrictSelect(ui.emotion, p?.emotions, 'neutral');
  restrictSelect(ui.quality, p?.qualityTiers, 'balanced');
}

function restrictSelect(select, allowed, preferred) {
  const limit = Array.isArray(allowed) && allowed.length ? new Set(allowed) : null;
  for (const opt of select.options) opt.disabled = limit ? !limit.has(opt.value) : false;
  if (select.selectedOptions[0]?.disabled) {
    const fallback = [...select.options].find((o) => o.value === preferred && !o.disabled)
      || [...select.options].find((o) => !o.disabled);
    if (fallback) select.value = fallback.value;
  }
}

// ---------------------------------------------------------------------------
// Settings + form wiring
// ---------------------------------------------------------------------------

let settingsTimer = null;

function sendSettings() {
  send({ type: 'settings', ...currentParams() });
}

/** Debounced: sliders fire many input events while dragging. */
function scheduleSettings() {
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(sendSettings, 300);
}

function setText(text) {
  ui.text.value = text;
  updateCounter();
}

let lastCountBand = '';
function updateCounter() {
  const len = ui.text.value.length;
  ui.count.textContent = `${len} / ${MAX_TEXT}`;
  const band = len >= MAX_TEXT ? 'full' : len >= MAX_TEXT * 0.9 ? 'warn' : '';
  ui.count.dataset.band = band;
  // Tell screen readers only when crossing a threshold, not on every keystroke.
  if (band !== lastCountBand) {
    lastCountBand = band;
    ui.countSr.textContent = band === 'full'
      ? `Character limit of ${MAX_TEXT} reached.`
      : band === 'warn' ? `${MAX_TEXT - len} characters left.` : `Up to ${MAX_TEXT} characters.`;
  }
}

function updateSliderOutputs() {
  ui.intensityValue.textContent = Number(ui.intensity.value).toFixed(2);
  ui.speedValue.textContent = `${Number(ui.speed.value).toFixed(2)}×`;
  ui.speed.setAttribute('aria-valuetext', `${Number(ui.speed.value).toFixed(2)} times`);
}

function wire() {
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    speak();
  });
  ui.stop.addEventListener('click', () => stop());
  ui.text.addEventListener('input', updateCounter);

  ui.provider.addEventListener('change', () => {
    fillVoices();
    applyProviderCaps();
    scheduleSettings();
  });
  for (const control of [ui.voice, ui.emotion, ui.quality]) {
    control.addEventListener('change', scheduleSettings);
  }
  for (const slider of [ui.intensity, ui.speed]) {
    slider.addEventListener('input', () => { updateSliderOutputs(); scheduleSettings(); });
  }

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (state.connected) speak();
    } else if (e.key === 'Escape' && (state.activeId || state.inFlight.length)) {
      e.preventDefault();
      stop();
    }
  });

  // Create the AudioContext on the very first gesture so the first Speak has no setup delay.
  const warmUp = () => ensureAudio();
  document.addEventListener('pointerdown', warmUp, { once: true, capture: true });
  document.addEventListener('keydown', warmUp, { once: true, capture: true });

  ui.reconnect.addEventListener('click', () => connect());
  window.addEventListener('online', () => { if (!ws) connect(); });
}

// ---------------------------------------------------------------------------
// Boot
// ---------------------------------------------------------------------------

wire();
updateCounter();
updateSliderOutputs();
renderActivity();
updateControls();
loadCatalog();
connect();
