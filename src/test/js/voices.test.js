// The Voices section without a browser: the WAV the page makes from the microphone, the level meter's maths,
// the voice-profile API client and the rows of the quality report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOOR_DB, blockLevel, createLevelMeter, durationSeconds, encodeWav, floatToPcm16, toDb } from '../../../webroot/recording.js';
import {
  PROFILES_PATH, ProfileApiError, createProfilesApi, reportRows, uploadReports,
} from '../../../webroot/voices-api.js';

const bytes = (buf) => [...new Uint8Array(buf)];

test('float samples become 16-bit little-endian PCM: clamped, both full scales exact, rounded', () => {
  const pcm = floatToPcm16(new Float32Array([0, 1, -1, 0.5, -0.5, 2, -3, NaN, 1 / 32767]));
  assert.deepEqual(bytes(pcm), [
    0x00, 0x00, // 0
    0xff, 0x7f, // 1 → 32767
    0x00, 0x80, // -1 → -32768
    0x00, 0x40, // 0.5 → 16383.5 → 16384 (round half up)
    0x00, 0xc0, // -0.5 → -16384
    0xff, 0x7f, // 2 clamps to 32767
    0x00, 0x80, // -3 clamps to -32768
    0x00, 0x00, // NaN is silence
    0x01, 0x00, // one step
  ]);
});

test('encodeWav writes the exact 44-byte header and every block in order', () => {
  const wav = encodeWav([new Float32Array([1, -1]), new Float32Array([0.5])], 48000);
  const b = bytes(wav);
  assert.equal(b.length, 44 + 6);
  const ascii = (from, n) => String.fromCharCode(...b.slice(from, from + n));
  const u32 = (at) => new DataView(wav).getUint32(at, true);
  const u16 = (at) => new DataView(wav).getUint16(at, true);
  assert.equal(ascii(0, 4), 'RIFF');
  assert.equal(u32(4), 36 + 6);
  assert.equal(ascii(8, 8), 'WAVEfmt ');
  assert.equal(u32(16), 16);
  assert.equal(u16(20), 1, 'PCM');
  assert.equal(u16(22), 1, 'mono');
  assert.equal(u32(24), 48000);
  assert.equal(u32(28), 96000, 'byte rate');
  assert.equal(u16(32), 2, 'block align');
  assert.equal(u16(34), 16, 'bits');
  assert.equal(ascii(36, 4), 'data');
  assert.equal(u32(40), 6);
  assert.deepEqual(b.slice(44), [0xff, 0x7f, 0x00, 0x80, 0x00, 0x40]);
  assert.equal(durationSeconds([new Float32Array(48000), new Float32Array(24000)], 48000), 1.5);
});

test('block levels: a full-scale sine reads −3.01 dBFS RMS and 0 dBFS peak; silence reads the floor', () => {
  const sine = Float32Array.from({ length: 4800 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 48000));
  const level = blockLevel(sine);
  assert.ok(Math.abs(level.rmsDb - -3.0103) < 0.01, String(level.rmsDb));
  assert.ok(Math.abs(level.peakDb) < 0.01);
  assert.deepEqual(blockLevel(new Float32Array(128)), { rms: 0, peak: 0, rmsDb: FLOOR_DB, peakDb: FLOOR_DB });
  assert.equal(toDb(0.1), -20);
  assert.equal(toDb(1e-9), FLOOR_DB, 'never below the floor');
});

test('the meter rises at once, falls at the release rate, and holds the clip mark for a second', () => {
  const meter = createLevelMeter({ releaseDbPerSecond: 20, clipHoldMs: 1000 });
  const rate = 1000;
  const loud = new Float32Array(100).fill(0.1); // −20 dBFS, 100 ms
  const quiet = new Float32Array(100);
  const first = meter.update(loud, rate);
  assert.ok(Math.abs(first.db - -20) < 1e-5, String(first.db));
  assert.equal(first.clipped, false);
  // 100 ms of silence: down by 2 dB, not to the floor.
  assert.ok(Math.abs(meter.update(quiet, rate).db - -22) < 1e-5);
  for (let i = 0; i < 30; i++) meter.update(quiet, rate);
  assert.equal(meter.update(quiet, rate).db, FLOOR_DB, 'ends at the floor');
  assert.equal(meter.update(new Float32Array(100).fill(1), rate).clipped, true);
  for (let i = 0; i < 9; i++) assert.equal(meter.update(quiet, rate).clipped, true, `held at ${i}`);
  assert.equal(meter.update(quiet, rate).clipped, false, 'released after 1 s');
  meter.reset();
  assert.equal(meter.update(quiet, rate).db, FLOOR_DB);
});

/** An authorised `request` that answers from `routes` ("GET /path" → [status, body]) and records each call. */
function fakeRequest(routes) {
  const calls = [];
  const request = async (path, init = {}) => {
    const method = init.method || 'GET';
    calls.push({ path, method, init });
    const answer = routes[`${method} ${path}`];
    if (!answer) throw new TypeError('Failed to fetch');
    const [status, body] = typeof answer === 'function' ? answer(init) : answer;
    return { ok: status < 300, status, json: async () => { if (body === undefined) throw new SyntaxError('empty'); return body; } };
  };
  return { request, calls };
}

test('list: the profiles, or null when cloning is off (404); other failures are errors with the server message', async () => {
  const on = createProfilesApi(fakeRequest({ [`GET ${PROFILES_PATH}`]: [200, { profiles: [{ id: 'vp_a' }] }] }).request);
  assert.deepEqual(await on.list(), [{ id: 'vp_a' }]);
  const off = createProfilesApi(fakeRequest({ [`GET ${PROFILES_PATH}`]: [404, { error: { code: 'invalid_request', message: 'not found' } }] }).request);
  assert.equal(await off.list(), null);
  const down = createProfilesApi(fakeRequest({
    [`GET ${PROFILES_PATH}`]: [503, { error: { code: 'provider_unavailable', message: 'the voice profile database is unavailable' } }],
  }).request);
  const err = await down.list().catch((e) => e);
  assert.ok(err instanceof ProfileApiError);
  assert.deepEqual([err.status, err.code, err.message], [503, 'provider_unavailable', 'the voice profile database is unavailable']);
  const unreachable = await createProfilesApi(fakeRequest({}).request).list().catch((e) => e);
  assert.equal(unreachable.status, 0);
});

test('consent statement: asks for the language and speaker, answers the statement', async () => {
  const { request, calls } = fakeRequest({
    [`GET ${PROFILES_PATH}/consent-statement?language=en-GB&speakerName=Ada+Example`]: [200, { statement: 'I, Ada Example, …' }],
  });
  assert.equal(await createProfilesApi(request).consentStatement('en-GB', 'Ada Example'), 'I, Ada Example, …');
  assert.equal(calls.length, 1);
});

test('create: one multipart request with the metadata, every clip and the consent recording as their parts', async () => {
  const { request, calls } = fakeRequest({ [`POST ${PROFILES_PATH}`]: [201, { id: 'vp_new', clips: [] }] });
  const api = createProfilesApi(request);
  const meta = { name: 'Ada', consent: { confirmed: true } };
  const a = new Blob([new Uint8Array([1, 2])], { type: 'audio/wav' });
  const b = new Blob([new Uint8Array([3])], { type: 'audio/wav' });
  const c = new Blob([new Uint8Array([4])], { type: 'audio/wav' });
  assert.deepEqual(await api.create(meta, [{ blob: a, fileName: 'a.wav' }, { blob: b, fileName: 'b.wav' }],
    { blob: c, fileName: 'consent.wav' }), { id: 'vp_new', clips: [] });
  const form = calls[0].init.body;
  assert.ok(form instanceof FormData);
  assert.equal(calls[0].init.headers, undefined, 'the browser sets the multipart content type with its boundary');
  assert.deepEqual(JSON.parse(form.get('metadata')), meta);
  const clips = form.getAll('clips');
  assert.deepEqual(clips.map((f) => f.name), ['a.wav', 'b.wav']);
  assert.deepEqual(bytes(await clips[0].arrayBuffer()), [1, 2]);
  assert.equal(form.get('consentRecording').name, 'consent.wav');
  assert.ok(calls[0].path === PROFILES_PATH);
});

test('create refused by the quality gate: the error carries every file report', async () => {
  const clips = [{ index: 0, part: 'clips', fileName: 'a.wav', passed: false,
    report: { passed: false, durationMs: 200, failures: [{ code: 'too_short', value: 200, limit: 1000, message: 'Only 0.2 s of sound; record at least 1.0 s.' }] } }];
  const api = createProfilesApi(fakeRequest({
    [`POST ${PROFILES_PATH}`]: [422, { error: { code: 'invalid_request', message: 'did not pass', clips } }],
  }).request);
  const err = await api.create({}, [{ blob: new Blob([]), fileName: 'a.wav' }]).catch((e) => e);
  assert.equal(err.status, 422);
  assert.deepEqual(err.clips, clips);
  const [shown] = uploadReports(err);
  assert.equal(shown.title, 'File 1 (a.wav)');
  assert.equal(shown.passed, false);
  const row = shown.rows.find((r) => r.code === 'too_short');
  assert.deepEqual(row, { code: 'too_short', label: 'Long enough', value: '0.2 s', limit: '1.0 s', passed: false,
    message: 'Only 0.2 s of sound; record at least 1.0 s.' });
});

test('rename, register and delete: PATCH with the version the change is based on, DELETE answers nothing', async () => {
  const { request, calls } = fakeRequest({
    [`PATCH ${PROFILES_PATH}/vp_1`]: (init) => [200, { echoed: JSON.parse(init.body) }],
    [`DELETE ${PROFILES_PATH}/vp_1`]: [204, undefined],
  });
  const api = createProfilesApi(request);
  const p = { id: 'vp_1', version: 3 };
  assert.deepEqual((await api.rename(p, 'New')).echoed, { name: 'New', version: 3 });
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.deepEqual((await api.register(p, 'elevenlabs', 'rachel')).echoed,
    { provider: 'elevenlabs', voice: 'rachel', version: 3 });
  assert.equal(await api.remove(p), null);
  assert.equal(calls[2].method, 'DELETE');
  const stale = createProfilesApi(fakeRequest({
    [`PATCH ${PROFILES_PATH}/vp_1`]: [409, { error: { code: 'invalid_request', message: 'changed meanwhile' } }],
  }).request);
  assert.equal((await stale.rename(p, 'x').catch((e) => e)).status, 409);
});

test('report rows: one per check in the gate order; passed ones show the measurement, failed ones value, limit and sentence', () => {
  const rows = reportRows({
    passed: false, originalSampleRate: 8000, durationMs: 4200, clippingRatio: 0.0004, silenceRatio: 0.125, rms: 0.1234,
    snrDb: 31.26, dcOffset: -0.0012, loudnessLufs: -23.4,
    failures: [
      { code: 'low_sample_rate', value: 8000, limit: 16000, message: 'Recorded at 8000 Hz; record at 16000 Hz or more.' },
      { code: 'new_check', value: 1, limit: 0, message: 'Something new.' },
    ],
  });
  assert.deepEqual(rows.map((r) => r.code), ['low_sample_rate', 'too_short', 'too_long', 'clipping', 'mostly_silence',
    'too_quiet', 'noisy', 'dc_offset', 'new_check']);
  assert.deepEqual(rows[0], { code: 'low_sample_rate', label: 'Sample rate', value: '8000 Hz', limit: '16000 Hz',
    passed: false, message: 'Recorded at 8000 Hz; record at 16000 Hz or more.' });
  assert.deepEqual(rows.slice(1, 8).map((r) => [r.value, r.limit, r.passed]), [
    ['4.2 s', '—', true], ['4.2 s', '—', true], ['0.0 %', '—', true], ['12.5 %', '—', true], ['0.123', '—', true],
    ['31.3 dB', '—', true], ['0.001', '—', true]]);
  assert.equal(rows[8].passed, false);
  assert.equal(reportRows(null).every((r) => r.passed && r.value === '—'), true, 'no report: nothing measured');
});

test('a created profile\'s reports name its clips and the consent recording', () => {
  const profile = { provider: 'elevenlabs', consent: { recordingClip: 'c1' },
    clips: [{ id: 'c0', report: { passed: true, loudnessLufs: -20 } }, { id: 'c1', report: { passed: true } }] };
  assert.deepEqual(uploadReports(profile).map((r) => [r.title, r.passed, r.loudness]),
    [['Clip c0', true, '-20.0 LUFS'], ['Clip c1, consent recording', true, '—']]);
});

test('add clips: one multipart request with the version and every file; a refusal carries the reports', async () => {
  const added = { id: 'vp_1', version: 4, clips: [{ id: 'c0' }, { id: 'c2' }] };
  const { request, calls } = fakeRequest({ [`POST ${PROFILES_PATH}/vp_1/clips`]: [200, added] });
  const p = { id: 'vp_1', version: 3 };
  const a = new Blob([new Uint8Array([5, 6, 7])], { type: 'audio/wav' });
  assert.deepEqual(await createProfilesApi(request).addClips(p, [{ blob: a, fileName: 'more.wav' }]), added);
  const form = calls[0].init.body;
  assert.ok(form instanceof FormData);
  assert.equal(calls[0].init.headers, undefined, 'the browser sets the multipart content type with its boundary');
  assert.equal(form.get('version'), '3');
  assert.deepEqual(form.getAll('clips').map((f) => f.name), ['more.wav']);
  assert.deepEqual(bytes(await form.get('clips').arrayBuffer()), [5, 6, 7]);
  assert.deepEqual([...form.keys()], ['version', 'clips'], 'nothing else, no consent recording');

  const clips = [{ index: 0, part: 'clips', fileName: 'more.wav', passed: false,
    report: { passed: false, failures: [{ code: 'noisy', value: 9.5, limit: 20, message: 'Too much noise.' }] } }];
  const refused = await createProfilesApi(fakeRequest({
    [`POST ${PROFILES_PATH}/vp_1/clips`]: [422, { error: { code: 'invalid_request', message: 'did not pass', clips } }],
  }).request).addClips(p, [{ blob: a, fileName: 'more.wav' }]).catch((e) => e);
  assert.equal(refused.status, 422);
  assert.deepEqual(uploadReports(refused)[0].rows.find((r) => !r.passed),
    { code: 'noisy', label: 'Signal to noise', value: '9.5 dB', limit: '20.0 dB', passed: false, message: 'Too much noise.' });
});

test('remove a clip: DELETE with the version; the server\'s refusal of the last clip is the error\'s message', async () => {
  const p = { id: 'vp_1', version: 5 };
  const { request, calls } = fakeRequest({
    [`DELETE ${PROFILES_PATH}/vp_1/clips/c1?version=5`]: [200, { id: 'vp_1', version: 6 }],
    [`DELETE ${PROFILES_PATH}/vp_1/clips/c0?version=5`]: [400, { error: { code: 'invalid_request',
      message: "clip c0 is the profile's only reference clip; add another first, or delete the profile" } }],
  });
  const api = createProfilesApi(request);
  assert.deepEqual(await api.removeClip(p, 'c1'), { id: 'vp_1', version: 6 });
  assert.equal(calls[0].method, 'DELETE');
  const err = await api.removeClip(p, 'c0').catch((e) => e);
  assert.deepEqual([err.status, err.code, err.message], [400, 'invalid_request',
    "clip c0 is the profile's only reference clip; add another first, or delete the profile"]);
});

test('register again: POST to the provider\'s registration, no body; the profile comes back pending', async () => {
  const pending = { id: 'vp_1', version: 7, registrations: [{ provider: 'openai', status: 'pending' }] };
  const { request, calls } = fakeRequest({ [`POST ${PROFILES_PATH}/vp_1/registrations/openai`]: [202, pending] });
  assert.deepEqual(await createProfilesApi(request).registerAgain({ id: 'vp_1', version: 6 }, 'openai'), pending);
  assert.equal(calls[0].init.body, undefined);
  assert.equal(calls[0].method, 'POST');
});
