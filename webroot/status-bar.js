// The top bar's connection indicator (with the reconnect countdown and "Retry now"), the round-trip time and
// the footer's audio line.

/** `ui` holds status, statusText, rtt, reconnect, audioInfo; `state` is the page's observable state. */
export function createStatusBar({ ui, state }) {
  let countdownTimer = null;

  function showConnection(kind) {
    ui.status.dataset.state = kind;
    clearInterval(countdownTimer);
    countdownTimer = null;
    if (kind === 'open') {
      ui.statusText.textContent = 'Connected';
    } else if (kind === 'connecting') {
      ui.statusText.textContent = state.reconnectAttempt ? 'Reconnecting…' : 'Connecting…';
    } else {
      const tick = () => {
        const left = state.nextRetryAt ? Math.max(0, Math.ceil((state.nextRetryAt - Date.now()) / 1000)) : null;
        ui.statusText.textContent = left == null ? 'Disconnected' : `Disconnected — reconnecting in ${left} s`;
      };
      tick();
      if (state.nextRetryAt) countdownTimer = setInterval(tick, 1000);
    }
    ui.reconnect.hidden = kind !== 'closed';
    if (kind !== 'open') ui.rtt.textContent = '';
  }

  function showRtt(ms) {
    ui.rtt.textContent = `RTT ${ms} ms`;
  }

  function showAudio() {
    const { audio, sessionRate } = state;
    if (!audio.deviceRate) return;
    const parts = [`Audio ${audio.state}`, `${audio.deviceRate} Hz`];
    if (sessionRate && sessionRate !== audio.deviceRate) parts.push(`resampled from ${sessionRate} Hz`);
    if (audio.backend) parts.push(audio.backend);
    ui.audioInfo.textContent = parts.join(' · ');
  }

  return { showConnection, showRtt, showAudio };
}
