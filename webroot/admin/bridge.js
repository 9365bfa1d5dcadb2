// A small client of vertx-web's SockJS event-bus bridge (docs/admin-console.md), over the bridge's raw WebSocket
// transport (`/admin/eventbus/websocket`). Frames are JSON: out `register`, `unregister`, `send` (with a reply
// address) and a `ping` every PING_MS (the bridge closes a socket that stops pinging); in `rec` (a message for a
// registered address, or the reply to a send) and `err` (a failed reply, or a refused frame). The server writes its
// frames as binary WebSocket messages. Written here instead of vendoring @vertx/eventbus-bridge-client.js, which
// needs the SockJS client library for the fallback transports this bridge has turned off.

export const PING_MS = 5000;
export const REPLY_TIMEOUT_MS = 15000;

/** A failed reply (with the failure code the server gave: 400, 404, 409, 502, 503, 504), or a lost connection (0). */
export class BridgeError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }

  get refused() {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * Opens the bridge at `url` (ws: or wss:); resolves with the bridge once the socket is open, rejects when it never
 * opens (a refused ticket closes it before). `onProblem(message)` hears refused frames; `onClose()` a closed socket.
 */
export function openBridge(url, { WebSocket = globalThis.WebSocket, clock = globalThis,
  uuid = () => globalThis.crypto.randomUUID(), onProblem = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    const handlers = new Map();
    const replies = new Map();
    let pinger = null;
    let opened = false;
    const write = (frame) => ws.send(JSON.stringify(frame));
    const bridge = {
      onClose: () => {},
      /** Delivers each message published on `address` to `handler(body)`. */
      register(address, handler) {
        handlers.set(address, handler);
        write({ type: 'register', address });
      },
      unregister(address) {
        if (handlers.delete(address)) write({ type: 'unregister', address });
      },
      /** Sends `body` to `address`; resolves with the reply's body, rejects with a BridgeError. */
      request(address, body, timeoutMs = REPLY_TIMEOUT_MS) {
        const replyAddress = uuid();
        return new Promise((done, fail) => {
          const timer = clock.setTimeout(() => {
            replies.delete(replyAddress);
            fail(new BridgeError(504, 'no answer in time'));
          }, timeoutMs);
          replies.set(replyAddress, { done, fail, timer });
          write({ type: 'send', address, replyAddress, body });
        });
      },
      close() {
        ws.close(1000, 'console closed');
      },
    };
    ws.onopen = () => {
      opened = true;
      pinger = clock.setInterval(() => write({ type: 'ping' }), PING_MS);
      resolve(bridge);
    };
    ws.onmessage = (event) => {
      const frame = JSON.parse(typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data));
      const pending = replies.get(frame.address);
      if (pending) {
        replies.delete(frame.address);
        clock.clearTimeout(pending.timer);
        if (frame.type === 'err') pending.fail(new BridgeError(frame.failureCode ?? 0, frame.message ?? 'failed'));
        else pending.done(frame.body);
      } else if (frame.type === 'rec') {
        handlers.get(frame.address)?.(frame.body);
      } else if (frame.type === 'err') {
        onProblem(`the bridge refused a frame: ${frame.body}`);
      }
    };
    ws.onclose = () => {
      if (pinger != null) clock.clearInterval(pinger);
      for (const { fail, timer } of replies.values()) {
        clock.clearTimeout(timer);
        fail(new BridgeError(0, 'the connection closed'));
      }
      replies.clear();
      if (opened) bridge.onClose();
      else reject(new BridgeError(0, 'the bridge did not open (refused ticket or server unreachable)'));
    };
  });
}
