// Calls the OpenAI-compatible speech endpoint with the official openai SDK, the way applications do, and reports
// what the SDK returned (OpenAiSpeechIT checks it). Environment: OPENAI_BASE_URL (…/v1), OPENAI_API_KEY, OUT (a
// directory for the audio files), TEXT, and MODE: unset for formats, SSE and errors, or `limits` against a node whose
// limits are (nearly) used up: a 429 as RateLimitError, and one retried after its Retry-After. Prints one JSON object.
import OpenAI from 'openai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const client = new OpenAI({ maxRetries: 0 });
const text = process.env.TEXT;
const out = process.env.OUT;
const report = { formats: {}, errors: {} };

async function failure(name, call) {
  try {
    await call();
    report.errors[name] = { error: 'none' };
  } catch (e) {
    report.errors[name] = { class: e.constructor.name, status: e.status, code: e.code, param: e.param,
      type: e.type, apiError: e instanceof OpenAI.APIError, retryAfter: e.headers?.get('retry-after') ?? null };
  }
}

if (process.env.MODE === 'limits') {
  // Refused with no retry allowed: the SDK's RateLimitError. Longer than the whole character quota, so refused by
  // one limit or the other whatever their state.
  const tooLong = { model: 'tts-1', voice: 'alloy', input: text.repeat(8), response_format: 'pcm' };
  await failure('limited', () => client.audio.speech.create(tooLong));
  // Use up the per-IP request rate (bounded), so the next request is refused by it with a Retry-After of seconds.
  for (let i = 0; i < 20; i++) {
    try {
      await client.audio.speech.create(tooLong);
    } catch (e) {
      if (e.status === 429 && String(e.message).includes('too many requests')) {
        break;
      }
    }
  }
  // One retry allowed: the SDK waits the Retry-After of the 429, and then there is room. Each attempt is recorded.
  const attempts = [];
  const retrying = new OpenAI({ maxRetries: 1, fetch: async (url, init) => {
    const response = await fetch(url, init);
    attempts.push({ at: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') });
    return response;
  } });
  const speech = await retrying.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi.',
    response_format: 'pcm' });
  report.retried = { bytes: Buffer.from(await speech.arrayBuffer()).length };
  report.attempts = attempts;
  console.log(JSON.stringify(report));
  process.exit(0);
}

async function collect(response) {
  const parts = [];
  for await (const chunk of response.body) {
    parts.push(Buffer.from(chunk));
  }
  return parts;
}

for (const format of ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']) {
  const response = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: text,
    response_format: format });
  const parts = await collect(response);
  await writeFile(join(out, format), Buffer.concat(parts));
  report.formats[format] = { contentType: response.headers.get('content-type'), chunks: parts.length };
}

// Non-streamed use, as in OpenAI's own examples: the whole body at once.
const whole = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'coral', input: text,
  instructions: 'Speak in a cheerful and positive tone.', response_format: 'wav' });
await writeFile(join(out, 'whole.wav'), Buffer.from(await whole.arrayBuffer()));

const sse = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: text, response_format: 'pcm',
  stream_format: 'sse' });
const events = Buffer.concat(await collect(sse)).toString('utf8').split('\n\n').filter((e) => e.startsWith('data: '))
  .map((e) => JSON.parse(e.slice(6)));
const deltas = events.filter((e) => e.type === 'speech.audio.delta');
await writeFile(join(out, 'sse.pcm'), Buffer.concat(deltas.map((e) => Buffer.from(e.audio, 'base64'))));
report.sse = { contentType: sse.headers.get('content-type'), deltas: deltas.length, last: events.at(-1) };

await failure('model', () => client.audio.speech.create({ model: 'tts-9', voice: 'alloy', input: text }));
await failure('format', () => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: text,
  response_format: 'ogg' }));
await failure('speed', () => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: text, speed: 9 }));
await failure('key', () => new OpenAI({ apiKey: 'not-a-token', maxRetries: 0 }).audio.speech.create({
  model: 'tts-1', voice: 'alloy', input: text }));
await failure('models', () => client.models.retrieve('tts-9'));
// No azure key on the test node: 503, which the SDK would retry; maxRetries 0 shows its class at once.
await failure('unavailable', () => client.audio.speech.create({ model: 'azure', voice: 'x', input: text }));
report.models = (await client.models.list()).data.map((m) => m.id);

console.log(JSON.stringify(report));
