// Recording maths, DOM-free: microphone samples (Float32, −1…1) to a 16-bit PCM WAV file, and the level meter's
// numbers. The page makes the WAV itself so that what is uploaded is exactly what was recorded, at the
// microphone's own rate (the server's quality gate checks that rate and resamples).

import { buildWav } from './protocol.js';

/** The meter's floor: anything quieter reads as silence. */
export const FLOOR_DB = -60;

/**
 * Float samples as signed 16-bit little-endian PCM: clamped to −1…1, negative values scaled by 32768 and positive
 * ones by 32767 (so both full scales map exactly), rounded to the nearest step.
 */
export function floatToPcm16(samples) {
  const out = new ArrayBuffer(samples.length * 2);
  const view = new DataView(out);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, Number.isFinite(samples[i]) ? samples[i] : 0));
    view.setInt16(i * 2, Math.round(s < 0 ? s * 32768 : s * 32767), true);
  }
  return out;
}

/** A mono 16-bit PCM WAV file (ArrayBuffer) of the recorded Float32 blocks at `sampleRate`. */
export function encodeWav(blocks, sampleRate) {
  return buildWav(blocks.map(floatToPcm16), sampleRate);
}

/** Decibels relative to full scale of a linear amplitude, never below `FLOOR_DB`. */
export function toDb(amplitude) {
  return amplitude > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(amplitude)) : FLOOR_DB;
}

/** RMS and peak of one block, linear and in dBFS (a full-scale sine: RMS −3.01 dBFS, peak 0 dBFS). */
export function blockLevel(samples) {
  let sum = 0;
  let peak = 0;
  for (const s of samples) {
    sum += s * s;
    peak = Math.max(peak, Math.abs(s));
  }
  const rms = samples.length ? Math.sqrt(sum / samples.length) : 0;
  return { rms, peak, rmsDb: toDb(rms), peakDb: toDb(peak) };
}

/**
 * What the level meter shows: it rises at once to a louder block's RMS and falls by at most `releaseDbPerSecond`,
 * like a VU meter, so syllables stay readable; `clipped` holds for `clipHoldMs` after a sample reached full scale.
 */
export function createLevelMeter({ releaseDbPerSecond = 24, clipHoldMs = 1000 } = {}) {
  let shown = FLOOR_DB;
  let clippedUntil = -Infinity;
  let elapsedMs = 0;
  return {
    /** Adds a block of `samples` at `sampleRate`; answers `{ db, clipped }`, what to show now. */
    update(samples, sampleRate) {
      const ms = (samples.length / sampleRate) * 1000;
      elapsedMs += ms;
      const { rmsDb, peak } = blockLevel(samples);
      shown = Math.max(rmsDb, shown - releaseDbPerSecond * (ms / 1000));
      if (peak >= 0.999) clippedUntil = elapsedMs + clipHoldMs;
      return { db: shown, clipped: elapsedMs < clippedUntil };
    },
    reset() {
      shown = FLOOR_DB;
      clippedUntil = -Infinity;
      elapsedMs = 0;
    },
  };
}

/** Seconds of audio in `blocks` at `sampleRate`. */
export function durationSeconds(blocks, sampleRate) {
  let n = 0;
  for (const b of blocks) n += b.length;
  return n / sampleRate;
}
