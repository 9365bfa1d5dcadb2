// Reply records and their lifecycle: created on `synthesize`, then done, stopped or failed; the page's phase
// (idle / waiting / playing) follows from them. conversation.js feeds them the server's and the player's events.

import { DEFAULT_SAMPLE_RATE, describeError } from './protocol.js';

const MAX_REPLIES = 100;
const DRAIN_GRACE_MS = 8000; // how much longer than its audio a reply may take to play before it counts as stalled

/**
 * `state` is the page's observable state (this module owns `phase` and `activeIds`); `rvc` the test/debug object
 * (history, debug.streams); `transcript`, `player` and `metrics` those modules; `send(msg)` sends on the socket;
 * `emit(name, detail)` fires page events; `onPhase(changed)` refreshes the controls; `clock` has the timers.
 */
export function createReplies({ state, rvc, transcript, player, metrics, send, emit, onPhase, clock = globalThis }) {
  /** All replies by request id, oldest first. */
  const replies = new Map();
  /** Server stream number → reply, from audio_start until audio_end/error. */
  const byStream = new Map();
  let latestId = null;

  const isActive = (r) => !r.stopped && !r.error && !r.playDone;
  const render = (r) => metrics.renderReply(r, r.id === latestId);

  function setStatus(r, status, detail = '') {
    r.metrics.status = status;
    transcript.showStatus(r, status, detail);
  }

  /** A new reply, which becomes the latest one (the numbers panel shows it). */
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
    transcript.addEntry(r, state.connection === 'open');
    render(r);
    trim();
    return r;
  }

  function trim() {
    while (replies.size > MAX_REPLIES) {
      const [oldId, old] = replies.entries().next().value;
      if (isActive(old)) break; // never drop one still playing
      replies.delete(oldId);
      delete rvc.debug.streams[oldId];
      const i = rvc.history.indexOf(old.metrics);
      if (i >= 0) rvc.history.splice(i, 1);
      transcript.removeEntry(old);
    }
  }

  /** Audio frames of `stream` belong to `r` from now on (its `audio_start`). */
  function bindStream(r, stream) {
    r.stream = stream;
    if (!r.stopped && !r.error && !r.serverDone) {
      byStream.set(stream, r);
      setStatus(r, 'receiving');
    }
  }

  /** The server sends nothing more for `r` (audio_end, error, or the socket closed). */
  function serverFinished(r) {
    r.serverDone = true;
    if (r.stream != null) byStream.delete(r.stream);
  }

  function fail(r, code, message) {
    r.error = { code, message };
    r.metrics.error = r.error;
    player.stop(r.id);
    clock.clearTimeout(r.watchdog);
    r.playDone = true;
    setStatus(r, 'error', message ? `${describeError(code)} (${message})` : describeError(code));
    transcript.clearHighlight(r);
    transcript.updateDownload(r);
  }

  function markPlayDone(r, status) {
    if (r.playDone) return;
    r.playDone = true;
    clock.clearTimeout(r.watchdog);
    if (status) setStatus(r, status);
    if (status === 'done') transcript.markAllSpoken(r);
    transcript.clearHighlight(r);
    transcript.updateDownload(r);
    render(r);
    updatePhase();
    emit('finished', r.metrics);
  }

  /** Stops `r` here and, while the server still produces it, there too. */
  function stop(r, status) {
    if (!r.serverDone) send({ type: 'cancel', id: r.id });
    r.stopped = true;
    r.dbg.stopped = true;
    if (r.stream != null && !r.serverDone) byStream.delete(r.stream);
    player.stop(r.id);
    clock.clearTimeout(r.watchdog);
    setStatus(r, status);
    transcript.clearHighlight(r);
    if (!r.playDone && !player.active) r.playDone = true;
    transcript.updateDownload(r);
  }

  /** If playback stalls (e.g. a suspended audio context), don't leave the reply "speaking" forever. */
  function armDrainWatchdog(r) {
    clock.clearTimeout(r.watchdog);
    const seconds = r.received / r.sampleRate;
    r.watchdog = clock.setTimeout(() => {
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

  /** Highlights the sentence being heard, from the player's position. */
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
    transcript.showHighlight(r, idx);
  }

  /** Enables or disables every Replay button (they need an open connection). */
  function setReplayEnabled(enabled) {
    for (const r of replies.values()) transcript.setReplayEnabled(r, enabled);
  }

  return {
    get: (id) => replies.get(id),
    has: (id) => replies.has(id),
    all: () => replies.values(),
    ofStream: (stream) => byStream.get(stream),
    latest: () => replies.get(latestId),
    isLatest: (r) => r.id === latestId,
    isActive,
    create,
    render,
    setStatus,
    bindStream,
    serverFinished,
    fail,
    markPlayDone,
    stop,
    armDrainWatchdog,
    updatePhase,
    updateHighlight,
    setReplayEnabled,
  };
}
