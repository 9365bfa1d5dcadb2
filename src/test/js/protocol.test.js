import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  parseServerMessage, parseAudioFrame, buildAudioFrame, backoffDelay, wsUrl, normalizeSettings, DEFAULT_SETTINGS,
  buildWav, describeError, groupVoices, baseLanguage, makeId, DEFAULT_SAMPLE_RATE,
} from '../../../webroot/protocol.js';

const parse = (obj) => parseServerMessage(typeof obj === 'string' ? obj : JSON.stringify(obj));

// ---------------------------------------------------------------------------------------------------------------
// Server messages (docs/protocol.md)
// ---------------------------------------------------------------------------------------------------------------

test('ready: session, sample rate and voice profiles; a missing or bad rate means the default 24 kHz', () => {
  assert.deepEqual(parse({ type: 'ready', session: 'abc', sampleRate: 22050, protocol: 1, voiceProfiles: true }),
    { ok: true, message: { type: 'ready', session: 'abc', sampleRate: 22050, voiceProfiles: true } });
  assert.deepEqual(parse({ type: 'ready' }).message,
    { type: 'ready', session: null, sampleRate: DEFAULT_SAMPLE_RATE, voiceProfiles: false });
  assert.equal(parse({ type: 'ready', voiceProfiles: 'yes' }).message.voiceProfiles, false, 'only true means on');
  for (const bad of [0, -16000, 'fast', null]) {
    assert.equal(parse({ type: 'ready', sampleRate: bad }).message.sampleRate, 24000, `sampleRate ${bad}`);
  }
  assert.equal(parse({ type: 'ready', sampleRate: '48000' }).message.sampleRate, 48000);
});

test('pong', () => {
  assert.deepEqual(parse({ type: 'pong', extra: 1 }), { ok: true, message: { type: 'pong' } });
});

test('audio_start: stream as an unsigned 32-bit number, optional rate, provider, voice and tier', () => {
  assert.deepEqual(parse({
    type: 'audio_start', id: 'r1', stream: 7, sampleRate: 24000, provider: 'espeak', voice: 'en', quality: 'fast',
  }).message, {
    type: 'audio_start', id: 'r1', stream: 7, sampleRate: 24000, provider: 'espeak', voice: 'en', quality: 'fast',
  });
  assert.deepEqual(parse({ type: 'audio_start', id: 'r2', stream: 4294967295 }).message, {
    type: 'audio_start', id: 'r2', stream: 4294967295, sampleRate: null, provider: null, voice: null, quality: null,
  });
  assert.equal(parse({ type: 'audio_start', id: 'r3', stream: '12' }).message.stream, 12);
  assert.equal(parse({ type: 'audio_start', id: 'r3', stream: -1 }).message.stream, 4294967295);
  assert.equal(parse({ type: 'audio_start', id: 'r3', stream: 1, quality: '' }).message.quality, null);
});

test('sentence: index and text', () => {
  assert.deepEqual(parse({ type: 'sentence', id: 'r1', index: 2, text: 'Hello there.' }).message,
    { type: 'sentence', id: 'r1', index: 2, text: 'Hello there.' });
  assert.deepEqual(parse({ type: 'sentence', id: 'r1', index: '3' }).message,
    { type: 'sentence', id: 'r1', index: 3, text: '' });
});

test('audio_end: the reply\'s numbers, with absent ones as null and switches as a list', () => {
  const switches = [{ from: 'azure', to: 'espeak', reason: 'provider_unavailable' }];
  assert.deepEqual(parse({
    type: 'audio_end', id: 'r1', chunks: 22, samples: 50412, ttfaMs: 27, totalMs: 61, cached: false,
    provider: 'espeak', switches,
  }).message, {
    type: 'audio_end', id: 'r1', ttfaMs: 27, totalMs: 61, samples: 50412, chunks: 22, cached: false,
    provider: 'espeak', switches, cancelled: false,
  });
  assert.deepEqual(parse({ type: 'audio_end', id: 'r2', cancelled: true, cached: 'yes', switches: 'none' }).message, {
    type: 'audio_end', id: 'r2', ttfaMs: null, totalMs: null, samples: null, chunks: null, cached: null,
    provider: null, switches: [], cancelled: true,
  });
  assert.equal(parse({ type: 'audio_end', id: 'r3', cancelled: 'true' }).message.cancelled, false);
});

test('error: code and message; a missing code is "internal", a missing id null', () => {
  assert.deepEqual(parse({ type: 'error', id: 'r3', code: 'invalid_request', message: "no running provider offers voice 'xx'" }).message,
    { type: 'error', id: 'r3', code: 'invalid_request', message: "no running provider offers voice 'xx'" });
  assert.deepEqual(parse({ type: 'error', code: '', message: 42 }).message,
    { type: 'error', id: null, code: 'internal', message: '' });
});

test('settings: the session settings the server applied', () => {
  const settings = { provider: 'auto', emotion: 'calm', speed: 1.2 };
  assert.deepEqual(parse({ type: 'settings', settings }).message, { type: 'settings', settings });
  assert.deepEqual(parse({ type: 'settings' }).message, { type: 'settings', settings: null });
});

test('unknown types are passed on as unknown (forward compatible), including Object.prototype names', () => {
  assert.deepEqual(parse({ type: 'transcript', text: 'hi' }), { ok: true, message: { type: 'unknown', name: 'transcript' } });
  assert.deepEqual(parse({ type: 'toString' }).message, { type: 'unknown', name: 'toString' });
  assert.deepEqual(parse({ type: '__proto__' }).message, { type: 'unknown', name: '__proto__' });
  assert.deepEqual(parse({ text: 'no type' }).message, { type: 'unknown', name: null });
});

test('text that is not a JSON object is refused with a reason', () => {
  assert.deepEqual(parseServerMessage('not json'), { ok: false, error: 'The server sent a message that is not JSON.' });
  assert.deepEqual(parseServerMessage('{"type":"ready"'), { ok: false, error: 'The server sent a message that is not JSON.' });
  for (const raw of ['null', '5', '"ready"', '[{"type":"ready"}]', 'true']) {
    assert.deepEqual(parseServerMessage(raw), { ok: false, error: 'The server sent a message that is not a JSON object.' }, raw);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Binary audio frames: [stream u32 BE][seq u32 BE][PCM s16le mono ...]
// ---------------------------------------------------------------------------------------------------------------

test('audio frame: big-endian header, little-endian samples scaled to [-1, 1)', () => {
  const buf = buildAudioFrame(0x01020304, 0xfffffffe, [0, 16384, -32768, 32767]);
  const bytes = new Uint8Array(buf);
  assert.deepEqual([...bytes.subarray(0, 8)], [1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe]);
  assert.deepEqual([...bytes.subarray(8, 12)], [0, 0, 0x00, 0x40]);
  const frame = parseAudioFrame(buf);
  assert.equal(frame.stream, 0x01020304);
  assert.equal(frame.seq, 0xfffffffe);
  assert.deepEqual([...frame.samples], [0, 0.5, -1, 32767 / 32768]);
});

test('audio frame: a trailing odd byte is dropped, a header-only frame has no samples', () => {
  const odd = new Uint8Array(buildAudioFrame(1, 2, [100, 200]).byteLength + 1);
  odd.set(new Uint8Array(buildAudioFrame(1, 2, [100, 200])));
  odd[odd.length - 1] = 0x7f;
  assert.deepEqual([...parseAudioFrame(odd.buffer).samples], [100 / 32768, 200 / 32768]);
  assert.equal(parseAudioFrame(buildAudioFrame(9, 0, [])).samples.length, 0);
});

test('audio frame: too short or not an ArrayBuffer is no frame', () => {
  assert.equal(parseAudioFrame(new ArrayBuffer(7)), null);
  assert.equal(parseAudioFrame(new Uint8Array(16)), null);
  assert.equal(parseAudioFrame('frame'), null);
  assert.equal(parseAudioFrame(null), null);
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers of the page
// ---------------------------------------------------------------------------------------------------------------

test('backoff: 1, 2, 4, 8 s, then 15 s for every later attempt', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 30, 1000].map(backoffDelay), [1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
  assert.equal(backoffDelay(-3), 1000);
});

test('WebSocket URL: same host, wss under https, token URL-encoded', () => {
  assert.equal(wsUrl({ protocol: 'http:', host: 'localhost:8080' }), 'ws://localhost:8080/ws');
  assert.equal(wsUrl({ protocol: 'https:', host: 'voice.example' }, 'a b/c+d'), 'wss://voice.example/ws?token=a%20b%2Fc%2Bd');
});

test('settings: valid values are kept, anything odd falls back field by field', () => {
  const good = { provider: 'piper', voice: 'en_GB-alan-medium', emotion: 'calm', intensity: 0.8, quality: 'high', speed: 1.25, pitch: -0.5 };
  assert.deepEqual(normalizeSettings(good), good);
  assert.deepEqual(normalizeSettings(null), { ...DEFAULT_SETTINGS });
  assert.deepEqual(normalizeSettings({
    provider: 'Not A Provider', voice: '<script>', emotion: 'furious', intensity: 7, quality: 'ultra', speed: '0.1', pitch: 'x',
  }), { ...DEFAULT_SETTINGS, intensity: 1, speed: 0.5 });
});

test('error sentences for wire codes, and a generic one for anything else', () => {
  assert.match(describeError('too_large'), /limit is 5000 characters/);
  assert.match(describeError('rate_limited'), /Too many requests/);
  assert.equal(describeError('no_such_code'), 'Something unexpected went wrong.');
});

test('voices are grouped by provider (in order) and language (by name)', () => {
  const voices = [
    { provider: 'piper', id: 'en_US-amy', language: 'en-us' },
    { provider: 'espeak', id: 'de', language: 'de' },
    { provider: 'piper', id: 'de_DE-thorsten', language: 'de_DE' },
    { provider: 'piper', id: 'en_GB-alan', language: 'en-gb' },
    { id: 42 },
  ];
  const names = { en: 'English', de: 'German' };
  const groups = groupVoices(voices, (l) => names[l]);
  assert.deepEqual(groups.map((g) => [g.provider, g.languageName, g.voices.map((v) => v.id)]), [
    ['piper', 'English', ['en_US-amy', 'en_GB-alan']],
    ['piper', 'German', ['de_DE-thorsten']],
    ['espeak', 'German', ['de']],
  ]);
  assert.equal(baseLanguage('pt_BR'), 'pt');
});

test('WAV: 44-byte RIFF header for 16-bit mono PCM, then the samples; odd trailing bytes dropped', () => {
  const wav = buildWav([new Uint8Array([1, 2, 3, 4]).buffer, new Uint8Array([5, 6, 7])], 22050);
  const view = new DataView(wav);
  const ascii = (off) => String.fromCharCode(...new Uint8Array(wav, off, 4));
  assert.equal(wav.byteLength, 44 + 6);
  assert.equal(ascii(0), 'RIFF');
  assert.equal(view.getUint32(4, true), 36 + 6);
  assert.equal(ascii(8), 'WAVE');
  assert.equal(view.getUint16(20, true), 1);
  assert.equal(view.getUint16(22, true), 1);
  assert.equal(view.getUint32(24, true), 22050);
  assert.equal(view.getUint32(28, true), 44100);
  assert.equal(view.getUint16(34, true), 16);
  assert.equal(ascii(36), 'data');
  assert.equal(view.getUint32(40, true), 6);
  assert.deepEqual([...new Uint8Array(wav, 44)], [1, 2, 3, 4, 5, 6]);
});

test('request ids are unique', () => {
  const ids = new Set(Array.from({ length: 1000 }, makeId));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^c[0-9a-z]+-[0-9a-z]+-[0-9a-z]+$/);
});
