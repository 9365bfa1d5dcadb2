package com.ervc.eval;

import com.ervc.audio.Loudness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static com.ervc.eval.Signals.RATE;
import static com.ervc.eval.Signals.concat;
import static com.ervc.eval.Signals.noise;
import static com.ervc.eval.Signals.tone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalAnalysisTest {

  @Test
  void aToneHasItsLevelLoudnessAndPitch() {
    SignalStats s = SignalAnalysis.analyse(tone(200, 0.5, 2), RATE, List.of());
    assertEquals(2.0, s.durationSec(), 1e-9);
    assertEquals(20 * Math.log10(0.5), s.peakDbfs(), 0.01);
    assertEquals(20 * Math.log10(0.5 / Math.sqrt(2)), s.rmsDbfs(), 0.01);
    assertEquals(200, s.f0MeanHz(), 1.0);
    assertTrue(s.f0RangeSemitones() < 0.2, "a steady tone has no pitch range: " + s.f0RangeSemitones());
    assertEquals(0, s.clippedRatio());
    assertEquals(0, s.silenceRatio());
    assertEquals(List.of(), s.clicks());
  }

  /** BS.1770: a full-scale 997 Hz sine reads -3.01 LUFS; loudness follows the level 1:1. */
  @Test
  void integratedLoudnessFollowsBs1770() {
    assertEquals(-3.01, SignalAnalysis.analyse(tone(997, 1.0, 3), RATE, List.of()).loudnessLufs(), 0.1);
    assertEquals(-23.01, SignalAnalysis.analyse(tone(997, 0.1, 3), RATE, List.of()).loudnessLufs(), 0.1);
    assertEquals(Loudness.SILENT_LUFS, SignalAnalysis.analyse(new short[RATE * 2], RATE, List.of()).loudnessLufs(),
        "silence reads as the absolute gate");
  }

  @Test
  void pitchOfLowAndHighVoices() {
    assertEquals(90, SignalAnalysis.analyse(tone(90, 0.3, 1), RATE, List.of()).f0MeanHz(), 1.0);
    assertEquals(320, SignalAnalysis.analyse(tone(320, 0.3, 1), RATE, List.of()).f0MeanHz(), 2.0);
    assertTrue(Double.isNaN(SignalAnalysis.analyse(noise(0.1, 1, 1), RATE, List.of()).f0MeanHz()),
        "white noise is not voiced");
  }

  @Test
  void clippingIsTheShareOfFullScaleSamples() {
    short[] clipped = tone(200, 2.0, 1);
    for (int i = 0; i < clipped.length; i++) {
      clipped[i] = (short) Math.max(-32768, Math.min(32767, Math.round(2.0 * 32767
          * Math.sin(2 * Math.PI * 200 * i / RATE))));
    }
    SignalStats s = SignalAnalysis.analyse(clipped, RATE, List.of());
    // |2 sin| >= 1 for two thirds of each period
    assertEquals(2.0 / 3, s.clippedRatio(), 0.02);
    assertEquals(0, SignalAnalysis.analyse(tone(200, 0.9, 1), RATE, List.of()).clippedRatio());
  }

  @Test
  void dcOffsetIsTheMean() {
    short[] shifted = tone(200, 0.3, 1);
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += (short) (0.2 * 32768);
    }
    assertEquals(0.2, SignalAnalysis.analyse(shifted, RATE, List.of()).dcOffset(), 0.001);
  }

  @Test
  void silenceRatioAndLongestGap() {
    short[] audio = concat(tone(200, 0.3, 1), new short[(int) (1.5 * RATE)], tone(200, 0.3, 1),
        new short[RATE / 2], tone(200, 0.3, 1));
    SignalStats s = SignalAnalysis.analyse(audio, RATE, List.of());
    assertEquals(1.5, s.longestSilenceSec(), 0.021);
    assertEquals(2.0 / 5, s.silenceRatio(), 0.01);
    assertEquals(5.0, s.speechSec(), 0.021);
  }

  @Test
  void leadingAndTrailingSilenceIsNotSpeech() {
    short[] audio = concat(new short[RATE], tone(200, 0.3, 2), new short[RATE]);
    assertEquals(2.0, SignalAnalysis.analyse(audio, RATE, List.of()).speechSec(), 0.021);
  }

  /** A chunk join where the second chunk starts at the other end of the waveform: one click, at the join. */
  @Test
  void aDiscontinuityAtAChunkJoinIsAJoinClick() {
    short[] first = tone(150, 0.4, 0.5);
    short[] second = tone(150, 0.4, 0.5);
    for (int i = 0; i < second.length; i++) {
      second[i] = (short) Math.round(0.4 * 32767 * Math.cos(2 * Math.PI * 150 * i / RATE));
    }
    // the first chunk ends near a zero crossing, the second starts at +0.4 full scale
    int join = first.length;
    SignalStats s = SignalAnalysis.analyse(concat(first, second), RATE, List.of(join, 2400));
    assertEquals(List.of(join), s.clicks());
    assertEquals(List.of(join), s.joinClicks());
  }

  @Test
  void aClickAwayFromJoinsIsReportedWhereItIs() {
    short[] audio = tone(200, 0.2, 1);
    audio[12_345] = (short) 30_000;
    SignalStats s = SignalAnalysis.analyse(audio, RATE, List.of(2400, 4800));
    assertEquals(List.of(12_345), s.clicks());
    assertEquals(List.of(), s.joinClicks());
  }

  /** Noise has large sample-to-sample steps everywhere: none stands out from its neighbourhood. */
  @Test
  void loudNoiseIsNotClicks() {
    assertEquals(List.of(), SignalAnalysis.analyse(noise(0.2, 1, 7), RATE, List.of()).clicks());
  }

  @Test
  void aRepeatedSegmentIsFoundAndFreshNoiseIsNot() {
    short[] segment = noise(0.1, 0.2, 3);
    assertTrue(SignalAnalysis.analyse(concat(segment, segment, segment), RATE, List.of()).repeatedWindows() >= 2);
    assertEquals(0, SignalAnalysis.analyse(noise(0.1, 0.6, 4), RATE, List.of()).repeatedWindows());
  }
}
