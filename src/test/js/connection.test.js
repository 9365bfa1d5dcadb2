import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

import { createConnection, UNAUTHORIZED_CLOSE } from '../../../webroot/connection.js';
import { createSettingsSync } from '../../../webroot/settings.js';
import { normalizeSettings, PING_INTERVAL_MS } from '../../../webroot/protocol.js';
import { FakeClock, FakeSocket, settle } from './fakes.js';

/** Tokens stand-in: `refresh()` answers from a script of results, each a new token or null for "no token". */
function fakeTokens(initial, refreshResults = []) {
  const tokens = {
    authToken: initial,
    refreshCalls: 0,
    async refresh() {
      tokens.refreshCalls += 1;
      const next = refreshResults.shift();
      if (!next) return false;
      tokens.authToken = next;
      return true;
    },
  };
  return tokens;
}

function setup({ token = 'tok-1', refreshResults = [] } = {}) {
  const clock = new FakeClock();
  const state = { connection: 'connecting', ready: false, reconnectAttempt: 0, nextRetryAt: null, rttMs: null };
  const events = [];
  const tokens = fakeTokens(token, refreshResults);
  const record = (name) => (arg) => events.push([name, arg]);
  const hooks = {
    onStatus: record('status'),
    onMessage: record('message'),
    onInvalid: record('invalid'),
    onBinary: record('binary'),
    onClosed: record('closed'),
    onUnauthorized: record('unauthorized'),
    onOpenFailed: record('openFailed'),
    onRtt: record('rtt'),
  };
  const connection = createConnection({
    state, url: (t) => `ws://test/ws?token=${t}`, tokens, hooks, WebSocketImpl: FakeSocket, clock,
  });
  const of = (name) => events.filter(([n]) => n === name).map(([, arg]) => arg);
  return { clock, state, tokens, connection, of, hooks };
}

/** The socket opens and the server completes the handshake. */
function handshake(sock, sampleRate = 24000) {
  sock.serverOpens();
  sock.serverSends({ type: 'ready', session: `s-${FakeSocket.created.length}`, sampleRate });
}

beforeEach(() => FakeSocket.reset());

test('opens one socket with the token in the URL and becomes ready on the handshake', () => {
  const { connection, state, of } = setup();
  connection.connect();
  connection.connect(); // a second call while one is opening does nothing
  assert.equal(FakeSocket.created.length, 1);
  const sock = FakeSocket.latest();
  assert.equal(sock.url, 'ws://test/ws?token=tok-1');
  assert.equal(sock.binaryType, 'arraybuffer');
  assert.equal(state.connection, 'connecting');
  handshake(sock);
  assert.equal(state.connection, 'open');
  assert.equal(state.ready, true);
  assert.deepEqual(of('status'), ['connecting', 'open', 'open']);
  assert.deepEqual(of('message'), [{ type: 'ready', session: 's-1', sampleRate: 24000, voiceProfiles: false }]);
});

test('reconnect backoff is 1 s, 2 s, 4 s, 8 s, then 15 s, and it never gives up', () => {
  const { connection, clock, state } = setup();
  connection.connect();
  const delays = [];
  for (let i = 0; i < 12; i++) {
    FakeSocket.latest().serverCloses(1006);
    assert.equal(state.connection, 'closed');
    const [delay] = clock.pendingDelays();
    delays.push(delay);
    assert.equal(state.nextRetryAt, clock.now() + delay);
    const before = FakeSocket.created.length;
    clock.advance(delay - 1);
    assert.equal(FakeSocket.created.length, before, 'no new socket before the delay is over');
    clock.advance(1);
    assert.equal(FakeSocket.created.length, before + 1, 'a new socket when it is over');
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000, 15000, 15000, 15000]);
});

test('only a completed handshake resets the backoff; an open socket without ready does not', () => {
  const { connection, clock, state } = setup();
  connection.connect();
  for (let i = 0; i < 3; i++) {
    FakeSocket.latest().serverCloses(1006);
    clock.advance(clock.pendingDelays()[0]);
  }
  // Opens, then closes before `ready`: still counting up.
  FakeSocket.latest().serverOpens();
  FakeSocket.latest().serverCloses(1011);
  assert.deepEqual(clock.pendingDelays(), [8000]);
  clock.advance(8000);
  handshake(FakeSocket.latest());
  assert.equal(state.reconnectAttempt, 0);
  FakeSocket.latest().serverCloses(1001, 'going away');
  assert.deepEqual(clock.pendingDelays(), [1000]);
});

test('a close is reported with its detail, and later events of that socket are ignored', () => {
  const { connection, of } = setup();
  connection.connect();
  FakeSocket.latest().serverCloses(1006);
  handshake(FakeSocket.created[0]); // events of the closed socket are ignored
  assert.deepEqual(of('message'), []);
  assert.deepEqual(of('closed'), [{
    code: 1006, reason: '', detail: 'Connection closed (code 1006).', wasOpen: false, unauthorized: false,
  }]);
});

test('resume: after a reconnect the new session is ready again and the settings are sent on it', () => {
  const { connection, clock, state, hooks } = setup();
  const settings = normalizeSettings({ provider: 'espeak', voice: 'en-gb', speed: 1.5 });
  const sync = createSettingsSync({
    settings, isPitchSupported: () => false, isReady: () => state.ready, send: connection.send, clock,
  });
  hooks.onMessage = (msg) => { if (msg.type === 'ready') sync.sendNow(); };
  connection.connect();
  handshake(FakeSocket.latest());
  FakeSocket.latest().serverCloses(1006);
  assert.equal(state.ready, false);
  clock.advance(1000);
  const second = FakeSocket.latest();
  assert.notEqual(second, FakeSocket.created[0]);
  second.serverOpens();
  assert.deepEqual(second.sentMessages(), [], 'nothing is sent before the server is ready');
  second.serverSends({ type: 'ready', session: 's-2', sampleRate: 48000 });
  const expected = {
    type: 'settings', provider: 'espeak', voice: 'en-gb', emotion: 'neutral', intensity: 0.5, quality: 'balanced',
    speed: 1.5,
  };
  assert.deepEqual(FakeSocket.created[0].sentMessages(), [expected]);
  assert.deepEqual(second.sentMessages(), [expected]);
});

test('close code 4001 fetches a fresh token and reconnects at once with it', async () => {
  const { connection, clock, tokens, of } = setup({ refreshResults: ['tok-2'] });
  connection.connect();
  handshake(FakeSocket.latest());
  FakeSocket.latest().serverCloses(UNAUTHORIZED_CLOSE, 'token expired');
  assert.equal(of('closed')[0].unauthorized, true);
  await settle();
  assert.equal(tokens.refreshCalls, 1);
  assert.deepEqual(clock.pendingDelays(), [0]);
  clock.advance(0);
  assert.equal(FakeSocket.latest().url, 'ws://test/ws?token=tok-2');
  assert.deepEqual(of('unauthorized'), []);
});

test('close code 4001 without a fresh token reports unauthorized and keeps retrying with backoff', async () => {
  const { connection, clock, of } = setup({ refreshResults: [null, null] });
  connection.connect();
  handshake(FakeSocket.latest());
  FakeSocket.latest().serverCloses(UNAUTHORIZED_CLOSE);
  await settle();
  assert.deepEqual(of('unauthorized'), ['Connection closed (code 4001).']);
  assert.deepEqual(clock.pendingDelays(), [1000]);
  clock.advance(1000);
  FakeSocket.latest().serverCloses(UNAUTHORIZED_CLOSE);
  await settle();
  assert.deepEqual(clock.pendingDelays(), [2000]);
  assert.equal(of('unauthorized').length, 2);
});

test('without a token it asks for one before opening the socket', async () => {
  const { connection, tokens } = setup({ token: null, refreshResults: ['dev-token'] });
  connection.connect();
  assert.equal(FakeSocket.created.length, 0);
  await settle();
  assert.equal(tokens.refreshCalls, 1);
  assert.equal(FakeSocket.latest().url, 'ws://test/ws?token=dev-token');
});

test('pings every 20 s, measures the round trip, and drops a socket after two unanswered pings', () => {
  const { connection, clock, state, of } = setup();
  connection.connect();
  const sock = FakeSocket.latest();
  handshake(sock);
  clock.advance(PING_INTERVAL_MS);
  assert.deepEqual(sock.sentMessages(), [{ type: 'ping' }]);
  clock.advance(42);
  sock.serverSends({ type: 'pong' });
  assert.equal(state.rttMs, 42);
  assert.deepEqual(of('rtt'), [42]);
  assert.deepEqual(of('message').map((m) => m.type), ['ready'], 'pongs are not handed on');

  clock.advance(PING_INTERVAL_MS - 42); // second ping: unanswered
  clock.advance(PING_INTERVAL_MS);      // third: one missed
  assert.equal(sock.closedWith, null);
  clock.advance(PING_INTERVAL_MS);      // fourth: two missed
  assert.deepEqual(sock.closedWith, { code: 4000, reason: 'ping timeout' });
  assert.equal(sock.sentMessages().length, 3);
  assert.deepEqual(of('closed').at(-1), {
    code: 4000, reason: 'ping timeout', detail: 'Connection closed (code 4000: ping timeout).', wasOpen: true,
    unauthorized: false,
  });
  sock.serverCloses(4000, 'ping timeout'); // the late close event of the dropped socket changes nothing
  assert.equal(of('closed').length, 1);
  assert.deepEqual(clock.pendingDelays(), [1000]);
});

test('hands on binary frames and reports text that is not a JSON object', () => {
  const { connection, of } = setup();
  connection.connect();
  const sock = FakeSocket.latest();
  handshake(sock);
  const frame = new ArrayBuffer(12);
  sock.serverSends(frame);
  sock.serverSends('not json');
  sock.serverSends('[1,2]');
  assert.deepEqual(of('binary'), [frame]);
  assert.deepEqual(of('invalid'), [
    'The server sent a message that is not JSON.',
    'The server sent a message that is not a JSON object.',
  ]);
});

test('send is refused while no socket is open', () => {
  const { connection } = setup();
  assert.equal(connection.send({ type: 'ping' }), false);
  connection.connect();
  assert.equal(connection.send({ type: 'ping' }), false, 'still opening');
  FakeSocket.latest().serverOpens();
  assert.equal(connection.send({ type: 'cancel', id: 'a' }), true);
  assert.equal(connection.send('{"type":"ping"}'), true);
  assert.deepEqual(FakeSocket.latest().sent, ['{"type":"cancel","id":"a"}', '{"type":"ping"}']);
});

test('a WebSocket constructor that throws is reported and retried', () => {
  const { connection, clock, of } = setup();
  FakeSocket.failNext = new Error('blocked');
  connection.connect();
  assert.equal(of('openFailed')[0].message, 'blocked');
  assert.deepEqual(clock.pendingDelays(), [1000]);
  clock.advance(1000);
  assert.equal(FakeSocket.created.length, 1);
});

test('"Retry now" while waiting opens a socket at once and cancels the pending retry', () => {
  const { connection, clock } = setup();
  connection.connect();
  FakeSocket.latest().serverCloses(1006);
  clock.advance(500);
  connection.connect();
  assert.equal(FakeSocket.created.length, 2);
  assert.deepEqual(clock.pendingDelays(), []);
});
