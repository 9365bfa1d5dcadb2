// The microphone: getUserMedia with the browser's voice processing off (echo cancellation, noise suppression and
// automatic gain would change the speaker's voice), an AudioContext at the device's rate and the recorder-tap
// worklet, which hands every block to this module. Stopping gives a mono 16-bit WAV made here (recording.js).

import { createLevelMeter, durationSeconds, encodeWav } from './recording.js';

const LEVEL_UPDATE_S = 0.05;

/** Whether this page may record at all: the browser offers getUserMedia (https or localhost only). */
export function canRecord() {
  return Boolean(globalThis.navigator?.mediaDevices?.getUserMedia && globalThis.AudioWorkletNode);
}

/**
 * Starts recording. `onLevel({db, clipped, seconds})` fires for every block; after `maxSeconds` the recording
 * stops by itself and `onLimit()` fires. Resolves with `{ stop() → Promise<{wav, sampleRate, seconds}>, cancel() }`.
 */
export async function startRecording({ onLevel, onLimit, maxSeconds }) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  let ctx = null;
  try {
    // At the microphone's own rate where the browser says it, so nothing is resampled before the upload.
    const micRate = stream.getAudioTracks()[0]?.getSettings?.().sampleRate;
    ctx = micRate ? new AudioContext({ sampleRate: micRate }) : new AudioContext();
    await ctx.audioWorklet.addModule(new URL('./recorder.worklet.js', import.meta.url));
    if (ctx.state === 'suspended') await ctx.resume();
  } catch (err) {
    stream.getTracks().forEach((t) => t.stop());
    if (ctx) ctx.close().catch(() => {});
    throw err;
  }
  const rate = ctx.sampleRate;
  const source = ctx.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(ctx, 'recorder-tap', { numberOfOutputs: 1, outputChannelCount: [1] });
  const mute = ctx.createGain(); // keeps the tap pulled by the graph without sending the microphone to the speakers
  mute.gain.value = 0;
  source.connect(tap).connect(mute).connect(ctx.destination);

  const blocks = [];
  const meter = createLevelMeter();
  const shownEvery = Math.round(rate * LEVEL_UPDATE_S); // the meter sees every block; the page is told 20 times a second
  let samples = 0;
  let shownAt = 0;
  let done = null;

  function finish() {
    if (!done) {
      tap.port.onmessage = null;
      source.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      done = ctx.close().catch(() => {}).then(() => ({
        wav: encodeWav(blocks, rate), sampleRate: rate, seconds: durationSeconds(blocks, rate),
      }));
    }
    return done;
  }

  tap.port.onmessage = (event) => {
    const block = event.data;
    blocks.push(block);
    samples += block.length;
    const level = meter.update(block, rate);
    if (samples - shownAt >= shownEvery) {
      shownAt = samples;
      onLevel({ ...level, seconds: samples / rate });
    }
    if (samples / rate >= maxSeconds) {
      finish();
      onLimit();
    }
  };

  return {
    stop: finish,
    cancel: () => { blocks.length = 0; return finish(); },
  };
}
