import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createReplies } from '../../../webroot/replies.js';
import { createConversation } from '../../../webroot/conversation.js';
import { buildAudioFrame } from '../../../webroot/protocol.js';
import { FakeClock } from './fakes.js';

/** The page's modules around the conversation, as recorders (the DOM parts are covered by BrowserIT). */
function setup({ connection = 'open', sendOk = true, playerActive = true } = {}) {
  const clock = new FakeClock();
  const state = {
    connection, sessionRate: 24000, phase: 'idle', activeIds: [], audio: { deviceRate: 48000 },
    jitterTargetMs: null, underruns: 0, droppedFrames: 0,
  };
  const rvc = { history: [], lastMetrics: null, debug: { streams: {}, lastRequestSent: null } };
  const sent = [];
  const calls = [];
  const events = [];
  const reported = [];
  const record = (name) => (...args) => calls.push([name, ...args]);
  const transcript = {
    addEntry: record('addEntry'),
    showStatus: record('showStatus'),
    addSentence: record('addSentence'),
    showHighlight: (r, idx) => calls.push(['showHighlight', r.id, idx]),
    clearHighlight: () => {},
    markAllSpoken: (r) => calls.push(['markAllSpoken', r.id]),
    updateDownload: () => {},
    setReplayEnabled: (r, enabled) => calls.push(['setReplayEnabled', r.id, enabled]),
    offerDownload: (r, wav) => calls.push(['offerDownload', r.id, wav.byteLength]),
    removeEntry: (r) => calls.push(['removeEntry', r.id]),
  };
  const played = [];
  const player = {
    active: playerActive,
    ensure: () => Promise.resolve(playerActive),
    chunk: (id, rate, samples) => { played.push(['chunk', id, rate, samples.length]); return playerActive; },
    end: (id) => { played.push(['end', id]); return playerActive; },
    stop: (id) => { played.push(['stop', id]); return playerActive; },
  };
  const metrics = { renderReply() {}, renderPanel() {}, renderPanelThrottled() {} };
  const errors = {
    report: (code, message, opts = {}) => reported.push({ code, message, show: opts.show ?? true }),
    dismiss: () => {},
  };
  const send = (msg) => {
    if (!sendOk) return false;
    sent.push(msg);
    return true;
  };
  const emit = (name, detail) => events.push([name, detail]);
  const phases = [];
  const replies = createReplies({
    state, rvc, transcript, player, metrics, send, emit, clock, onPhase: () => phases.push(state.phase),
  });
  const conversation = createConversation({ replies, state, rvc, transcript, player, metrics, errors, send, emit });
  const statusOf = (id) => rvc.history.find((m) => m.id === id)?.status;
  return { clock, state, rvc, sent, calls, events, reported, played, phases, replies, conversation, statusOf };
}

const PARAMS = { provider: 'espeak', emotion: 'calm', intensity: 0.5, quality: 'fast', speed: 1, pitch: 0 };

/** The server's side of one reply: audio_start, a sentence, `frames` frames of 2400 samples (100 ms), audio_end. */
function serverReplies(conversation, id, { stream = 1, frames = 2, end = {} } = {}) {
  conversation.onAudioStart({ type: 'audio_start', id, stream, sampleRate: 24000, provider: 'espeak', voice: 'en', quality: 'fast' });
  conversation.onSentence({ type: 'sentence', id, index: 0, text: 'Hello.' });
  for (let seq = 0; seq < frames; seq++) conversation.onAudio(buildAudioFrame(stream, seq, new Int16Array(2400)));
  conversation.onAudioEnd({
    type: 'audio_end', id, ttfaMs: 20, totalMs: 50, samples: frames * 2400, chunks: frames, cached: false,
    provider: 'espeak', switches: [], cancelled: false, ...end,
  });
}

test('a request is sent with its parameters and waits for audio', () => {
  const { conversation, sent, rvc, state, statusOf } = setup();
  const id = conversation.request('Hello.', PARAMS);
  assert.deepEqual(sent, [{ type: 'synthesize', id, text: 'Hello.', ...PARAMS }]);
  assert.equal(rvc.debug.lastRequestSent, sent[0]);
  assert.equal(statusOf(id), 'sending');
  assert.equal(state.phase, 'waiting');
  assert.deepEqual(state.activeIds, [id]);
});

test('without an open connection nothing is sent and the user is told why', () => {
  const { conversation, sent, reported } = setup({ connection: 'closed' });
  assert.equal(conversation.request('Hello.', PARAMS), null);
  assert.deepEqual(sent, []);
  assert.deepEqual(reported, [{ code: 'connection', message: 'Not connected to the server yet; it reconnects automatically.', show: true }]);
});

test('a request that cannot be sent fails at once', () => {
  const { conversation, rvc, state } = setup({ sendOk: false });
  assert.equal(conversation.request('Hello.', PARAMS), null);
  assert.equal(rvc.history[0].status, 'error');
  assert.deepEqual(rvc.history[0].error, { code: 'connection', message: 'The message could not be sent.' });
  assert.equal(state.phase, 'idle');
});

test('a reply goes from receiving to playing to done, its audio going to the player', () => {
  const { conversation, state, rvc, played, events, statusOf, calls } = setup();
  const id = conversation.request('Hello.', PARAMS);
  conversation.onAudioStart({ type: 'audio_start', id, stream: 5, sampleRate: 24000, provider: 'espeak', voice: 'en', quality: 'fast' });
  assert.equal(statusOf(id), 'receiving');
  conversation.onSentence({ type: 'sentence', id, index: 0, text: 'Hello.' });
  conversation.onAudio(buildAudioFrame(5, 0, new Int16Array(2400)));
  conversation.onAudio(buildAudioFrame(5, 1, new Int16Array(2400)));
  assert.deepEqual(played, [['chunk', id, 24000, 2400], ['chunk', id, 24000, 2400]]);
  assert.equal(rvc.debug.streams[id].receivedSamples, 4800);
  assert.ok(rvc.history[0].firstFrameMs >= 0);

  conversation.onPlayerEvent({ type: 'started', id, targetMs: 80 });
  assert.equal(statusOf(id), 'playing');
  assert.equal(state.phase, 'playing');
  assert.equal(state.jitterTargetMs, 80);
  conversation.onPlayerEvent({ type: 'pos', streams: [[id, 2400, 9600, 7200]], targetMs: 80 });
  assert.deepEqual(calls.filter(([n]) => n === 'showHighlight').at(-1), ['showHighlight', id, 0]);

  conversation.onAudioEnd({
    type: 'audio_end', id, ttfaMs: 20, totalMs: 50, samples: 4800, chunks: 2, cached: true, provider: 'espeak',
    switches: [], cancelled: false,
  });
  assert.deepEqual(played.at(-1), ['end', id]);
  assert.equal(rvc.lastMetrics.cached, true);
  assert.equal(statusOf(id), 'playing', 'still playing what is queued');

  conversation.onPlayerEvent({ type: 'drained', id, played: 9600, scheduled: 9600 });
  assert.equal(statusOf(id), 'done');
  assert.equal(state.phase, 'idle');
  assert.deepEqual(calls.filter(([n]) => n === 'markAllSpoken'), [['markAllSpoken', id]]);
  assert.deepEqual(events.map(([n]) => n), ['audio_end', 'finished']);
});

test('frames of unknown or stopped streams are counted and dropped', () => {
  const { conversation, state, played } = setup();
  conversation.onAudio(buildAudioFrame(99, 0, new Int16Array(10)));
  conversation.onAudio(new ArrayBuffer(3));
  assert.equal(state.droppedFrames, 2);
  const id = conversation.request('Hello.', PARAMS);
  conversation.onAudioStart({ type: 'audio_start', id, stream: 1, sampleRate: null, provider: null, voice: null, quality: null });
  conversation.stopAll();
  conversation.onAudio(buildAudioFrame(1, 0, new Int16Array(10)));
  assert.equal(state.droppedFrames, 3);
  assert.deepEqual(played, [['stop', id]]);
});

test('barge-in: a new request stops the one still playing and cancels it on the server', () => {
  const { conversation, sent, played, statusOf } = setup();
  const first = conversation.request('A long story.', PARAMS);
  conversation.onAudioStart({ type: 'audio_start', id: first, stream: 1, sampleRate: 24000, provider: 'espeak', voice: null, quality: null });
  const second = conversation.request('Something else.', PARAMS);
  assert.deepEqual(sent.map((m) => [m.type, m.id]), [['synthesize', first], ['cancel', first], ['synthesize', second]]);
  assert.deepEqual(played, [['stop', first]]);
  assert.equal(statusOf(first), 'interrupted');
  assert.equal(statusOf(second), 'sending');
});

test('Stop stops every active reply; a reply the server already finished is not cancelled again', () => {
  const { conversation, sent, state, statusOf } = setup();
  const id = conversation.request('Hello.', PARAMS);
  serverReplies(conversation, id, { frames: 3 });
  assert.deepEqual(conversation.stopAll(), [id]);
  assert.equal(statusOf(id), 'stopped');
  assert.deepEqual(sent.map((m) => m.type), ['synthesize'], 'no cancel after audio_end');
  assert.equal(state.phase, 'idle');
  conversation.onPlayerEvent({ type: 'stopped', id, played: 100, scheduled: 9600 });
  assert.equal(statusOf(id), 'stopped', 'the end of the fade-out keeps the status');
  assert.deepEqual(conversation.stopAll(), []);
});

test('an audio_end marked cancelled (a cancel from elsewhere) stops what is left', () => {
  const { conversation, played, statusOf } = setup();
  const id = conversation.request('Hello.', PARAMS);
  serverReplies(conversation, id, { frames: 1, end: { cancelled: true } });
  assert.equal(statusOf(id), 'stopped');
  assert.deepEqual(played.at(-1), ['stop', id]);
});

test('a server error fails its reply and is shown, unless the reply was stopped by the user', () => {
  const { conversation, reported, played, statusOf, state } = setup();
  const id = conversation.request('Hello.', PARAMS);
  conversation.onServerError({ type: 'error', id, code: 'provider_unavailable', message: 'no provider' });
  assert.equal(statusOf(id), 'error');
  assert.deepEqual(reported, [{ code: 'provider_unavailable', message: 'no provider', show: true }]);
  assert.deepEqual(played, [['stop', id]]);
  assert.equal(state.phase, 'idle');

  const stopped = conversation.request('Again.', PARAMS);
  conversation.stopAll();
  conversation.onServerError({ type: 'error', id: stopped, code: 'internal', message: 'cancelled' });
  assert.equal(statusOf(stopped), 'stopped');
  assert.equal(reported.at(-1).show, false);

  conversation.onServerError({ type: 'error', id: null, code: 'rate_limited', message: 'slow down' });
  assert.deepEqual(reported.at(-1), { code: 'rate_limited', message: 'slow down', show: true });
});

test('a closed socket fails the replies still being produced; complete ones keep playing', () => {
  const { conversation, statusOf, state, rvc } = setup();
  const complete = conversation.request('Done already.', PARAMS);
  serverReplies(conversation, complete);
  conversation.onPlayerEvent({ type: 'started', id: complete, targetMs: 80 });
  assert.equal(conversation.sendRaw({ type: 'synthesize', id: 'raw-1', text: 'In flight.' }), true);
  const lost = conversation.onDisconnected('Connection closed (code 1006).');
  assert.equal(lost, 1);
  assert.equal(statusOf('raw-1'), 'error');
  assert.deepEqual(rvc.history[1].error, { code: 'connection', message: 'Connection closed (code 1006).' });
  assert.equal(statusOf(complete), 'playing');
  assert.equal(state.phase, 'playing');
});

test('a reply whose audio never finishes playing is marked unplayed after its length + 8 s', () => {
  const { conversation, clock, played, statusOf } = setup();
  const id = conversation.request('Hello.', PARAMS);
  serverReplies(conversation, id, { frames: 10 }); // 1 s of audio
  clock.advance(8999);
  assert.equal(statusOf(id), 'receiving');
  clock.advance(1);
  assert.equal(statusOf(id), 'unplayed');
  assert.deepEqual(played.at(-1), ['stop', id]);
});

test('without audio output a finished reply is done at once', () => {
  const { conversation, statusOf, state } = setup({ playerActive: false });
  const id = conversation.request('Hello.', PARAMS);
  serverReplies(conversation, id);
  assert.equal(statusOf(id), 'done');
  assert.equal(state.phase, 'idle');
});

test('sendRaw tracks a synthesize like a request and sends anything else as it is', () => {
  const { conversation, sent, rvc } = setup();
  assert.equal(conversation.sendRaw({ type: 'synthesize', id: 'x1', text: 'Raw.', speed: 2, voice: null }), true);
  assert.deepEqual(rvc.history.map((m) => [m.id, m.status]), [['x1', 'sending']]);
  assert.equal(conversation.sendRaw({ type: 'cancel', id: 'x1' }), true);
  assert.deepEqual(sent, [{ type: 'synthesize', id: 'x1', text: 'Raw.', speed: 2, voice: null }, { type: 'cancel', id: 'x1' }]);
});

test('Replay sends the same text and parameters again; Download builds a WAV of what was received', () => {
  const { conversation, sent, calls, rvc } = setup();
  const id = conversation.request('Hello.', PARAMS);
  serverReplies(conversation, id);
  conversation.onPlayerEvent({ type: 'drained', id, played: 9600, scheduled: 9600 });
  const again = conversation.replay(id);
  assert.deepEqual(sent.at(-1), { type: 'synthesize', id: again, text: 'Hello.', ...PARAMS });
  assert.equal(calls.filter(([n]) => n === 'addEntry').at(-1)[1].replayOf, id);
  conversation.download(id);
  assert.deepEqual(calls.filter(([n]) => n === 'offerDownload'), [['offerDownload', id, 44 + 2 * 4800]]);
  assert.equal(conversation.replay('nope'), null);
  assert.equal(rvc.history.length, 2);
});

test('at most 100 finished replies are kept; the oldest go first', () => {
  const { conversation, rvc, calls } = setup({ playerActive: false });
  const ids = [];
  for (let i = 0; i < 103; i++) {
    const id = conversation.request(`Message ${i}.`, PARAMS);
    serverReplies(conversation, id, { stream: i, frames: 1 });
    ids.push(id);
  }
  assert.equal(rvc.history.length, 100);
  assert.equal(rvc.history[0].id, ids[3]);
  assert.deepEqual(calls.filter(([n]) => n === 'removeEntry').map(([, id]) => id), ids.slice(0, 3));
  assert.equal(rvc.debug.streams[ids[0]], undefined);
});
