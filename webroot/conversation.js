// The conversation: one record per request, from `synthesize` through the server's messages and the player's
// events to done / stopped / failed, with barge-in (a new request stops the one playing).

import {
  DEFAULT_SAMPLE_RATE, FRAME_HEADER_BYTES, makeId, buildWav, describeError, parseAudioFrame,
} from './protocol.js';
import {
  addEntry, showStatus, addSentence, showHighlight, clearHighlight, markAllSpoken, updateDownload, offerDownload,
  removeEntry,
} from './transcript.js';

const MAX_REPLIES = 100;
const DRAIN_GRACE_MS = 8000; // how much longer than its audio a reply may take to play before it counts as stalled
const round = (x) => (x == null ? null : Math.round(x));

/**
 * `state` is the page's observable state (this module owns `phase`, `activeIds`, `underruns`, `droppedFrames`,
 * `jitterTargetMs`); `rvc` the test/debug object (history, lastMetrics, debug.streams, debug.lastRequestSent).
 * `view` holds the list elements ({list, empty}); `player`, `metrics`, `errors` are those modules;
 * `send(msg)` sends on the socket; `emit(name, detail)` fires page events; `onPhase(changed)` refreshes controls.
 */
export function createConversation({ state, rvc, view, player, metrics, errors, send, emit, onPhase }) {
  /** All replies by request id, oldest first. */
  const replies = new Map();
  /** Server stream number → reply, from audio_start until audio_end/error. */
  const byStream = new Map();
  let latestId = null;

  const isActive = (r) => !r.stopped && !r.error && !r.playDone;
  const render = (r) => metrics.renderReply(r, r.id === latestId);

  function setStatus(r, status, detail = '') {
    r.metrics.status = status;
    showStatus(r, status, detail);
  }

  function create(id, text, params, replayOf = null) {
    const m = {
      id,
      text,
      status: 'sending',
      provider: params.provider && params.provider !== 'auto' ? params.provider : null,
      voice: params.voice ?? null,
      quality: params.quality ?? null,
      tier: params.quality ?? null,
      ttfaMs: null,
      totalMs: null,
      samples: null,
      chunks: null,
      cached: null,
      switches: 0,
      switchList: [],
      cancelled: false,
      firstFrameMs: null,
      firstPlayedMs: null,
      browserTtfaMs: null,
      playedTtfaMs: null,
      receivedSamples: 0,
      underruns: 0,
      error: null,
    };
    const dbg = { receivedSamples: 0, scheduledSamples: 0, playedSamples: 0, stopped: false, currentSentence: -1 };
    rvc.debug.streams[id] = dbg;
    const r = {
      id,
      text,
      params,
      replayOf,
      sentAt: performance.now(),
      stream: null,
      sampleRate: state.sessionRate || DEFAULT_SAMPLE_RATE,
      sentences: [],
      current: -1,
      pcm: [],
      received: 0,
      chunks: 0,
      lastSeq: -1,
      seqGaps: 0,
      bufferedFrames: 0,
      firstFrameAt: null,
      firstPlayedAt: null,
      serverDone: false,
      playDone: false,
      stopped: false,
      error: null,
      watchdog: null,
      wavUrl: null,
      metrics: m,
      dbg,
      el: null,
    };
    replies.set(id, r);
    latestId = id;
    rvc.history.push(m);
    addEntry(r, { ...view, replayEnabled: state.connection === 'open' });
    render(r);
    r.el.li.scrollIntoView({ block: 'nearest' });
    trim();
    return r;
  }

  function trim() {
    while (replies.size > MAX_REPLIES) {
      const [oldId, old] = replies.entries().next().value;
      if (!old.playDone && !old.stopped && !old.error) break; // never drop one still playing
      replies.delete(oldId);
      delete rvc.debug.streams[oldId];
      const i = rvc.history.indexOf(old.metrics);
      if (i >= 0) rvc.history.splice(i, 1);
      removeEntry(old);
    }
  }

  function fail(r, code, message) {
    r.error = { code, message };
    r.metrics.error = r.error;
    player.stop(r.id);
    clearTimeout(r.watchdog);
    r.playDone = true;
    setStatus(r, 'error', message ? `${describeError(code)} (${message})` : describeError(code));
    clearHighlight(r);
    updateDownload(r);
  }

  function markPlayDone(r, status) {
    if (r.playDone) return;
    r.playDone = true;
    clearTimeout(r.watchdog);
    if (status) setStatus(r, status);
    if (status === 'done') markAllSpoken(r);
    clearHighlight(r);
    updateDownload(r);
    render(r);
    updatePhase();
    emit('finished', r.metrics);
  }

  function stopReply(r, status) {
    if (!r.serverDone) send({ type: 'cancel', id: r.id });
    r.stopped = true;
    r.dbg.stopped = true;
    if (r.stream != null && !r.serverDone) byStream.delete(r.stream);
    player.stop(r.id);
    clearTimeout(r.watchdog);
    setStatus(r, status);
    clearHighlight(r);
    if (!r.playDone && !player.active) r.playDone = true;
    updateDownload(r);
  }

  /** If playback stalls (e.g. a suspended audio context), don't leave the reply "speaking" forever. */
  function armDrainWatchdog(r) {
    clearTimeout(r.watchdog);
    const seconds = r.received / r.sampleRate;
    r.watchdog = setTimeout(() => {
      if (r.playDone || r.stopped || r.error) return;
      player.stop(r.id); // stale audio must not burst out if the context resumes later
      markPlayDone(r, 'unplayed');
    }, seconds * 1000 + DRAIN_GRACE_MS);
  }

  function updatePhase() {
    const active = [...replies.values()].filter(isActive);
    state.activeIds = active.map((r) => r.id);
    const phase = !active.length ? 'idle' : active.some((r) => r.firstPlayedAt != null) ? 'playing' : 'waiting';
    const changed = phase !== state.phase;
    state.phase = phase;
    onPhase(changed);
  }

  function updateHighlight(r) {
    if (!r.sentences.length || r.stopped || r.error) return;
    const deviceRate = state.audio.deviceRate || r.sampleRate;
    const played = (r.dbg.playedSamples * r.sampleRate) / deviceRate; // session-rate samples played so far
    let idx = -1;
    for (let i = 0; i < r.sentences.length; i++) {
      if (r.sentences[i].start < played) idx = i;
      else break;
    }
    if (idx === r.current) return;
    r.current = idx;
    r.dbg.currentSentence = idx >= 0 ? r.sentences[idx].index : -1;
    showHighlight(r, idx);
  }

  // -- requests ---------------------------------------------------------------------------------------------

  /** Sends a `synthesize` request; a playing or pending reply is stopped first (barge-in). */
  function request(text, params, replayOf = null) {
    if (state.connection !== 'open') {
      errors.report('connection', 'Not connected to the server yet; it reconnects automatically.');
      return null;
    }
    player.ensure(); // the synchronous part runs inside the click/key gesture
    for (const r of replies.values()) if (isActive(r)) stopReply(r, 'interrupted');
    const id = makeId();
    const msg = { type: 'synthesize', id, text, ...params };
    const r = create(id, text, params, replayOf);
    if (!send(msg)) {
      fail(r, 'connection', 'The message could not be sent.');
      updatePhase();
      return null;
    }
    rvc.debug.lastRequestSent = msg;
    errors.dismiss();
    metrics.renderPanel(r);
    updatePhase();
    return id;
  }

  /** Sends any message as is; a `synthesize` is tracked like a request of the page (audio, numbers). */
  function sendRaw(obj) {
    if (obj && typeof obj === 'object' && obj.type === 'synthesize') {
      rvc.debug.lastRequestSent = obj;
      const id = typeof obj.id === 'string' ? obj.id : null;
      if (id && !replies.has(id) && typeof obj.text === 'string') {
        const params = {};
        for (const k of ['provider', 'voice', 'emotion', 'intensity', 'quality', 'speed', 'pitch']) {
          if (obj[k] != null) params[k] = obj[k];
        }
        player.ensure();
        const r = create(id, obj.text, params);
        if (!send(obj)) fail(r, 'connection', 'The message could not be sent.');
        metrics.renderPanel(r);
        updatePhase();
        return !r.error;
      }
    }
    const ok = send(obj);
    updatePhase();
    return ok;
  }

  /** Stops every active reply; returns their ids. */
  function stopAll() {
    const ids = [];
    for (const r of replies.values()) {
      if (!isActive(r)) continue;
      stopReply(r, 'stopped');
      ids.push(r.id);
    }
    updatePhase();
    return ids;
  }

  function replay(id) {
    const r = replies.get(id);
    return r ? request(r.text, r.params, r.id) : null;
  }

  function download(id) {
    const r = replies.get(id);
    if (r && r.pcm.length) offerDownload(r, buildWav(r.pcm, r.sampleRate));
  }

  // -- server messages ------------------------------------------------------------------------------------

  function onAudioStart(msg) {
    const r = replies.get(msg.id);
    if (!r) return;
    r.stream = msg.stream;
    if (msg.sampleRate) r.sampleRate = msg.sampleRate;
    r.metrics.provider = msg.provider ?? r.metrics.provider;
    r.metrics.voice = msg.voice ?? r.metrics.voice;
    if (msg.quality) r.metrics.tier = msg.quality;
    if (!r.stopped && !r.error && !r.serverDone) {
      byStream.set(r.stream, r);
      setStatus(r, 'receiving');
    }
    render(r);
  }

  function onSentence(msg) {
    const r = replies.get(msg.id);
    if (!r || r.stopped || r.error) return;
    // A sentence precedes its audio, so the samples received so far mark where it starts.
    const s = { index: msg.index, text: msg.text, start: r.received, span: null };
    r.sentences.push(s);
    addSentence(r, s);
  }

  /** A binary audio frame from the socket. */
  function onAudio(buf) {
    const frame = parseAudioFrame(buf);
    const r = frame && byStream.get(frame.stream);
    if (!r || r.stopped || r.error) {
      state.droppedFrames += 1; // late frames of a stopped reply: expected after Stop
      return;
    }
    if (r.firstFrameAt == null) {
      r.firstFrameAt = performance.now();
      r.metrics.firstFrameMs = round(r.firstFrameAt - r.sentAt);
      r.metrics.browserTtfaMs = r.metrics.firstFrameMs;
      render(r);
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
    r.serverDone = true;
    if (r.stream != null) byStream.delete(r.stream);
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
    if (r.id === latestId) rvc.lastMetrics = m;

    if (!r.stopped && !r.error) {
      if (m.cancelled) {
        stopReply(r, 'stopped'); // cancelled by someone else (e.g. a raw cancel): stop playing what is left
      } else if (r.received > 0 && player.end(r.id)) {
        armDrainWatchdog(r);
      } else {
        markPlayDone(r, 'done'); // nothing to play, or no audio output
      }
    }
    updateDownload(r);
    render(r);
    updatePhase();
    emit('audio_end', m);
  }

  function onServerError(msg) {
    const r = msg.id != null ? replies.get(msg.id) : null;
    let show = true;
    if (r) {
      show = !r.stopped; // errors about replies we stopped ourselves are expected noise
      if (!r.serverDone && !r.stopped && !r.error) {
        r.serverDone = true;
        if (r.stream != null) byStream.delete(r.stream);
        fail(r, msg.code, msg.message);
      } else if (!r.serverDone) {
        r.serverDone = true;
      }
      updatePhase();
    }
    errors.report(msg.code, msg.message, { id: msg.id, show });
  }

  /** The socket closed: replies the server was still producing are lost; complete audio keeps playing. */
  function onDisconnected(detail) {
    let lost = 0;
    for (const r of replies.values()) {
      if (r.serverDone) continue;
      r.serverDone = true;
      if (r.stream != null) byStream.delete(r.stream);
      if (r.stopped || r.error) continue;
      lost += 1;
      fail(r, 'connection', detail);
    }
    updatePhase();
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
          updateHighlight(p);
        }
        metrics.renderPanelThrottled(replies.get(latestId));
        break;
      case 'started':
        if (!r || r.firstPlayedAt != null) break;
        r.firstPlayedAt = performance.now();
        r.metrics.firstPlayedMs = round(r.firstPlayedAt - r.sentAt);
        r.metrics.playedTtfaMs = r.metrics.firstPlayedMs;
        if (!r.stopped && !r.error) setStatus(r, 'playing');
        render(r);
        updatePhase();
        break;
      case 'underrun':
        state.underruns += 1;
        if (r) {
          r.metrics.underruns += 1;
          render(r);
        }
        break;
      case 'drained':
      case 'stopped':
        if (!r) break;
        r.dbg.playedSamples = msg.played;
        r.dbg.scheduledSamples = msg.scheduled;
        r.bufferedFrames = 0;
        if (msg.type === 'drained') updateHighlight(r);
        markPlayDone(r, msg.type === 'drained' && !r.stopped && !r.error ? 'done' : null);
        break;
      default:
        break;
    }
  }

  /** Nothing will ever play: finish the replies that wait for the player. */
  function onPlayerUnavailable() {
    for (const r of replies.values()) {
      if (!r.playDone && (r.serverDone || r.stopped)) markPlayDone(r, r.stopped || r.error ? null : 'done');
    }
  }

  /** Enables or disables every Replay button (they need an open connection). */
  function setReplayEnabled(enabled) {
    for (const r of replies.values()) r.el.replay.disabled = !enabled;
  }

  return {
    request, sendRaw, stopAll, replay, download, updatePhase, setReplayEnabled,
    onAudioStart, onSentence, onAudio, onAudioEnd, onServerError, onDisconnected,
    onPlayerEvent, onPlayerUnavailable,
  };
}
