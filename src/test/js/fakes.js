// Test doubles for the browser client's unit tests: a manual clock and a scriptable WebSocket.

/** Timers that run only when the test advances time. */
export class FakeClock {
  constructor(start = 1_000_000) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
  }

  now() { return this.time; }

  setTimeout(fn, ms = 0) { return this.add(fn, ms, false); }

  setInterval(fn, ms) { return this.add(fn, ms, true); }

  clearTimeout(id) { this.timers.delete(id); }

  clearInterval(id) { this.timers.delete(id); }

  add(fn, ms, repeat) {
    const id = this.nextId++;
    this.timers.set(id, { fn, at: this.time + Math.max(0, ms), every: repeat ? ms : null });
    return id;
  }

  /** Delays of the pending one-shot timers, soonest first. */
  pendingDelays() {
    return [...this.timers.values()].filter((t) => t.every == null).map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t];
      }
      if (!next) break;
      const [id, t] = next;
      this.time = t.at;
      if (t.every != null) t.at += t.every;
      else this.timers.delete(id);
      t.fn();
    }
    this.time = end;
  }
}

/** WebSocket stand-in: records what the page sends; the test drives open/message/close. */
export class FakeSocket {
  static OPEN = 1;

  static created = [];

  static failNext = null; // an Error the next constructor call throws

  constructor(url) {
    if (FakeSocket.failNext) {
      const err = FakeSocket.failNext;
      FakeSocket.failNext = null;
      throw err;
    }
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.created.push(this);
  }

  static reset() {
    FakeSocket.created = [];
    FakeSocket.failNext = null;
  }

  static latest() { return FakeSocket.created[FakeSocket.created.length - 1]; }

  send(data) { this.sent.push(data); }

  /** Messages the page sent, parsed. */
  sentMessages() { return this.sent.map((s) => JSON.parse(s)); }

  close(code, reason) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  serverOpens() {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSends(data) {
    this.onmessage?.({ data: typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data) });
  }

  serverCloses(code, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** Lets pending promise callbacks (e.g. a token refresh) run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
