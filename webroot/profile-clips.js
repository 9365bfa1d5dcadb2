// The recordings of one stored voice, in its entry of the list: the stored clips (each removable after a
// confirmation, but the consent recording), and adding one, recorded here or uploaded, with its quality report.
// A refused recording shows the checks it failed and nothing is stored. The panel outlives re-renders of the list
// (it is kept per profile id), so a recording or a report survives the list being read again.

import { el } from './dom.js';
import { renderReports } from './quality-report.js';
import { createRecordControl } from './record-control.js';
import { addedClipReports, storedClips } from './profile-view.js';
import { ProfileApiError, uploadReports } from './voices-api.js';

/**
 * `profile` as first read; `api` the voice-profile client; `confirm(text, okLabel, action)` asks before an action;
 * `onChanged()` reads the list again after a stored change.
 */
export function createClipPanel({ profile, api, confirm, onChanged }) {
  let current = profile;
  const prefix = `clips-${profile.id}`;
  const root = el('details', 'profile-clips');
  const summary = el('summary');
  const list = el('ul', 'stored-clips');
  const recorder = el('div', 'recorder');
  const record = el('button', null, 'Record');
  record.type = 'button';
  record.dataset.action = 'record-clip';
  record.setAttribute('aria-pressed', 'false');
  const levelLabel = el('label', 'small', 'Input level');
  const level = el('meter');
  Object.assign(level, { id: `${prefix}-level`, min: -60, max: 0, low: -40, high: -6, optimum: -18, value: -60 });
  levelLabel.htmlFor = level.id;
  const time = el('span', 'muted small', '0.0 s');
  time.dataset.role = 'record-time';
  const filesLabel = el('label', 'small', 'or upload a recording');
  const files = el('input');
  Object.assign(files, { id: `${prefix}-files`, type: 'file', multiple: true,
    accept: 'audio/*,.wav,.mp3,.ogg,.webm,.flac,.m4a' });
  filesLabel.htmlFor = files.id;
  recorder.append(record, levelLabel, level, time, filesLabel, files);
  const message = el('p', 'activity clip-message');
  message.setAttribute('role', 'status');
  const report = el('div', 'quality-report');
  report.setAttribute('aria-live', 'polite');
  root.append(summary, list, el('p', 'hint', 'Add a recording of the same speaker: 10–30 s of clear speech.'),
    recorder, message, report);

  function say(text, kind = 'info') {
    message.textContent = text;
    message.dataset.kind = kind;
  }

  async function add(clips) {
    const before = current;
    say('Checking the recording…');
    report.replaceChildren();
    try {
      current = await api.addClips(before, clips);
      const added = addedClipReports(before, current);
      renderReports(report, added);
      say(`Added to “${current.name}”: ${added.map((r) => r.title).join(', ')}.`, 'ok');
      update(current);
    } catch (err) {
      if (err instanceof ProfileApiError && err.clips) renderReports(report, uploadReports(err));
      say(err.status === 409 ? `“${before.name}” was changed meanwhile; the list is reloaded, try again.`
        : `${err.message}${err.status === 422 ? ' Nothing was stored.' : ''}`, 'bad');
    }
    await onChanged();
  }

  function askRemove(clip) {
    confirm(`Remove recording ${clip.id} of “${current.name}”? Its audio is deleted from the voice.`, 'Remove',
      async () => {
        try {
          current = await api.removeClip(current, clip.id);
          report.replaceChildren(); // a report shown was of an upload, not of what is stored now
          say(`Removed ${clip.id}.`, 'ok');
          update(current);
        } catch (err) {
          say(err.status === 409 ? `“${current.name}” was changed meanwhile; the list is reloaded, try again.`
            : err.message, 'bad');
        }
        await onChanged();
      });
  }

  /** Shows `p`, the profile as read now. */
  function update(p) {
    current = p;
    const clips = storedClips(p);
    summary.textContent = `Recordings (${clips.length})`;
    list.setAttribute('aria-label', `Recordings of ${p.name}`);
    list.replaceChildren(...clips.map((c) => {
      const li = el('li', 'stored-clip');
      li.dataset.id = c.id;
      li.dataset.passed = String(c.passed);
      li.append(el('span', null, c.text));
      if (c.removable) {
        const remove = el('button', null, 'Remove…');
        remove.type = 'button';
        remove.dataset.action = 'remove-clip';
        remove.setAttribute('aria-label', `Remove recording ${c.id} of ${p.name}`);
        remove.addEventListener('click', () => askRemove(c));
        li.append(remove);
      }
      return li;
    }));
    record.setAttribute('aria-label', `Record a new recording for ${p.name}`);
  }

  const control = createRecordControl({
    button: record, level, time,
    onStarted: () => say('Recording… speak naturally, then press Stop recording.'),
    onRecorded: ({ wav, seconds }) => {
      say(`Recorded ${seconds.toFixed(1)} s.`);
      return add([{ blob: new Blob([wav], { type: 'audio/wav' }), fileName: `recording-${Date.now()}.wav` }]);
    },
    onFailed: (err) => say(`The microphone could not be opened: ${err.message || err.name}. You can upload a `
      + 'recording instead.', 'bad'),
  });
  files.addEventListener('change', () => {
    const chosen = [...files.files].map((f) => ({ blob: f, fileName: f.name }));
    files.value = '';
    if (chosen.length) add(chosen);
  });
  update(profile);

  return { root, update, dispose: control.cancel };
}
