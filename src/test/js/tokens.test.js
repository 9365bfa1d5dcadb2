import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createTokens } from '../../../webroot/tokens.js';
import { FakeClock, settle } from './fakes.js';

/** fetch stand-in: answers from `routes` (path → list of [status, body]) and records every call. */
function fakeFetch(routes) {
  const calls = [];
  const fetch = async (path, init = {}) => {
    calls.push({ path, init: { ...init, headers: { ...init.headers } } }); // getJson reuses its headers object
    const answers = routes[path];
    if (!answers || !answers.length) throw new TypeError('network error');
    const [status, body] = answers.shift();
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
  return { fetch, calls };
}

test('tokens from the URL fragment are used as they are', () => {
  const tokens = createTokens({ hash: '#token=ws.abc&apiToken=api.def', fetch: fakeFetch({}).fetch });
  assert.equal(tokens.authToken, 'ws.abc');
  assert.equal(tokens.apiToken, 'api.def');
});

test('refresh asks for a dev token, sending the current one so the subject stays the same', async () => {
  const { fetch, calls } = fakeFetch({
    '/api/v1/auth/dev-token': [[200, { token: 'ws.1', apiToken: 'api.1' }], [200, { token: 'ws.2' }]],
  });
  const tokens = createTokens({ fetch, clock: new FakeClock() });
  assert.equal(await tokens.refresh(), true);
  assert.deepEqual([tokens.authToken, tokens.apiToken], ['ws.1', 'api.1']);
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.body, '{}');
  assert.equal(await tokens.refresh(), true);
  assert.equal(calls[1].init.body, '{"token":"ws.1"}');
  assert.deepEqual([tokens.authToken, tokens.apiToken], ['ws.2', 'api.1'], 'an answer without apiToken keeps the old one');
});

test('refresh is false without a usable answer: 404 outside dev mode, no token, network error', async () => {
  for (const answer of [[404, { error: 'not_found' }], [200, { token: '' }], [200, null], [200, { token: 7 }]]) {
    const tokens = createTokens({ hash: '#token=keep', fetch: fakeFetch({ '/api/v1/auth/dev-token': [answer] }).fetch });
    assert.equal(await tokens.refresh(), false, JSON.stringify(answer));
    assert.equal(tokens.authToken, 'keep');
  }
  const offline = createTokens({ fetch: fakeFetch({}).fetch });
  assert.equal(await offline.refresh(), false);
});

test('a minute before expiry the pair is renewed and the new token handed to the session', async () => {
  const clock = new FakeClock();
  const renewed = [];
  const { fetch, calls } = fakeFetch({
    '/api/v1/auth/dev-token': [[200, { token: 'ws.1', expiresIn: 900 }], [200, { token: 'ws.2', expiresIn: 30 }],
      [200, { token: 'ws.3' }]],
  });
  const tokens = createTokens({ fetch, clock, onRenewed: (t) => renewed.push(t) });
  await tokens.refresh();
  assert.deepEqual(clock.pendingDelays(), [840_000]);
  clock.advance(840_000);
  await settle();
  assert.deepEqual(renewed, ['ws.2']);
  assert.equal(calls.length, 2);
  assert.deepEqual(clock.pendingDelays(), [5000], 'never sooner than 5 s');
  clock.advance(5000);
  await settle();
  assert.deepEqual(renewed, ['ws.2', 'ws.3']);
  assert.deepEqual(clock.pendingDelays(), [], 'no expiry given: no renewal');
});

test('getJson sends the API token and retries once with a fresh pair after a 401', async () => {
  const { fetch, calls } = fakeFetch({
    '/api/v1/voices': [[401, {}], [200, { voices: [] }]],
    '/api/v1/auth/dev-token': [[200, { token: 'ws.new', apiToken: 'api.new' }]],
  });
  const tokens = createTokens({ hash: '#token=ws.old&apiToken=api.old', fetch, clock: new FakeClock() });
  assert.deepEqual(await tokens.getJson('/api/v1/voices'), { voices: [] });
  assert.deepEqual(calls.map((c) => [c.path, c.init.headers?.Authorization]), [
    ['/api/v1/voices', 'Bearer api.old'],
    ['/api/v1/auth/dev-token', undefined],
    ['/api/v1/voices', 'Bearer api.new'],
  ]);
});

test('getJson gets a token first when it has none, and fails with the path and status', async () => {
  const { fetch, calls } = fakeFetch({
    '/api/v1/auth/dev-token': [[200, { token: 'ws.1', apiToken: 'api.1' }]],
    '/api/v1/providers': [[503, {}]],
  });
  const tokens = createTokens({ fetch, clock: new FakeClock() });
  await assert.rejects(tokens.getJson('/api/v1/providers'), { message: '/api/v1/providers: HTTP 503' });
  assert.deepEqual(calls.map((c) => c.path), ['/api/v1/auth/dev-token', '/api/v1/providers']);
  assert.equal(calls[1].init.headers.Authorization, 'Bearer api.1');
});
