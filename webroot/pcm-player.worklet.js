// Streaming PCM player: one independent stream per request, mixed into the output.
//
// Runs inside an AudioWorklet. The logic lives in plain classes so the page can reuse it with a
// ScriptProcessor fallback (no AudioWorklet outside secure contexts) and so node can unit-test it
// (src/test/js/pcm-player.test.js).
//
// Each stream
//   - resamples its session-rate PCM to the device rate as the chunks arrive, with one continuous-phase
//     windowed-sinc resampler per stream: the phase carries over chunk boundaries, so there are no seams;
//   - waits in a small jitter buffer until `targetMs` of audio is queued (or the reply has ended), then
//     plays gaplessly; an underrun sends it back to buffering and grows the target, steady playback
//     shrinks the target again, slowly;
//   - fades out over ~10 ms when stopped, so a cancelled reply never clicks.
//
// Messages in (port):
//   {type:'chunk', id, rate, samples: Float32Array}  append session-rate audio to stream `id`
//   {type:'end', id}                                  no more audio for `id`: play out what is queued
//   {type:'stop', id}                                 fade `id` out now and forget it
//   {type:'stopAll'}                                  fade every stream out
// Messages out:
//   {type:'sched', id, scheduled}                     device-rate samples produced so far for `id`
//   {type:'started', id, targetMs}                    first sample of `id` is being rendered
//   {type:'pos', streams: [[id, played, scheduled, bufferedFrames]], targetMs}   ~every 30 ms
//   {type:'underrun', id, played, targetMs}           `id` ran dry before its end
//   {type:'drained', id, played, scheduled}           everything of `id` has been rendered
//   {type:'stopped', id, played, scheduled}           the fade-out of `id` finished

const REPORT_INTERVAL_S = 0.03;
const FADE_S = 0.01;

export const JITTER = Object.freeze({
  initialMs: 80,   // start a stream once this much is queued
  minMs: 60,
  maxMs: 480,
  growFactor: 1.5, // after an underrun: target = target * 1.5 + 20 ms
  growAddMs: 20,
  shrinkMs: 10,    // after every `stableS` seconds of playback without an underrun
  stableS: 3,
});

// ---------------------------------------------------------------------------
// Resampler
// ---------------------------------------------------------------------------

const HALF = 8;       // taps on each side: 16-tap kernel
const PHASES = 256;   // kernel table resolution; linear interpolation between rows

const kernelCache = new Map();

function sinc(x) {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Rows of 2*HALF taps for fractional offsets p/PHASES (p = 0..PHASES), each normalised to unit DC gain. */
function kernelTable(cutoff) {
  const key = cutoff.toFixed(6);
  let table = kernelCache.get(key);
  if (table) return table;
  const width = 2 * HALF;
  table = new Float32Array((PHASES + 1) * width);
  for (let p = 0; p <= PHASES; p++) {
    const frac = p / PHASES;
    let sum = 0;
    for (let m = 0; m < width; m++) {
      const x = m - HALF + 1 - frac; // distance of tap m from the output position, in input samples
      const w = Math.abs(x) >= HALF ? 0
        : 0.42 + 0.5 * Math.cos((Math.PI * x) / HALF) + 0.08 * Math.cos((2 * Math.PI * x) / HALF);
      const v = cutoff * sinc(cutoff * x) * w;
      table[p * width + m] = v;
      sum += v;
    }
    for (let m = 0; m < width; m++) table[p * width + m] /= sum;
  }
  kernelCache.set(key, table);
  return table;
}

/**
 * Continuous-phase sample-rate converter. Output sample k sits at input position k * inRate / outRate,
 * computed from integers so the phase never drifts; input history is kept across push() calls, so
 * chunk boundaries are invisible. After finish(), exactly ceil(inputs * outRate / inRate) samples have
 * been produced in total.
 */
export class Resampler {
  constructor(inRate, outRate) {
    this.inRate = Math.round(inRate);
    this.outRate = Math.round(outRate);
    this.passthrough = this.inRate === this.outRate;
    // Upsampling: interpolate (cutoff at the input Nyquist). Downsampling: low-pass below the output Nyquist.
    this.table = this.passthrough ? null
      : kernelTable(this.outRate >= this.inRate ? 1 : (this.outRate / this.inRate) * 0.95);
    this.hist = new Float32Array(0); // input samples [histStart, inCount)
    this.histStart = 0;
    this.inCount = 0;
    this.k = 0;                      // next output sample
    this.produced = 0;
    this.finished = false;
  }

  /** Appends input; returns the output samples that can be computed now (may be empty). */
  push(samples) {
    if (this.finished || !samples || !samples.length) return new Float32Array(0);
    if (this.passthrough) {
      this.inCount += samples.length;
      this.produced += samples.length;
      return samples;
    }
    const keep = this.hist.length;
    const merged = new Float32Array(keep + samples.length);
    merged.set(this.hist, 0);
    merged.set(samples, keep);
    this.hist = merged;
    this.inCount += samples.length;
    return this.run(false);
  }

  /** No more input: computes the tail (missing look-ahead counts as silence). */
  finish() {
    if (this.finished) return new Float32Array(0);
    this.finished = true;
    if (this.passthrough) return new Float32Array(0);
    return this.run(true);
  }

  run(final) {
    const inRate = this.inRate;
    const outRate = this.outRate;
    // Outputs k with k*inRate < inCount*outRate exist; without the final flag they also need their
    // look-ahead: floor(k*inRate/outRate) + HALF <= inCount - 1.
    const endAll = Math.ceil((this.inCount * outRate) / inRate);
    let end = endAll;
    if (!final) {
      const lastIndex = this.inCount - 1 - HALF; // highest i0 whose look-ahead is complete
      end = lastIndex < 0 ? 0 : Math.min(endAll, Math.floor(((lastIndex + 1) * outRate - 1) / inRate) + 1);
    }
    const count = Math.max(0, end - this.k);
    const out = new Float32Array(count);
    const table = this.table;
    const width = 2 * HALF;
    const hist = this.hist;
    const start = this.histStart;
    const inCount = this.inCount;
    for (let j = 0; j < count; j++) {
      const k = this.k + j;
      const num = k * inRate;                  // exact in doubles up to 2^53
      const i0 = Math.floor(num / outRate);
      const frac = (num - i0 * outRate) / outRate;
      const pf = frac * PHASES;
      const p = Math.min(PHASES - 1, Math.floor(pf));
      const t = pf - p;
      const rowA = p * width;
      const rowB = rowA + width;
      let acc = 0;
      const first = i0 - HALF + 1;
      for (let m = 0; m < width; m++) {
        const idx = first + m;
        if (idx < start || idx >= inCount) continue; // before the stream or past its end: silence
        const c = table[rowA + m] + (table[rowB + m] - table[rowA + m]) * t;
        acc += hist[idx - start] * c;
      }
      out[j] = acc;
    }
    this.k += count;
    this.produced += count;
    // Drop input no later output can reach (the next output needs i0 - HALF + 1 onwards).
    const nextFirst = Math.floor((this.k * inRate) / outRate) - HALF + 1;
    const drop = Math.min(this.hist.length, Math.max(0, nextFirst - start));
    if (drop > 0) {
      this.hist = this.hist.slice(drop);
      this.histStart += drop;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// Mixer: per-request streams with jitter buffer and fade-out
// ---------------------------------------------------------------------------

class Stream {
  constructor(id, inRate, outRate) {
    this.id = id;
    this.resampler = new Resampler(inRate, outRate);
    this.items = [];     // device-rate Float32Arrays; FIFO as array + head index
    this.head = 0;
    this.offset = 0;     // read position inside items[head]
    this.queued = 0;     // device-rate frames waiting
    this.scheduled = 0;  // device-rate frames produced (rendered + queued)
    this.played = 0;     // device-rate frames rendered
    this.ended = false;
    this.started = false;
    this.playing = false; // false while (re)buffering
    this.fadeLeft = -1;   // >= 0 while fading out
  }

  append(data) {
    if (!data.length) return;
    this.items.push(data);
    this.queued += data.length;
    this.scheduled += data.length;
  }
}

export class PcmMixer {
  constructor(outRate, emit) {
    this.outRate = outRate;
    this.emit = emit;
    this.streams = new Map();
    this.gone = new Set(); // ids stopped or drained: late messages for them are ignored
    this.targetMs = JITTER.initialMs;
    this.stableFrames = 0;
    this.fadeFrames = Math.max(1, Math.round(outRate * FADE_S));
    this.reportEvery = Math.max(128, Math.round(outRate * REPORT_INTERVAL_S));
    this.sinceReport = 0;
  }

  handle(msg) {
    if (!msg) return;
    switch (msg.type) {
      case 'chunk': this.chunk(msg.id, msg.rate, msg.samples); break;
      case 'end': this.end(msg.id); break;
      case 'stop': this.stop(msg.id); break;
      case 'stopAll': for (const id of [...this.streams.keys()]) this.stop(id); break;
      default: break;
    }
  }

  stream(id, rate) {
    let s = this.streams.get(id);
    if (!s && !this.gone.has(id)) {
      s = new Stream(id, rate || this.outRate, this.outRate);
      this.streams.set(id, s);
    }
    return s;
  }

  chunk(id, rate, samples) {
    const s = this.stream(id, rate);
    if (!s || s.ended || s.fadeLeft >= 0 || !samples || !samples.length) return;
    s.append(s.resampler.push(samples));
    this.emit({ type: 'sched', id, scheduled: s.scheduled });
  }

  end(id) {
    const s = this.streams.get(id);
    if (!s || s.ended) return;
    s.ended = true;
    s.append(s.resampler.finish());
    this.emit({ type: 'sched', id, scheduled: s.scheduled });
    if (s.queued === 0 && s.fadeLeft < 0) this.finish(s, 'drained');
  }

  stop(id) {
    const s = this.streams.get(id);
    if (!s) {
      this.forget(id);
      return;
    }
    if (s.fadeLeft >= 0) return;
    // Nothing audible yet (still buffering): drop at once. Otherwise ramp down over ~10 ms.
    if (!s.playing || s.queued === 0) this.finish(s, 'stopped');
    else s.fadeLeft = Math.min(this.fadeFrames, s.queued);
  }

  forget(id) {
    this.gone.add(id);
    if (this.gone.size > 256) this.gone.delete(this.gone.values().next().value);
  }

  finish(s, type) {
    this.streams.delete(s.id);
    this.forget(s.id);
    this.emit({ type, id: s.id, played: s.played, scheduled: s.scheduled });
  }

  targetFrames() {
    return Math.round((this.targetMs / 1000) * this.outRate);
  }

  /** Adds one render quantum of every stream into `out` (which is zeroed here first). */
  render(out) {
    const n = out.length;
    out.fill(0);
    let anyPlaying = false;
    for (const s of [...this.streams.values()]) {
      if (!s.playing) {
        if (s.queued > 0 && (s.ended || s.queued >= this.targetFrames() || s.fadeLeft >= 0)) {
          s.playing = true;
          if (!s.started) {
            s.started = true;
            this.emit({ type: 'started', id: s.id, targetMs: this.targetMs });
          }
        } else {
          continue;
        }
      }
      anyPlaying = true;
      this.mix(s, out, n);
      if (s.fadeLeft === 0 || (s.fadeLeft > 0 && s.queued === 0)) {
        this.finish(s, 'stopped');
      } else if (s.queued === 0) {
        if (s.ended) {
          this.finish(s, 'drained');
        } else {
          // Ran dry mid-reply: buffer again, with a larger target.
          s.playing = false;
          this.targetMs = Math.min(JITTER.maxMs, Math.round(this.targetMs * JITTER.growFactor + JITTER.growAddMs));
          this.stableFrames = 0;
          this.emit({ type: 'underrun', id: s.id, played: s.played, targetMs: this.targetMs });
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const v = out[i];
      if (v > 1) out[i] = 1;
      else if (v < -1) out[i] = -1;
    }
    if (anyPlaying) {
      this.stableFrames += n;
      if (this.stableFrames >= JITTER.stableS * this.outRate) {
        this.stableFrames = 0;
        this.targetMs = Math.max(JITTER.minMs, this.targetMs - JITTER.shrinkMs);
      }
    }
    if (this.streams.size) {
      this.sinceReport += n;
      if (this.sinceReport >= this.reportEvery) {
        this.sinceReport = 0;
        const list = [];
        for (const s of this.streams.values()) list.push([s.id, s.played, s.scheduled, s.queued]);
        this.emit({ type: 'pos', streams: list, targetMs: this.targetMs });
      }
    }
  }

  mix(s, out, n) {
    let i = 0;
    while (i < n && s.queued > 0) {
      const data = s.items[s.head];
      let count = Math.min(n - i, data.length - s.offset);
      if (s.fadeLeft >= 0) count = Math.min(count, s.fadeLeft);
      if (count <= 0) break;
      if (s.fadeLeft >= 0) {
        const total = this.fadeFrames;
        for (let j = 0; j < count; j++) {
          out[i + j] += data[s.offset + j] * ((s.fadeLeft - j) / total);
        }
        s.fadeLeft -= count;
      } else {
        for (let j = 0; j < count; j++) out[i + j] += data[s.offset + j];
      }
      i += count;
      s.offset += count;
      s.queued -= count;
      s.played += count;
      if (s.offset >= data.length) {
        s.items[s.head] = undefined;
        s.head += 1;
        s.offset = 0;
        if (s.head >= 64 && s.head * 2 >= s.items.length) {
          s.items = s.items.slice(s.head);
          s.head = 0;
        }
      }
      if (s.fadeLeft === 0) break;
    }
  }
}

// Only register when loaded as an AudioWorklet module (not when imported by the page or node).
if (typeof registerProcessor === 'function' && typeof AudioWorkletProcessor === 'function') {
  class PcmPlayerProcessor extends AudioWorkletProcessor {
    constructor() {
      super();
      // `sampleRate` is the AudioWorkletGlobalScope's (device) rate.
      this.mixer = new PcmMixer(sampleRate, (msg) => this.port.postMessage(msg));
      this.port.onmessage = (event) => this.mixer.handle(event.data);
    }

    process(_inputs, outputs) {
      const out = outputs[0];
      if (out && out[0]) {
        this.mixer.render(out[0]);
        for (let c = 1; c < out.length; c++) out[c].set(out[0]);
      }
      return true; // keep alive: the node lives for the whole page session
    }
  }
  registerProcessor('pcm-player', PcmPlayerProcessor);
}
