// Streaming PCM player. Runs inside an AudioWorklet; the queue logic lives in a plain class
// so the page can reuse it with a ScriptProcessor fallback (no AudioWorklet outside secure
// contexts) and so it can be unit-tested in node.
//
// Messages in (port):
//   {type:'chunk', tag, rate, samples: Float32Array}  append audio for request `tag`
//   {type:'end', tag}                                  no more audio for `tag`
//   {type:'flush'}                                     drop everything queued, now
// Messages out:
//   {type:'started', tag}          first sample of `tag` is being rendered
//   {type:'pos', tag, played}      source samples of `tag` played so far (~every 50 ms)
//   {type:'underrun', tag, played} queue ran dry before `end` (reported once per gap)
//   {type:'drained', tag, played}  everything up to `end` has been played
//   {type:'flushed'}

const REPORT_INTERVAL_S = 0.05;

export class PcmQueue {
  constructor(outRate, emit) {
    this.outRate = outRate;
    this.emit = emit;
    // FIFO as array + head index: shift() would be O(n) per chunk on the audio thread.
    this.items = [];
    this.head = 0;
    this.reportEvery = Math.max(128, Math.round(outRate * REPORT_INTERVAL_S));
    this.resetTrack();
  }

  resetTrack() {
    this.tag = null;      // request currently playing
    this.offset = 0;      // read position inside the head chunk
    this.played = 0;      // source samples consumed for `tag`
    this.starved = false; // inside an underrun gap
    this.prev = 0;        // last consumed sample, for linear interpolation
    this.frac = 0;        // fractional position between `prev` and the next sample
    this.sinceReport = 0;
  }

  handle(msg) {
    switch (msg && msg.type) {
      case 'chunk':
        if (msg.samples && msg.samples.length) {
          this.items.push({ tag: msg.tag, rate: msg.rate || this.outRate, data: msg.samples });
        }
        break;
      case 'end':
        this.items.push({ tag: msg.tag, end: true });
        break;
      case 'flush':
        this.items = [];
        this.head = 0;
        this.resetTrack();
        this.emit({ type: 'flushed' });
        break;
      default:
        break;
    }
  }

  shift() {
    this.items[this.head] = undefined;
    this.head += 1;
    this.offset = 0;
    // Compact occasionally so the array does not grow for the lifetime of the page.
    if (this.head >= 64 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Fills `out` (one render quantum) from the queue; silence where there is nothing to play. */
  render(out) {
    const n = out.length;
    let i = 0;
    while (i < n) {
      const item = this.items[this.head];
      if (!item) break;
      if (item.end) {
        this.shift();
        this.emit({ type: 'drained', tag: item.tag, played: item.tag === this.tag ? this.played : 0 });
        this.resetTrack();
        continue;
      }
      if (item.tag !== this.tag) {
        this.resetTrack();
        this.tag = item.tag;
        this.emit({ type: 'started', tag: item.tag });
      }
      this.starved = false;
      const data = item.data;
      const step = item.rate / this.outRate;
      if (step === 1) {
        const count = Math.min(n - i, data.length - this.offset);
        out.set(data.subarray(this.offset, this.offset + count), i);
        i += count;
        this.offset += count;
        this.played += count;
        this.prev = data[this.offset - 1];
      } else {
        i = this.resample(data, step, out, i);
      }
      if (this.offset >= data.length) this.shift();
    }
    if (i < n) {
      out.fill(0, i);
      if (this.tag !== null && !this.starved) {
        this.starved = true;
        this.emit({ type: 'underrun', tag: this.tag, played: this.played });
      }
    }
    if (this.tag !== null) {
      this.sinceReport += n;
      if (this.sinceReport >= this.reportEvery) {
        this.sinceReport = 0;
        this.emit({ type: 'pos', tag: this.tag, played: this.played });
      }
    }
  }

  // Linear interpolation for when the context could not be opened at the server's rate.
  // State (prev/frac) carries across chunk boundaries so there are no seams.
  resample(data, step, out, i) {
    const n = out.length;
    let off = this.offset;
    let frac = this.frac;
    let prev = this.prev;
    for (;;) {
      while (frac >= 1 && off < data.length) {
        prev = data[off++];
        frac -= 1;
        this.played += 1;
      }
      if (off >= data.length || i >= n) break;
      out[i++] = prev + (data[off] - prev) * frac;
      frac += step;
    }
    this.offset = off;
    this.frac = frac;
    this.prev = prev;
    return i;
  }
}

// Only register when loaded as an AudioWorklet module (not when imported by the page or node).
if (typeof registerProcessor === 'function' && typeof AudioWorkletProcessor === 'function') {
  class PcmPlayerProcessor extends AudioWorkletProcessor {
    constructor() {
      super();
      // `sampleRate` is the AudioWorkletGlobalScope's output rate.
      this.queue = new PcmQueue(sampleRate, (msg) => this.port.postMessage(msg));
      this.port.onmessage = (event) => this.queue.handle(event.data);
    }

    process(_inputs, outputs) {
      const out = outputs[0];
      if (out && out[0]) {
        this.queue.render(out[0]);
        for (let c = 1; c < out.length; c++) out[c].set(out[0]);
      }
      return true; // keep alive: the node lives for the whole page session
    }
  }
  registerProcessor('pcm-player', PcmPlayerProcessor);
}
