// A Record / Stop recording button with its level meter and elapsed time, for the new-voice form and for adding
// a recording to a stored voice: the microphone through recorder.js, the WAV handed to `onRecorded`.

import { canRecord, startRecording } from './recorder.js';
import { FLOOR_DB } from './recording.js';

const MAX_RECORD_SECONDS = 60;

/**
 * `button` toggles (its `aria-pressed` says whether it records), `level` is a `<meter>` in dBFS, `time` shows the
 * elapsed seconds and "too loud". `onStarted()` when the microphone opens, `onRecorded({wav, seconds, sampleRate})`
 * after Stop recording or 60 s, `onFailed(err)` when the microphone does not open. Where the page may not record
 * (no https or localhost) the button is disabled with a note.
 */
export function createRecordControl({ button, level, time, onStarted, onRecorded, onFailed }) {
  let recording = null;

  function show(on) {
    button.textContent = on ? 'Stop recording' : 'Record';
    button.setAttribute('aria-pressed', String(on));
    level.value = FLOOR_DB;
    if (on) time.textContent = '0.0 s';
  }

  async function toggle() {
    if (recording) {
      const r = recording;
      recording = null;
      const result = await (await r).stop(); // detaches the level updates before the meter is reset
      show(false);
      onRecorded(result);
      return;
    }
    show(true);
    onStarted();
    recording = startRecording({
      maxSeconds: MAX_RECORD_SECONDS,
      onLevel: ({ db, clipped, seconds }) => {
        level.value = db;
        level.dataset.clipped = String(clipped);
        time.textContent = `${seconds.toFixed(1)} s${clipped ? ' · too loud' : ''}`;
      },
      onLimit: () => { if (recording) toggle(); },
    });
    try {
      await recording;
    } catch (err) {
      recording = null;
      show(false);
      onFailed(err);
    }
  }

  /** Stops a recording without keeping it (its voice was deleted meanwhile). */
  async function cancel() {
    const r = recording;
    recording = null;
    if (!r) return;
    try {
      await (await r).cancel();
    } catch {
      // the microphone never opened: nothing to stop
    }
  }

  if (canRecord()) {
    button.addEventListener('click', toggle);
  } else {
    button.disabled = true;
    time.textContent = 'Recording needs https or localhost; upload recordings instead.';
  }
  return { cancel };
}
