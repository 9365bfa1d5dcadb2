// Numbers: the small table under each reply and the "Live numbers" panel for the latest reply.

import { el, fmtMs } from './dom.js';

const PANEL_MIN_INTERVAL_MS = 250; // position reports arrive every ~30 ms; the panel needs far fewer

export const STATUS_TEXT = Object.freeze({
  sending: 'Waiting for the server…',
  receiving: 'Receiving audio…',
  playing: 'Speaking…',
  done: 'Done',
  stopped: 'Stopped',
  interrupted: 'Interrupted by a newer message',
  error: 'Failed',
  unplayed: 'Received (audio did not play)',
});

function numberRows(m) {
  return [
    ['First frame', fmtMs(m.firstFrameMs), 'Browser: from sending to the first audio frame'],
    ['First sound', fmtMs(m.firstPlayedMs), 'Browser: from sending to the first sample played'],
    ['Server TTFA', fmtMs(m.ttfaMs), 'Server: time to first audio'],
    ['Server total', fmtMs(m.totalMs), 'Server: time to the end of the reply'],
    ['Provider', m.provider ?? '—'],
    ['Tier', m.tier ?? '—'],
    ['Cache', m.cached == null ? '—' : m.cached ? 'hit' : 'miss'],
    ['Failovers', String(m.switches ?? 0)],
  ];
}

function fillDl(dl, rows) {
  const frag = document.createDocumentFragment();
  for (const [name, value, title] of rows) {
    const wrap = el('div', 'metric');
    wrap.dataset.key = name.toLowerCase().replace(/\s+/g, '-');
    const dt = el('dt', null, name);
    if (title) dt.title = title;
    wrap.append(dt, el('dd', null, value));
    frag.append(wrap);
  }
  dl.replaceChildren(frag);
}

/** `ui` holds the panel's elements (ttfa, metrics, metricsFor); `state` the page's observable state. */
export function createMetricsPanel({ ui, state }) {
  let lastRender = 0;

  /** Fills a reply's own table; `latest` also refreshes the panel. */
  function renderReply(r, latest) {
    fillDl(r.el.numbers, numberRows(r.metrics));
    if (latest) renderPanel(r);
  }

  function renderPanel(r) {
    if (!r) return;
    const m = r.metrics;
    ui.metricsFor.textContent = '(latest reply)';
    ui.ttfa.textContent = `Time to first audio: ${fmtMs(m.firstFrameMs)} first frame · ${fmtMs(m.firstPlayedMs)} first sound`
      + ` · server ${fmtMs(m.ttfaMs)}`;
    const deviceRate = state.audio.deviceRate;
    const buffered = deviceRate ? r.bufferedFrames / deviceRate : 0;
    const seconds = (m.samples != null ? m.samples : r.received) / r.sampleRate;
    fillDl(ui.metrics, [
      ...numberRows(m),
      ['Status', STATUS_TEXT[m.status] || m.status],
      ['Audio', `${seconds.toFixed(2)} s`],
      ['Buffered', `${Math.round(buffered * 1000)} ms`],
      ['Jitter target', state.jitterTargetMs == null ? '—' : `${state.jitterTargetMs} ms`],
      ['Underruns', String(m.underruns)],
      ['Rates', `${state.sessionRate ?? '—'} → ${deviceRate ?? '—'} Hz`],
    ]);
  }

  function renderPanelThrottled(r) {
    const now = performance.now();
    if (now - lastRender < PANEL_MIN_INTERVAL_MS) return;
    lastRender = now;
    renderPanel(r);
  }

  return { renderReply, renderPanel, renderPanelThrottled };
}
