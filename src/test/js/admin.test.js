// The admin console's logic without a browser: its API client, its live loop and what each view shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fakes.js';
import { AdminError, createApi } from '../../../webroot/admin/api.js';
import { PERIOD_MS, createConsole } from '../../../webroot/admin/console.js';
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

test('the API client sends the bearer token, repeats the target as confirmation and maps refusals', async () => {
  const { fetch, calls } = fakeFetch({
    'GET /admin/v1/nodes': [200, [{ node: 'n1' }]],
    'POST /admin/v1/nodes/n1/drain': (init) => [200, { echoed: JSON.parse(init.body) }],
    'GET /admin/v1/audit': [403, { error: { code: 'unauthorized', message: "the token lacks the 'admin' role" } }],
  });
  const api = createApi('secret-token', { fetch });
  assert.deepEqual(await api.get('/nodes'), [{ node: 'n1' }]);
  assert.equal(calls[0].init.headers.Authorization, 'Bearer secret-token');
  assert.equal(calls[0].init.credentials, 'omit', 'no cookie ever carries admin rights');
  assert.deepEqual((await api.act('/nodes/n1/drain', 'n1')).echoed, { confirm: 'n1' });
  assert.deepEqual(JSON.parse((await api.act('/nodes/n1/drain', 'n1', { x: 1 }) && calls[2].init.body)),
    { x: 1, confirm: 'n1' });
  const refused = await api.get('/audit').catch((e) => e);
  assert.ok(refused instanceof AdminError);
  assert.equal(refused.status, 403);
  assert.equal(refused.refused, true);
  assert.equal(refused.message, "the token lacks the 'admin' role");
  const unreachable = await api.get('/missing').catch((e) => e);
  assert.equal(unreachable.status, 0);
  assert.equal(unreachable.refused, false);
});

test('the console polls the shown view once a second, one round at a time, and stops at a refusal', async () => {
  const clock = new FakeClock();
  let audits = 0;
  let refuse = false;
  const { fetch, calls } = fakeFetch({
    'GET /admin/v1/nodes': () => (refuse ? [401, { error: { message: 'bad token' } }] : [200, [{ node: 'n1' }]]),
    'GET /admin/v1/audit': () => [200, [{ n: ++audits }]],
  });
  const seen = [];
  const refusals = [];
  const live = createConsole({ api: createApi('t', { fetch }), clock, now: () => clock.now(),
    onData: (view, answers) => seen.push([view, answers]), onRefused: (e) => refusals.push(e.status),
    onError: (e) => assert.fail(e.message) });
  await live.start();
  assert.deepEqual(seen, [['cluster', { '/nodes': [{ node: 'n1' }] }]]);
  assert.deepEqual(clock.pendingDelays(), [PERIOD_MS], 'the next round waits for the last to end');
  await live.show('audit');
  assert.deepEqual(clock.pendingDelays(), [PERIOD_MS], 'switching views replaces the pending round');
  clock.advance(PERIOD_MS);
  await settle();
  assert.deepEqual(seen.slice(1).map(([view, a]) => [view, a['/audit'][0].n]), [['audit', 1], ['audit', 2]]);
  await live.show('cluster');
  refuse = true;
  clock.advance(PERIOD_MS);
  await settle();
  assert.deepEqual(refusals, [401]);
  assert.deepEqual(clock.pendingDelays(), [], 'nothing is polled after a refusal');
  const before = calls.length;
  clock.advance(10 * PERIOD_MS);
  await settle();
  assert.equal(calls.length, before);
});

test('an action posts its values with the confirmation and refreshes the view at once', async () => {
  const clock = new FakeClock();
  const { fetch, calls } = fakeFetch({
    'GET /admin/v1/providers': [200, []],
    'GET /admin/v1/nodes': [200, []],
    'POST /admin/v1/instances/i1/capacity': (init) => [200, JSON.parse(init.body)],
  });
  const live = createConsole({ api: createApi('t', { fetch }), clock, now: () => clock.now(), onData: () => {},
    onRefused: () => assert.fail('refused'), onError: (e) => assert.fail(e.message) });
  await live.start();
  await live.show('providers');
  const action = providerRows([{ instance: 'i1', info: { name: 'espeak', voices: [] }, node: 'n1', inFlight: 0,
    capacity: 4, queueDepth: 0, ttfaEwmaMs: 40, ttfaP95Ms: 70, errorRate: 0, circuit: 'closed', score: 50 }])[0]
    .actions.find((a) => a.label === 'Capacity…');
  assert.deepEqual(await live.act(action, { capacity: 8 }), { capacity: 8, confirm: 'i1' });
  await settle();
  assert.deepEqual(calls.slice(-2).map((c) => c.url).sort(), ['/admin/v1/nodes', '/admin/v1/providers']);
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
