// The admin console's logic without a browser: its API client, its live loop and what each view shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, FakeSocket } from './fakes.js';
import { AdminError, createApi } from '../../../webroot/admin/api.js';
import { BridgeError, PING_MS, openBridge } from '../../../webroot/admin/bridge.js';
import { RETRY_MS, TAIL_KEEP, actionAddress, createConsole, mergeTail } from '../../../webroot/admin/console.js';
import {
  busNodeRows, busRates, busRows, cacheFacts, evictAction, fmtBytes, fmtUptime, nodeRows, providerRows, sessionRows,
} from '../../../webroot/admin/views.js';

/** A fetch that answers from `routes` ("GET /admin/v1/nodes" → [status, body]) and records every request. */
function fakeFetch(routes) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const answer = routes[`${init.method} ${url}`];
    if (!answer) throw new TypeError('Failed to fetch');
    const [status, body] = typeof answer === 'function' ? answer(init) : answer;
    return { ok: status < 300, status, json: async () => body };
  };
  return { fetch, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the API client asks for a bridge ticket with the bearer token and maps refusals', async () => {
  let refuse = false;
  const { fetch, calls } = fakeFetch({
    'POST /admin/v1/bridge/ticket': () => (refuse
      ? [403, { error: { code: 'unauthorized', message: "the token lacks the 'admin' role" } }]
      : [200, { ticket: 'tk', path: '/admin/eventbus/websocket', expiresInSeconds: 30 }]),
  });
  const api = createApi('secret-token', { fetch });
  assert.deepEqual(await api.ticket(), { ticket: 'tk', path: '/admin/eventbus/websocket', expiresInSeconds: 30 });
  assert.equal(calls[0].init.headers.Authorization, 'Bearer secret-token');
  assert.equal(calls[0].init.credentials, 'omit', 'no cookie ever carries admin rights');
  refuse = true;
  const refused = await api.ticket().catch((e) => e);
  assert.ok(refused instanceof AdminError);
  assert.equal(refused.status, 403);
  assert.equal(refused.refused, true);
  assert.equal(refused.message, "the token lacks the 'admin' role");
  const unreachable = await createApi('t', { fetch: fakeFetch({}).fetch }).ticket().catch((e) => e);
  assert.equal(unreachable.status, 0);
  assert.equal(unreachable.refused, false);
});

test('the bridge client speaks the bridge frames: register, send with a reply address, ping, binary frames in', async () => {
  FakeSocket.reset();
  const clock = new FakeClock();
  const problems = [];
  let n = 0;
  const opening = openBridge('ws://h/admin/eventbus/websocket?ticket=t', { WebSocket: FakeSocket, clock,
    uuid: () => `reply-${++n}`, onProblem: (m) => problems.push(m) });
  const ws = FakeSocket.latest();
  assert.equal(ws.url, 'ws://h/admin/eventbus/websocket?ticket=t');
  assert.equal(ws.binaryType, 'arraybuffer', 'the bridge writes binary messages');
  ws.serverOpens();
  const bridge = await opening;
  const got = [];
  bridge.register('admin.view.nodes', (body) => got.push(body));
  assert.deepEqual(ws.sentMessages(), [{ type: 'register', address: 'admin.view.nodes' }]);
  ws.serverSends(new TextEncoder().encode(JSON.stringify({ type: 'rec', address: 'admin.view.nodes',
    body: { view: 'nodes', data: [1] } })).buffer);
  ws.serverSends({ type: 'rec', address: 'admin.view.other', body: 'not for us' });
  assert.deepEqual(got, [{ view: 'nodes', data: [1] }]);

  const ok = bridge.request('admin.action.drain', { target: 'n1', confirm: 'n1' });
  assert.deepEqual(ws.sentMessages()[1], { type: 'send', address: 'admin.action.drain', replyAddress: 'reply-1',
    body: { target: 'n1', confirm: 'n1' } });
  ws.serverSends({ type: 'rec', address: 'reply-1', body: { draining: true } });
  assert.deepEqual(await ok, { draining: true });
  const failed = bridge.request('admin.action.drain', { target: 'n9', confirm: 'n9' });
  ws.serverSends({ type: 'err', address: 'reply-2', failureCode: 404, failureType: 'RECIPIENT_FAILURE',
    message: "no node 'n9' in the cluster" });
  const error = await failed.catch((e) => e);
  assert.ok(error instanceof BridgeError);
  assert.deepEqual([error.status, error.message], [404, "no node 'n9' in the cluster"]);
  ws.serverSends({ type: 'err', body: 'rejected' });
  assert.deepEqual(problems, ['the bridge refused a frame: rejected']);

  clock.advance(PING_MS);
  assert.deepEqual(ws.sentMessages().at(-1), { type: 'ping' }, 'the bridge closes sockets that stop pinging');
  const late = bridge.request('admin.action.undrain', {});
  let closed = 0;
  bridge.onClose = () => closed++;
  ws.serverCloses(1006);
  assert.equal((await late.catch((e) => e)).status, 0, 'a pending request fails when the socket closes');
  assert.equal(closed, 1);

  const refused = openBridge('ws://h/x', { WebSocket: FakeSocket, clock });
  FakeSocket.latest().serverCloses(1006);
  assert.match((await refused.catch((e) => e)).message, /did not open/);
});

/** A bridge stand-in for the console: records registrations and requests; the test pushes views. */
function fakeBridge() {
  const bridge = {
    handlers: new Map(), requests: [], closed: false, onClose: () => {},
    register(address, handler) { this.handlers.set(address, handler); },
    unregister(address) { this.handlers.delete(address); },
    async request(address, body) { this.requests.push([address, body]); return { ok: address }; },
    close() { this.closed = true; },
    push(view, data) { this.handlers.get(`admin.view.${view}`)?.({ view, data }); },
  };
  return bridge;
}

test('the console takes a ticket, subscribes to the shown page\'s views and draws their pushes', async () => {
  const clock = new FakeClock();
  let tickets = 0;
  const api = { ticket: async () => ({ ticket: `t${++tickets}`, path: '/admin/eventbus/websocket' }) };
  const bridges = [];
  const paths = [];
  const seen = [];
  const errors = [];
  const live = createConsole({ api, clock, now: () => clock.now(),
    connect: async (path) => { paths.push(path); bridges.push(fakeBridge()); return bridges.at(-1); },
    onData: (page, answers) => seen.push([page, answers]), onRefused: () => assert.fail('refused'),
    onError: (e) => errors.push(e.message) });
  await live.start();
  const bridge = bridges[0];
  assert.deepEqual(paths, ['/admin/eventbus/websocket?ticket=t1']);
  assert.deepEqual([...bridge.handlers.keys()], ['admin.view.nodes']);
  bridge.push('nodes', [{ node: 'n1' }]);
  assert.deepEqual(seen, [['cluster', { '/nodes': [{ node: 'n1' }] }]]);

  live.show('providers');
  assert.deepEqual([...bridge.handlers.keys()].sort(), ['admin.view.nodes', 'admin.view.providers']);
  assert.equal(seen.length, 1, 'nothing is drawn until every view of the page is at hand');
  bridge.push('providers', []);
  assert.deepEqual(seen.at(-1), ['providers', { '/providers': [], '/nodes': [{ node: 'n1' }] }]);
  const drawn = seen.length;
  bridge.push('providers', []);
  bridge.push('nodes', [{ node: 'n1', name: 'gw' }]);
  assert.equal(seen.length, drawn, 'an unchanged view and the node names riding along draw nothing');
  bridge.push('providers', [{ instance: 'i1' }]);
  assert.deepEqual(seen.at(-1)[1]['/nodes'], [{ node: 'n1', name: 'gw' }], 'but are drawn with the next change');
  live.show('audit');
  assert.deepEqual([...bridge.handlers.keys()], ['admin.view.audit'], 'views no page shows are dropped');
  bridge.handlers.get('admin.view.audit')({ view: 'audit', error: 'no answer' });
  assert.deepEqual(errors, ['audit: no answer']);

  bridge.onClose();
  assert.deepEqual(clock.pendingDelays(), [RETRY_MS]);
  clock.advance(RETRY_MS);
  await settle();
  assert.deepEqual(paths.at(-1), '/admin/eventbus/websocket?ticket=t2', 'each connection takes a new ticket');
  assert.deepEqual([...bridges[1].handlers.keys()], ['admin.view.audit']);
  live.stop();
  assert.equal(bridges[1].closed, true);
});

test('a refused ticket stops the console before any socket opens', async () => {
  const refusals = [];
  const live = createConsole({ api: { ticket: async () => { throw new AdminError(401, 'bad token'); } },
    connect: () => assert.fail('no socket without a ticket'), onData: () => assert.fail('no data'),
    onRefused: (e) => refusals.push(e.status), onError: (e) => assert.fail(e.message), clock: new FakeClock() });
  await live.start();
  assert.deepEqual(refusals, [401]);
});

test('an action goes over the bridge to its admin.action address with the target and the confirmation', async () => {
  const bridge = fakeBridge();
  const live = createConsole({ api: { ticket: async () => ({ ticket: 't', path: '/p' }) }, connect: async () => bridge,
    onData: () => {}, onRefused: () => assert.fail('refused'), onError: (e) => assert.fail(e.message),
    clock: new FakeClock() });
  await assert.rejects(live.act({ path: '/nodes/n1/drain', target: 'n1' }), /not connected/);
  await live.start();
  const action = providerRows([{ instance: 'i1', info: { name: 'espeak', voices: [] }, node: 'n1', inFlight: 0,
    capacity: 4, queueDepth: 0, ttfaEwmaMs: 40, ttfaP95Ms: 70, errorRate: 0, circuit: 'closed', score: 50 }])[0]
    .actions.find((a) => a.label === 'Capacity…');
  await live.act(action, { capacity: 8 });
  assert.deepEqual(bridge.requests, [['admin.action.capacity', { capacity: 8, target: 'i1', confirm: 'i1' }]]);
  assert.equal(actionAddress('/tail/start'), 'admin.action.tail');
  assert.equal(actionAddress(`/cache/${'a'.repeat(64)}/evict`), 'admin.action.evict');
  assert.equal(actionAddress('/sessions/s1/disconnect'), 'admin.action.disconnect');
  assert.equal(actionAddress(evictAction('piper').path), 'admin.action.evict-provider');
  assert.equal(actionAddress(evictAction('espeak/en-gb').path), 'admin.action.evict-voice');
});

test('the tail keeps the newest samples the node pushed, and the nodes\' latest state', () => {
  const batch = (from, count) => ({ nodes: [{ node: 'n1', on: true, kept: from + count }],
    samples: Array.from({ length: count }, (_, i) => ({ node: 'n1', seq: from + i + 1 })) });
  let tail = mergeTail(undefined, batch(0, 150));
  tail = mergeTail(tail, batch(150, 100));
  assert.equal(tail.samples.length, TAIL_KEEP);
  assert.deepEqual([tail.samples[0].seq, tail.samples.at(-1).seq], [51, 250]);
  assert.equal(tail.nodes[0].kept, 250);
});

test('the cluster view shows each node with its figures and the action that applies', () => {
  const rows = nodeRows([
    { node: 'aaaaaaaa-1', name: 'gw', roles: ['gateway', 'cache'], host: '10.0.0.5', version: '1.4.0',
      uptimeSeconds: 3725, draining: false, inFlight: 2, capabilities: { cuda: true, gpuName: 'H200', gpuMemoryMb: 143000 },
      system: { cpu_usage: 0.21, heap_used_bytes: 1048576, heap_max_bytes: 2147483648 },
      eventLoopDelay: { meanMs: 0.4, maxMs: 3.1, loops: [{ loop: 0, maxMs: 0.2 }, { loop: 1, maxMs: 3.1 }] },
      hazelcast: { members: 2, state: 'ACTIVE', clusterSafe: true, localMemberSafe: true }, reachable: true },
    { node: 'bbbbbbbb-2', name: 'p1', roles: ['providers'], draining: true, inFlight: 0, reachable: true,
      hazelcast: { members: 2, state: 'ACTIVE', clusterSafe: false, localMemberSafe: true } },
    { node: 'cccccccc-3', reachable: false, error: 'timeout' },
  ]);
  assert.deepEqual(rows[0].cells, ['gw', 'aaaaaaaa', 'gateway, cache', '10.0.0.5', '1.4.0', '1h 2m', '21%',
    '1.0 MiB / 2.0 GiB', '0.4 ms (max 3.1; per loop max 0.2 · 3.1)', 'up (2 in flight)', 'H200 (143000 MiB)',
    '2 members, ACTIVE, partitions safe']);
  assert.deepEqual(rows[0].actions.map((a) => [a.label, a.path, a.target]), [['Drain', '/nodes/aaaaaaaa-1/drain', 'aaaaaaaa-1']]);
  assert.equal(rows[1].state, 'warn');
  assert.equal(rows[1].cells[11], '2 members, ACTIVE, partitions NOT safe');
  assert.deepEqual(rows[1].actions.map((a) => a.label), ['Undrain']);
  assert.equal(rows[2].state, 'bad');
  assert.equal(rows[2].cells[9], 'unreachable: timeout');
  assert.deepEqual(rows[2].actions, []);
  assert.equal(nodeRows([{ node: 'd', reachable: true, eventLoopDelay: { meanMs: 0.1, maxMs: 0.3 } }])[0].cells[8],
    '0.1 ms (max 0.3)', 'an older node without per-loop figures');
});

test('providers are listed best score first, with circuit controls that fit the circuit', () => {
  const base = { info: { name: 'espeak', voices: [{}, {}] }, inFlight: 1, capacity: 4, queueDepth: 0, ttfaEwmaMs: 41.5,
    ttfaP95Ms: 77, errorRate: 0.25 };
  const rows = providerRows([{ ...base, instance: 'slow', node: 'n2', circuit: 'open', score: 900 },
    { ...base, instance: 'fast', node: 'n1', circuit: 'closed', score: 62.3 }], { n1: 'p1' });
  assert.deepEqual(rows.map((r) => r.key), ['fast', 'slow']);
  assert.deepEqual(rows[0].cells, ['espeak', 'fast', 'p1', '1 / 4', '0', '42 / 77 ms', '25%', 'closed', '2', '62.3']);
  assert.deepEqual(rows[0].actions[0].values, { action: 'open' });
  assert.deepEqual(rows[1].actions[0].values, { action: 'close' });
  assert.equal(rows[1].state, 'bad');
});

test('event-bus rates are differences of the counts, per address summed over nodes, never negative', () => {
  const at = (counts) => ({ addresses: [{ address: 'tts.cache.get', handlers: { n1: 1 }, received: counts }],
    nodes: [{ node: 'n1', name: 'gw', pending: 3, replyFailures: { TIMEOUT: 2 } }] });
  assert.deepEqual(busRates(null, at({ n1: 5 }), 1), {}, 'no rate from one sample');
  assert.deepEqual(busRates(at({ n1: 5, n2: 10 }), at({ n1: 15, n2: 30 }), 2), { 'tts.cache.get': 15 });
  assert.deepEqual(busRates(at({ n1: 50 }), at({ n1: 3 }), 1), {}, 'a restarted node gives no rate');
  const rows = busRows(at({ n1: 15 }), { 'tts.cache.get': 15 }, { n1: 'gw' });
  assert.deepEqual(rows[0].cells, ['tts.cache.get', 'gw: 1', '15.0', '15']);
  assert.deepEqual(busNodeRows(at({}))[0].cells, ['gw', '3', 'TIMEOUT: 2']);
  assert.equal(busNodeRows(at({}))[0].state, 'warn');
});

test('sessions show who, the masked address and the current reply, never any text; disconnect confirms', () => {
  const rows = sessionRows([{ session: '0b7c1f0e-aaaa', subject: 'dev-1', client: '203.0.113.x',
    since: '2026-12-02T08:00:00Z', requests: 3, bytesSent: 288000, current: [{ id: 'r7', provider: null }],
    node: 'g1' }], { g1: 'gw' });
  assert.deepEqual(rows[0].cells, ['0b7c1f0e', 'dev-1', '203.0.113.x', '2026-12-02T08:00:00Z', '3', '281.3 KiB',
    'r7 (routing)', 'gw']);
  assert.equal(rows[0].actions[0].path, '/sessions/0b7c1f0e-aaaa/disconnect');
});

test('cache figures and eviction: only all, a 64-hex key, a provider or a provider/voice is ever sent', () => {
  assert.deepEqual(cacheFacts({ backend: 'memory', available: true, hitRatio: 0.686, hits: 9, misses: 4, entries: 2,
    bytes: 2048, evictions: 0 }).map(([k, v]) => `${k}=${v}`),
  ['Backend=memory', 'Available=yes', 'Hit ratio=69%', 'Hits=9', 'Misses=4', 'Entries=2', 'Bytes=2.0 KiB', 'Evictions=0']);
  assert.deepEqual(cacheFacts({ backend: 'redis', url: 'redis://:***@r:6379/0', available: false, hitRatio: 0.5,
    hits: 6, misses: 6, errors: 3, local: { entries: 4, bytes: 4096, hits: 5, misses: 7, evictions: 1 } })
    .map(([k, v]) => `${k}=${v}`),
  ['Backend=redis', 'Available=no', 'Hit ratio=50%', 'Hits=6', 'Misses=6', 'Redis=redis://:***@r:6379/0',
    'Redis errors=3', 'In-process entries=4', 'In-process bytes=4.0 KiB', 'In-process hits=5',
    'In-process evictions=1']);
  assert.equal(evictAction(' ALL ').path, '/cache/all/evict');
  const key = 'ab'.repeat(32);
  assert.deepEqual([evictAction(key).path, evictAction(key).target], [`/cache/${key}/evict`, key]);
  assert.equal(evictAction('../nodes/x/drain'), null);
  assert.deepEqual([evictAction('piper').path, evictAction('piper').target], ['/cache/providers/piper/evict', 'piper']);
  assert.deepEqual([evictAction(' espeak/en-gb ').path, evictAction('espeak/en-gb').target],
    ['/cache/providers/espeak/voices/en-gb/evict', 'espeak/en-gb']);
  assert.match(evictAction('espeak/en-gb').confirm, /voice en-gb of provider espeak/);
  assert.equal(evictAction('espeak/en gb'), null);
  assert.equal(evictAction('espeak/en-gb/x'), null);
  assert.equal(evictAction('Piper'), null);
  assert.equal(evictAction('espeak/'), null);
  assert.equal(evictAction('abc').path, '/cache/providers/abc/evict', 'a provider name');
  assert.equal(evictAction('ab'.repeat(20)), null, 'neither a key nor a provider');
});

test('formatting', () => {
  assert.equal(fmtBytes(512), '512 B');
  assert.equal(fmtBytes(1536), '1.5 KiB');
  assert.equal(fmtBytes(-1), '—');
  assert.equal(fmtUptime(59), '0m 59s');
  assert.equal(fmtUptime(90061), '1d 1h');
});

test('the live tail: samples newest first, a summary of every node, and a start that names what it shows', async () => {
  const { tailRows, tailStartAction, tailSummary, TAIL_STOP } = await import('../../../webroot/admin/views.js');
  const tail = { nodes: [{ node: 'n1', on: true, addresses: ['tts.providers.load'], showText: false,
    until: '2026-12-02T09:05:00Z', kept: 40, dropped: 960 }, { node: 'n2', on: false, kept: 0, dropped: 0 }],
  samples: [{ node: 'n1', seq: 1, at: 'a', address: 'tts.providers.load', type: 'load', body: { inFlight: 0 } },
    { node: 'n1', seq: 2, at: 'b', address: 'tts.providers.load', type: 'load', body: '[text, 5 chars]' }] };
  assert.deepEqual(tailRows(tail, { n1: 'gw' }).map((r) => r.cells),
    [['b', 'gw', 'tts.providers.load', 'load', '"[text, 5 chars]"'], ['a', 'gw', 'tts.providers.load', 'load', '{"inFlight":0}']]);
  assert.equal(tailSummary(tail), 'On for tts.providers.load on 1 of 2 nodes until 2026-12-02T09:05:00Z, text hidden. '
    + '40 kept, 960 dropped (rate cap).');
  assert.match(tailSummary({ nodes: [{ node: 'n1', on: false, kept: 1, dropped: 0 }], samples: [] }), /^Off\./);
  assert.equal(tailStartAction([], false), null);
  const start = tailStartAction(['tts.cache.get'], true);
  assert.deepEqual([start.path, start.target, start.values], ['/tail/start', 'start',
    { addresses: ['tts.cache.get'], showText: true }]);
  assert.match(start.confirm, /TEXT.*audit log/);
  assert.deepEqual([TAIL_STOP.path, TAIL_STOP.target], ['/tail/stop', 'stop']);
});
