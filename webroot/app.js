// Enhanced RealtimeVoiceChat – browser client, composition root. One WebSocket carries JSON control messages
// and binary PCM frames; audio goes to an AudioWorklet that resamples, buffers and mixes each reply.
// This file only finds the page's elements, builds the modules and connects their callbacks; each module
// keeps its own state (docs/browser-client.md).

import { MAX_TEXT, wsUrl } from './protocol.js';
import { loadSettings, saveSettings, requestParams, createSettingsSync } from './settings.js';
import { createTokens } from './tokens.js';
import { createConnection } from './connection.js';
import { createPlayer } from './player.js';
import { createErrors } from './errors.js';
import { createMetricsPanel } from './metrics-panel.js';
import { createReplies } from './replies.js';
import { createConversation } from './conversation.js';
import { createTranscript } from './transcript.js';
import { createCatalog } from './catalog.js';
import { createControls } from './controls.js';
import { createStatusBar } from './status-bar.js';
import { createProfilesApi } from './voices-api.js';
import { createVoices } from './voices.js';

const PROVIDER_REFRESH_MS = 30000;

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
const voicesUi = {
  section: $('voices'),
  profileList: $('profile-list'),
  profilesEmpty: $('profiles-empty'),
  form: $('profile-form'),
  name: $('profile-name'),
  speaker: $('profile-speaker'),
  language: $('profile-language'),
  base: $('profile-base'),
  statement: $('consent-statement'),
  confirmed: $('consent-confirmed'),
  record: $('record'),
  level: $('level'),
  recordTime: $('record-time'),
  files: $('clip-files'),
  consentRecordingHint: $('consent-recording-hint'),
  clipsEmpty: $('clips-empty'),
  clipList: $('clip-list'),
  create: $('create-profile'),
  message: $('voices-message'),
  report: $('quality-report'),
  confirmDialog: $('confirm-dialog'),
  confirmText: $('confirm-text'),
  confirmOk: $('confirm-ok'),
  confirmCancel: $('confirm-cancel'),
};

const settings = loadSettings(window.localStorage);

// Observable state, read by the UI and by automated browser tests via window.rvc.
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
  cloning: null,            // whether the server has voice cloning on (`ready.voiceProfiles`; null until then)
  profiles: [],             // the caller's voice profiles as voice ids (profile:<id>)
};

const rvc = {
  state,
  lastMetrics: null,
  errors: [],
  history: [],
  debug: { deviceRate: null, sessionRate: null, streams: {}, lastRequestSent: null },
};
window.rvc = rvc;

function emit(name, detail) {
  window.dispatchEvent(new CustomEvent(`rvc:${name}`, { detail }));
}

const controls = createControls({ ui, settings, state });
const statusBar = createStatusBar({ ui, state });
const errors = createErrors({ box: ui.error, list: rvc.errors, focusAfterDismiss: controls.focusText, emit });
const metrics = createMetricsPanel({ ui, state });

// Modules reach each other only through the callbacks below. Some callbacks name a module created further down;
// none of them runs before the page is booted at the end of this file.
const send = (msg) => connection.send(msg);

const tokens = createTokens({ hash: window.location.hash, onRenewed: (token) => send({ type: 'auth', token }) });

const player = createPlayer({
  audio: state.audio,
  hooks: {
    onEvent: (msg) => conversation.onPlayerEvent(msg),
    onChange: () => {
      rvc.debug.deviceRate = state.audio.deviceRate;
      statusBar.showAudio();
    },
    onError: (message) => errors.report('audio', message),
    onUnavailable: () => conversation.onPlayerUnavailable(),
  },
});

const settingsSync = createSettingsSync({
  settings, isPitchSupported: () => state.pitchSupported, isReady: () => state.ready, send,
});

const catalog = createCatalog({
  ui, settings, state, getJson: tokens.getJson, errors, emit, onPitchSupportChanged: settingsSync.schedule,
});

const voices = createVoices({
  ui: voicesUi,
  api: createProfilesApi(tokens.request),
  catalog: () => catalog.known(),
  isEnabled: () => state.cloning,
  onProfiles: (list) => {
    const voiceBefore = settings.voice;
    catalog.setProfiles(list);
    if (settings.voice !== voiceBefore) settingChanged('voice'); // the chosen profile is gone: tell the server
    state.profiles = list.map((p) => p.voiceId);
    emit('profiles', state.profiles);
  },
});
/** Providers, voices and the caller's voice profiles, then the base voices a new profile can start from. */
const loadCatalog = () => Promise.all([catalog.load(), voices.load()]).then(() => voices.fillBaseVoices());

const transcript = createTranscript({ list: ui.messages, empty: ui.messagesEmpty });
const replies = createReplies({
  state,
  rvc,
  transcript,
  player,
  metrics,
  send,
  emit,
  onPhase: (changed) => {
    controls.showPhase(changed);
    replies.setReplayEnabled(state.connection === 'open');
  },
});

const conversation = createConversation({ replies, state, rvc, transcript, player, metrics, errors, send, emit });

const connection = createConnection({
  state,
  url: (token) => wsUrl(window.location, token),
  tokens,
  hooks: {
    onStatus: (kind) => {
      statusBar.showConnection(kind);
      if (kind === 'open') {
        errors.dismiss('connection');
        errors.dismiss('unauthorized');
      }
      controls.updateButtons();
      replies.setReplayEnabled(kind === 'open');
      emit('connection', kind);
    },
    onMessage: onServerMessage,
    onInvalid: (error) => errors.report('internal', error, { show: false }),
    onBinary: (buf) => conversation.onAudio(buf),
    onClosed: ({ detail, wasOpen, unauthorized }) => {
      const lost = conversation.onDisconnected(detail);
      if (!unauthorized && (wasOpen || lost)) errors.report('connection', detail);
    },
    onUnauthorized: (detail) => errors.report('unauthorized', detail),
    onOpenFailed: (err) => errors.report('connection', `Cannot open the WebSocket: ${err.message || err}`),
    onRtt: (ms) => statusBar.showRtt(ms),
  },
});

function onServerMessage(msg) {
  switch (msg.type) {
    case 'ready':
      state.session = msg.session;
      state.sessionRate = msg.sampleRate;
      state.cloning = msg.voiceProfiles;
      rvc.debug.sessionRate = msg.sampleRate;
      settingsSync.sendNow();
      loadCatalog();
      statusBar.showAudio();
      emit('ready', msg);
      break;
    case 'audio_start': conversation.onAudioStart(msg); break;
    case 'sentence': conversation.onSentence(msg); break;
    case 'audio_end': conversation.onAudioEnd(msg); break;
    case 'error': conversation.onServerError(msg); break;
    case 'settings': state.serverSettings = msg.settings; break;
    default: break; // forward compatible: ignore unknown types
  }
}

/** Speaks `textArg` (or the message box); returns the request id, or null when nothing was sent. */
function speak(textArg) {
  if (textArg !== undefined) controls.setText(textArg);
  const text = controls.text().trim();
  if (!text) {
    errors.report('invalid_request', 'Type a message to speak first.');
    controls.focusText();
    return null;
  }
  if (text.length > MAX_TEXT) {
    errors.report('too_large', `The text has ${text.length} characters; the limit is ${MAX_TEXT}.`);
    return null;
  }
  const id = conversation.request(text, requestParams(settings, state.pitchSupported));
  if (id) controls.setText('');
  return id;
}

function settingChanged(name) {
  if (name === 'provider') {
    catalog.fillProviders();
    catalog.fillVoices();
    catalog.applyProviderCaps();
  }
  saveSettings(window.localStorage, settings);
  settingsSync.schedule();
  emit('settings', { ...settings });
}

rvc.speak = (text) => speak(typeof text === 'string' ? text : undefined);
rvc.stop = () => conversation.stopAll();
rvc.sendRaw = (obj) => conversation.sendRaw(obj);

controls.wire({
  speak: () => speak(),
  stop: () => conversation.stopAll(),
  settingChanged,
  replay: (id) => conversation.replay(id),
  download: (id) => conversation.download(id),
});
// Create the AudioContext on the very first gesture so the first reply has no setup delay.
const warmUp = () => player.ensure();
document.addEventListener('pointerdown', warmUp, { once: true, capture: true });
document.addEventListener('keydown', warmUp, { once: true, capture: true });
ui.reconnect.addEventListener('click', () => connection.connect());
window.addEventListener('online', () => connection.connect());

if (settings.provider !== 'auto') catalog.fillProviders(); // keeps a saved provider selectable before the list loads
controls.showSettings();
catalog.fillVoices();
controls.updateCounter();
replies.updatePhase();
voices.wire();
loadCatalog();
// Live availability; skipped while disconnected (every reconnect reloads the catalog anyway).
setInterval(() => { if (state.connection === 'open') catalog.loadProviders(); }, PROVIDER_REFRESH_MS);
connection.connect();
