import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Resampler, PcmMixer, JITTER } from '../../../webroot/pcm-player.worklet.js';

const QUANTUM = 128; // frames per AudioWorklet render call

function constant(n, value) {
  return new Float32Array(n).fill(value);
}

function sine(n, rate, hz, phase = 0) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.5 * Math.sin(2 * Math.PI * hz * ((i + phase) / rate));
  return out;
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Zero crossings going up: a tone of f Hz has about f per second. */
function upwardCrossings(samples) {
  let count = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1] < 0 && samples[i] >= 0) count += 1;
  return count;
}

// ---------------------------------------------------------------------------------------------------------------
// Resampler
// ---------------------------------------------------------------------------------------------------------------

test('equal rates pass samples through untouched', () => {
  const r = new Resampler(48000, 48000);
  const input = sine(500, 48000, 440);
  assert.equal(r.push(input), input);
  assert.equal(r.finish().length, 0);
  assert.equal(r.produced, 500);
});

for (const [inRate, outRate, inputs] of [[24000, 48000, 24000], [24000, 44100, 2401], [22050, 48000, 1000],
  [48000, 24000, 4801], [16000, 44100, 333]]) {
  test(`${inRate} Hz → ${outRate} Hz: exactly ceil(inputs × ratio) samples after finish (${inputs} in)`, () => {
    const r = new Resampler(inRate, outRate);
    let produced = 0;
    for (let off = 0; off < inputs; off += 997) produced += r.push(constant(Math.min(997, inputs - off), 0.25)).length;
    produced += r.finish().length;
    assert.equal(produced, Math.ceil((inputs * outRate) / inRate));
    assert.equal(r.produced, produced);
  });
}

test('holds back only the look-ahead until finish: 8 input samples of the 16-tap kernel', () => {
  const r = new Resampler(24000, 48000);
  assert.equal(r.push(constant(100, 0.1)).length, 2 * (100 - 8));
  assert.equal(r.finish().length, 2 * 8);
  assert.equal(r.push(constant(10, 0.1)).length, 0, 'input after finish is ignored');
});

test('chunk boundaries are invisible: 7-sample chunks give the same output as one push', () => {
  const input = sine(4800, 24000, 330);
  const whole = new Resampler(24000, 48000);
  const expected = concat([whole.push(input), whole.finish()]);
  const chunked = new Resampler(24000, 48000);
  const parts = [];
  for (let off = 0; off < input.length; off += 7) parts.push(chunked.push(input.subarray(off, off + 7)));
  parts.push(chunked.finish());
  const actual = concat(parts);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `sample ${i}`);
});

test('irregular chunk sizes give the same output as one push (44.1 kHz output)', () => {
  const input = sine(3000, 24000, 500);
  const whole = new Resampler(24000, 44100);
  const expected = concat([whole.push(input), whole.finish()]);
  const chunked = new Resampler(24000, 44100);
  const sizes = [3, 250, 17, 1, 900, 64];
  const parts = [];
  for (let off = 0, i = 0; off < input.length; i++) {
    const size = sizes[i % sizes.length];
    parts.push(chunked.push(input.subarray(off, off + size)));
    off += size;
  }
  parts.push(chunked.finish());
  const actual = concat(parts);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `sample ${i}`);
});

test('unit gain: a constant signal stays constant away from the edges', () => {
  for (const [inRate, outRate] of [[24000, 48000], [24000, 44100], [48000, 16000]]) {
    const r = new Resampler(inRate, outRate);
    const out = concat([r.push(constant(2000, 0.5)), r.finish()]);
    for (let i = 50; i < out.length - 50; i++) {
      assert.ok(Math.abs(out[i] - 0.5) < 1e-3, `${inRate}→${outRate} sample ${i}: ${out[i]}`);
    }
  }
});

test('a tone keeps its pitch: 440 Hz at 24 kHz is 440 Hz at 48 kHz', () => {
  const r = new Resampler(24000, 48000);
  const out = concat([r.push(sine(24000, 24000, 440, 0.25)), r.finish()]);
  assert.equal(out.length, 48000);
  const crossings = upwardCrossings(out);
  assert.ok(Math.abs(crossings - 440) <= 1, `crossings ${crossings}`);
});

function peakAfter(inRate, outRate, hz) {
  const r = new Resampler(inRate, outRate);
  const out = concat([r.push(sine(inRate, inRate, hz)), r.finish()]);
  let peak = 0;
  for (let i = 100; i < out.length - 100; i++) peak = Math.max(peak, Math.abs(out[i]));
  return peak;
}

test('downsampling low-passes below the output Nyquist: 48 → 16 kHz keeps 1 kHz, stops 12 and 15 kHz', () => {
  assert.ok(peakAfter(48000, 16000, 1000) > 0.49, '1 kHz passes at full level (0.5)');
  assert.ok(peakAfter(48000, 16000, 12000) < 0.05, '12 kHz (would alias to 4 kHz) is at least 20 dB down');
  assert.ok(peakAfter(48000, 16000, 15000) < 0.002, '15 kHz is at least 48 dB down');
});

// ---------------------------------------------------------------------------------------------------------------
// Mixer: jitter buffer, underruns, fades, mixing
// ---------------------------------------------------------------------------------------------------------------

function mixer(outRate = 48000) {
  const events = [];
  const m = new PcmMixer(outRate, (e) => events.push(e));
  const render = (quanta = 1) => {
    const frames = [];
    for (let q = 0; q < quanta; q++) {
      const out = new Float32Array(QUANTUM);
      m.render(out);
      frames.push(out);
    }
    return concat(frames);
  };
  const of = (type) => events.filter((e) => e.type === type);
  return { m, events, render, of };
}

const msFrames = (ms, rate = 48000) => Math.round((ms / 1000) * rate);

test('a stream waits until the jitter target (80 ms) is queued, then plays its samples in order', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(40), 0.3) });
  assert.deepEqual(of('sched'), [{ type: 'sched', id: 'a', scheduled: msFrames(40) }]);
  assert.ok(render(4).every((v) => v === 0), 'silent while buffering');
  assert.equal(of('started').length, 0);
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(40), 0.3) });
  const out = render(1);
  assert.deepEqual(of('started'), [{ type: 'started', id: 'a', targetMs: JITTER.initialMs }]);
  assert.ok(out.every((v) => Math.abs(v - 0.3) < 1e-7));
});

test('a reply shorter than the target plays as soon as it has ended, then reports drained', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'short', rate: 48000, samples: constant(200, 0.2) });
  assert.ok(render(1).every((v) => v === 0));
  m.handle({ type: 'end', id: 'short' });
  const out = render(2);
  assert.ok(out.subarray(0, 200).every((v) => Math.abs(v - 0.2) < 1e-7));
  assert.ok(out.subarray(200).every((v) => v === 0));
  assert.deepEqual(of('drained'), [{ type: 'drained', id: 'short', played: 200, scheduled: 200 }]);
  m.handle({ type: 'chunk', id: 'short', rate: 48000, samples: constant(100, 0.2) });
  assert.ok(render(1).every((v) => v === 0), 'late audio of a finished stream is ignored');
});

test('an end after everything has played drains at once; so does a stream that got only an empty chunk', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'x', rate: 48000, samples: constant(msFrames(100), 0.1) });
  render(Math.ceil(msFrames(100) / QUANTUM));
  assert.equal(of('underrun').length, 1, 'ran dry before its end');
  m.handle({ type: 'end', id: 'x' });
  assert.deepEqual(of('drained'), [{ type: 'drained', id: 'x', played: msFrames(100), scheduled: msFrames(100) }]);
  m.handle({ type: 'chunk', id: 'y', rate: 48000, samples: new Float32Array(0) });
  m.handle({ type: 'end', id: 'y' });
  assert.deepEqual(of('drained')[1], { type: 'drained', id: 'y', played: 0, scheduled: 0 });
  assert.equal(m.streams.size, 0);
});

test('an underrun goes back to buffering and grows the target (×1.5 + 20 ms, at most 480 ms)', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(80), 0.5) });
  render(Math.ceil(msFrames(80) / QUANTUM)); // plays all 80 ms and runs dry
  assert.deepEqual(of('underrun'), [{ type: 'underrun', id: 'a', played: msFrames(80), targetMs: 140 }]);
  // Now 100 ms queued is not enough to restart: the target is 140 ms.
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(100), 0.5) });
  assert.ok(render(2).every((v) => v === 0), 'buffering again');
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(40), 0.5) });
  assert.ok(render(1).every((v) => v === 0.5), 'plays again at 140 ms queued');
  assert.equal(of('started').length, 1, 'started is sent once per stream');

  let target = 140;
  const expected = [];
  for (let i = 0; i < 6; i++) {
    target = Math.min(JITTER.maxMs, Math.round(target * JITTER.growFactor + JITTER.growAddMs));
    expected.push(target);
    const queued = m.streams.get('a').queued;
    render(Math.ceil(queued / QUANTUM) + 1);
    m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(target), 0.5) });
  }
  assert.deepEqual(of('underrun').slice(1).map((e) => e.targetMs), expected);
  assert.equal(expected.at(-1), 480);
});

test('steady playback shrinks the target by 10 ms every 3 s, down to 60 ms', () => {
  const { m, render } = mixer(8000);
  m.targetMs = 100;
  const seconds = 20;
  m.handle({ type: 'chunk', id: 'long', rate: 8000, samples: constant(8000 * seconds, 0.1) });
  render(Math.floor((8000 * 3) / QUANTUM) + 1); // a little over 3 s
  assert.equal(m.targetMs, 90);
  render(Math.floor((8000 * 12) / QUANTUM) + 1);
  assert.equal(m.targetMs, JITTER.minMs);
});

test('stop while playing fades out over about 10 ms and reports stopped; later audio is ignored', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(200), 1) });
  render(1);
  m.handle({ type: 'stop', id: 'a' });
  const fade = render(Math.ceil(msFrames(10) / QUANTUM) + 1);
  const fadeFrames = msFrames(10);
  for (let i = 1; i < fadeFrames; i++) assert.ok(fade[i] < fade[i - 1], `ramp falls at ${i}`);
  assert.ok(fade[0] <= 1 && fade[0] > 0.99);
  assert.ok(fade.subarray(fadeFrames).every((v) => v === 0));
  assert.deepEqual(of('stopped'), [{ type: 'stopped', id: 'a', played: QUANTUM + fadeFrames, scheduled: msFrames(200) }]);
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(200), 1) });
  assert.ok(render(5).every((v) => v === 0));
});

test('stop while still buffering drops the stream at once', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(100, 1) });
  m.handle({ type: 'stop', id: 'a' });
  assert.deepEqual(of('stopped'), [{ type: 'stopped', id: 'a', played: 0, scheduled: 100 }]);
  m.handle({ type: 'stop', id: 'unknown' });
  m.handle({ type: 'chunk', id: 'unknown', rate: 48000, samples: constant(msFrames(100), 1) });
  assert.ok(render(2).every((v) => v === 0), 'a stream stopped before it began never starts');
});

test('streams mix, the sum is clipped to [-1, 1], and stopAll fades every stream', () => {
  const { m, render, of } = mixer();
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(100), 0.7) });
  m.handle({ type: 'chunk', id: 'b', rate: 48000, samples: constant(msFrames(100), 0.6) });
  m.handle({ type: 'chunk', id: 'c', rate: 48000, samples: constant(msFrames(100), -0.2) });
  assert.ok(render(1).every((v) => v === 1), '0.7 + 0.6 - 0.2 clips at 1');
  m.handle({ type: 'stop', id: 'a' });
  render(Math.ceil(msFrames(10) / QUANTUM) + 1);
  assert.ok(render(1).every((v) => Math.abs(v - 0.4) < 1e-6), 'b + c once a has faded');
  m.handle({ type: 'stopAll' });
  render(Math.ceil(msFrames(10) / QUANTUM) + 1);
  assert.deepEqual(of('stopped').map((e) => e.id).sort(), ['a', 'b', 'c']);
  assert.equal(m.streams.size, 0);
});

test('each stream is resampled from its own rate to the device rate', () => {
  const { m, render, of } = mixer(48000);
  m.handle({ type: 'chunk', id: 'a', rate: 24000, samples: constant(2400, 0.25) });
  m.handle({ type: 'end', id: 'a' });
  const out = render(Math.ceil(4800 / QUANTUM) + 1);
  assert.deepEqual(of('drained'), [{ type: 'drained', id: 'a', played: 4800, scheduled: 4800 }]);
  for (let i = 50; i < 4750; i++) assert.ok(Math.abs(out[i] - 0.25) < 1e-3, `sample ${i}`);
});

test('position reports list every stream about every 30 ms', () => {
  const { m, render, of } = mixer(48000);
  m.handle({ type: 'chunk', id: 'a', rate: 48000, samples: constant(msFrames(300), 0.1) });
  render(Math.ceil(msFrames(90) / QUANTUM));
  const reports = of('pos');
  assert.equal(reports.length, 2);
  const [id, played, scheduled, queued] = reports[1].streams[0];
  assert.equal(id, 'a');
  assert.equal(scheduled, msFrames(300));
  assert.equal(played + queued, scheduled);
  assert.equal(reports[1].targetMs, JITTER.initialMs);
});

test('unknown and empty messages are ignored', () => {
  const { m, events } = mixer();
  m.handle(null);
  m.handle({ type: 'volume', value: 2 });
  m.handle({ type: 'end', id: 'nobody' });
  assert.deepEqual(events, []);
});
