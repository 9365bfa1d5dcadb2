// The conversation: requests (with barge-in: a new request stops the one playing), and the server's messages,
// audio frames and the player's events applied to the reply records of replies.js.

import { FRAME_HEADER_BYTES, makeId, buildWav, parseAudioFrame } from './protocol.js';

const round = (x) => (x == null ? null : Math.round(x));
const PARAM_NAMES = ['provider', 'voice', 'emotion', 'intensity', 'quality', 'speed', 'pitch'];

/**
 * `replies` is the replies module; `state` the page's observable state (this module owns `underruns`,
 * `droppedFrames`, `jitterTargetMs`); `rvc` the test/debug object (lastMetrics, debug.lastRequestSent);
 * `transcript`, `player`, `metrics`, `errors` those modules; `send(msg)` sends on the socket;
 * `emit(name, detail)` fires page events.
 */
export function createConversation({ replies, state, rvc, transcript, player, metrics, errors, send, emit }) {
  // -- requests ---------------------------------------------------------------------------------------------

  /** Sends a `synthesize` request; a playing or pending reply is stopped first (barge-in). */
  function request(text, params, replayOf = null) {
    if (state.connection !== 'open') {
      errors.report('connection', 'Not connected to the server yet; it reconnects automatically.');
      return null;
    }
    player.ensure(); // the synchronous part runs inside the click/key gesture
    for (const r of replies.all()) if (replies.isActive(r)) replies.stop(r, 'interrupted');
    const id = makeId();
    const msg = { type: 'synthesize', id, text, ...params };
    const r = replies.create(id, text, params, replayOf);
    if (!send(msg)) {
      replies.fail(r, 'connection', 'The message could not be sent.');
      replies.updatePhase();
      return null;
    }
    rvc.debug.lastRequestSent = msg;
    errors.dismiss();
    metrics.renderPanel(r);
    replies.updatePhase();
    return id;
  }

  /** Sends any message as is; a `synthesize` is tracked like a request of the page (audio, numbers). */
  function sendRaw(obj) {
    if (obj && typeof obj === 'object' && obj.type === 'synthesize') {
      rvc.debug.lastRequestSent = obj;
      const id = typeof obj.id === 'string' ? obj.id : null;
      if (id && !replies.has(id) && typeof obj.text === 'string') {
        const params = {};
        for (const k of PARAM_NAMES) if (obj[k] != null) params[k] = obj[k];
        player.ensure();
        const r = replies.create(id, obj.text, params);
        if (!send(obj)) replies.fail(r, 'connection', 'The message could not be sent.');
        metrics.renderPanel(r);
        replies.updatePhase();
        return !r.error;
      }
    }
    const ok = send(obj);
    replies.updatePhase();
    return ok;
  }

  /** Stops every active reply; returns their ids. */
  function stopAll() {
    const ids = [];
    for (const r of replies.all()) {
      if (!replies.isActive(r)) continue;
      replies.stop(r, 'stopped');
      ids.push(r.id);
    }
    replies.updatePhase();
    return ids;
  }

  function replay(id) {
    const r = replies.get(id);
    return r ? request(r.text, r.params, r.id) : null;
  }

  function download(id) {
    const r = replies.get(id);
    if (r && r.pcm.length) transcript.offerDownload(r, buildWav(r.pcm, r.sampleRate));
  }

  // -- server messages ------------------------------------------------------------------------------------

  function onAudioStart(msg) {
    const r = replies.get(msg.id);
    if (!r) return;
    if (msg.sampleRate) r.sampleRate = msg.sampleRate;
    r.metrics.provider = msg.provider ?? r.metrics.provider;
    r.metrics.voice = msg.voice ?? r.metrics.voice;
    if (msg.quality) r.metrics.tier = msg.quality;
    replies.bindStream(r, msg.stream);
    replies.render(r);
  }

  function onSentence(msg) {
    const r = replies.get(msg.id);
    if (!r || r.stopped || r.error) return;
    // A sentence precedes its audio, so the samples received so far mark where it starts.
    const s = { index: msg.index, text: msg.text, start: r.received, span: null };
    r.sentences.push(s);
    transcript.addSentence(r, s);
  }

  /** A binary audio frame from the socket. */
  function onAudio(buf) {
    const frame = parseAudioFrame(buf);
    const r = frame && replies.ofStream(frame.stream);
    if (!r || r.stopped || r.error) {
      state.droppedFrames += 1; // late frames of a stopped reply: expected after Stop
      return;
    }
    if (r.firstFrameAt == null) {
      r.firstFrameAt = performance.now();
      r.metrics.firstFrameMs = round(r.firstFrameAt - r.sentAt);
      r.metrics.browserTtfaMs = r.metrics.firstFrameMs;
      replies.render(r);
    }
    if (frame.seq !== r.lastSeq + 1) r.seqGaps += 1;
    r.lastSeq = frame.seq;
    r.chunks += 1;
    const n = frame.samples.length;
    r.received += n;
    r.pcm.push(buf.slice(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + n * 2)); // s16le as received, for "Download WAV"
    r.dbg.receivedSamples = r.received;
    r.metrics.receivedSamples = r.received;
    player.chunk(r.id, r.sampleRate, frame.samples);
  }

  function onAudioEnd(msg) {
    const r = replies.get(msg.id);
    if (!r) return;
    replies.serverFinished(r);
    const m = r.metrics;
    m.ttfaMs = msg.ttfaMs;
    m.totalMs = msg.totalMs;
    m.samples = msg.samples;
    m.chunks = msg.chunks;
    m.cached = msg.cached;
    if (msg.provider) m.provider = msg.provider;
    m.switchList = msg.switches;
    m.switches = m.switchList.length;
    m.cancelled = msg.cancelled;
    if (replies.isLatest(r)) rvc.lastMetrics = m;

    if (!r.stopped && !r.error) {
      if (m.cancelled) {
        replies.stop(r, 'stopped'); // cancelled by someone else (e.g. a raw cancel): stop playing what is left
      } else if (r.received > 0 && player.end(r.id)) {
        replies.armDrainWatchdog(r);
      } else {
        replies.markPlayDone(r, 'done'); // nothing to play, or no audio output
      }
    }
    transcript.updateDownload(r);
    replies.render(r);
    replies.updatePhase();
    emit('audio_end', m);
  }

  function onServerError(msg) {
    const r = msg.id != null ? replies.get(msg.id) : null;
    let show = true;
    if (r) {
      show = !r.stopped; // errors about replies we stopped ourselves are expected noise
      const failing = !r.serverDone && !r.stopped && !r.error;
      replies.serverFinished(r);
      if (failing) replies.fail(r, msg.code, msg.message);
      replies.updatePhase();
    }
    errors.report(msg.code, msg.message, { id: msg.id, show });
  }

  /** The socket closed: replies the server was still producing are lost; complete audio keeps playing. */
  function onDisconnected(detail) {
    let lost = 0;
    for (const r of replies.all()) {
      if (r.serverDone) continue;
      replies.serverFinished(r);
      if (r.stopped || r.error) continue;
      lost += 1;
      replies.fail(r, 'connection', detail);
    }
    replies.updatePhase();
    return lost;
  }

  // -- player events --------------------------------------------------------------------------------------

  function onPlayerEvent(msg) {
    if (!msg) return;
    if (msg.targetMs != null) state.jitterTargetMs = msg.targetMs;
    const r = msg.id != null ? replies.get(msg.id) : null;
    switch (msg.type) {
      case 'sched':
        if (r) r.dbg.scheduledSamples = msg.scheduled;
        break;
      case 'pos':
        for (const [id, played, scheduled, queued] of msg.streams) {
          const p = replies.get(id);
          if (!p) continue;
          p.dbg.playedSamples = played;
          p.dbg.scheduledSamples = scheduled;
          p.bufferedFrames = queued;
          replies.updateHighlight(p);
        }
        metrics.renderPanelThrottled(replies.latest());
        break;
      case 'started':
        if (!r || r.firstPlayedAt != null) break;
        r.firstPlayedAt = performance.now();
        r.metrics.firstPlayedMs = round(r.firstPlayedAt - r.sentAt);
        r.metrics.playedTtfaMs = r.metrics.firstPlayedMs;
        if (!r.stopped && !r.error) replies.setStatus(r, 'playing');
        replies.render(r);
        replies.updatePhase();
        break;
      case 'underrun':
        state.underruns += 1;
        if (r) {
          r.metrics.underruns += 1;
          replies.render(r);
        }
        break;
      case 'drained':
      case 'stopped':
        if (!r) break;
        r.dbg.playedSamples = msg.played;
        r.dbg.scheduledSamples = msg.scheduled;
        r.bufferedFrames = 0;
        if (msg.type === 'drained') replies.updateHighlight(r);
        replies.markPlayDone(r, msg.type === 'drained' && !r.stopped && !r.error ? 'done' : null);
        break;
      default:
        break;
    }
  }

  /** Nothing will ever play: finish the replies that wait for the player. */
  function onPlayerUnavailable() {
    for (const r of replies.all()) {
      if (!r.playDone && (r.serverDone || r.stopped)) replies.markPlayDone(r, r.stopped || r.error ? null : 'done');
    }
  }

  return {
    request, sendRaw, stopAll, replay, download,
    onAudioStart, onSentence, onAudio, onAudioEnd, onServerError, onDisconnected,
    onPlayerEvent, onPlayerUnavailable,
  };
}
