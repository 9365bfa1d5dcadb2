// The controls: the message box with its counter, Speak and Stop, the activity line, and the voice-setting
// inputs (provider, voice, emotion, intensity, quality, speed, pitch) bound to the settings object.

import { MAX_TEXT } from './protocol.js';

const PHASE_TEXT = { idle: 'Idle', waiting: 'Waiting for audio…', playing: 'Speaking…' };
const SETTING_NAMES = ['provider', 'voice', 'emotion', 'quality', 'intensity', 'speed', 'pitch'];

/** `ui` holds the page's control elements; `settings` the persisted choices; `state` the observable state. */
export function createControls({ ui, settings, state }) {
  let lastCountBand = null;

  function setText(text) {
    ui.text.value = text;
    updateCounter();
  }

  function updateCounter() {
    const len = ui.text.value.length;
    ui.count.textContent = `${len} / ${MAX_TEXT}`;
    const band = len > MAX_TEXT ? 'over' : len >= MAX_TEXT * 0.9 ? 'warn' : '';
    ui.count.dataset.band = band;
    ui.text.setAttribute('aria-invalid', String(band === 'over'));
    // Tell screen readers only when a threshold is crossed, not on every keystroke.
    if (band !== lastCountBand) {
      lastCountBand = band;
      ui.countSr.textContent = band === 'over'
        ? `Too long: ${len - MAX_TEXT} characters over the limit of ${MAX_TEXT}.`
        : band === 'warn' ? `${MAX_TEXT - len} characters left.` : `Up to ${MAX_TEXT} characters.`;
    }
  }

  /** Speak needs an open connection, Stop something to stop. */
  function updateButtons() {
    ui.speak.disabled = state.connection !== 'open';
    ui.stop.disabled = state.activeIds.length === 0;
  }

  function showPhase(changed) {
    if (changed) {
      document.body.dataset.phase = state.phase;
      ui.activity.textContent = PHASE_TEXT[state.phase];
    }
    updateButtons();
  }

  /** Puts the settings' values into the inputs (the selects' options come from the catalog). */
  function showSettings() {
    ui.emotion.value = settings.emotion;
    ui.quality.value = settings.quality;
    ui.intensity.value = String(settings.intensity);
    ui.speed.value = String(settings.speed);
    ui.pitch.value = String(settings.pitch);
    ui.provider.value = settings.provider;
    updateSliderOutputs();
  }

  function readSetting(name) {
    const control = ui[name];
    if (name === 'provider') settings.provider = control.value || 'auto';
    else if (control.type === 'range') settings[name] = Number(control.value);
    else settings[name] = control.value;
  }

  function updateSliderOutputs() {
    const speed = Number(ui.speed.value).toFixed(2);
    ui.intensityValue.textContent = Number(ui.intensity.value).toFixed(2);
    ui.speedValue.textContent = `${speed}×`;
    ui.speed.setAttribute('aria-valuetext', `${speed} times normal speed`);
    const pitch = Number(ui.pitch.value);
    ui.pitchValue.textContent = `${pitch > 0 ? '+' : ''}${pitch.toFixed(2)}`;
    ui.pitch.setAttribute('aria-valuetext', pitch === 0 ? 'normal pitch'
      : `${pitch > 0 ? 'higher' : 'lower'} by ${Math.abs(pitch).toFixed(2)}`);
  }

  /**
   * Listeners. `actions`: speak(), stop(), settingChanged(name) (after the settings object was updated),
   * replay(id), download(id).
   */
  function wire(actions) {
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      actions.speak();
    });
    ui.text.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter inserts a newline; never while an IME is composing.
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        actions.speak();
      }
    });
    ui.text.addEventListener('input', updateCounter);
    ui.stop.addEventListener('click', () => {
      actions.stop();
      ui.text.focus();
    });
    for (const name of SETTING_NAMES) {
      const control = ui[name];
      control.addEventListener(control.type === 'range' ? 'input' : 'change', () => {
        readSetting(name);
        updateSliderOutputs();
        actions.settingChanged(name);
      });
    }
    ui.messages.addEventListener('click', (e) => {
      const button = e.target.closest('button');
      const id = button?.closest('.reply')?.dataset.id;
      if (!id || button.disabled) return;
      if (button.classList.contains('replay')) actions.replay(id);
      else if (button.classList.contains('download')) actions.download(id);
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && state.activeIds.length) {
        e.preventDefault();
        actions.stop();
      }
    });
  }

  return {
    wire, setText, text: () => ui.text.value, focusText: () => ui.text.focus(), updateCounter, updateButtons,
    showPhase, showSettings,
  };
}
