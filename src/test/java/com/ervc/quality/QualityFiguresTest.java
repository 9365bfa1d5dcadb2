package com.ervc.quality;

import com.ervc.eval.CorpusLine;
import com.ervc.eval.Transcriber;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pooled figures of a quality run, on synthetic clips whose loudness, clicks and clipping are known. */
class QualityFiguresTest {
  private static final int RATE = 24_000;
  private static final CorpusLine BIRCH = new CorpusLine("h01", "harvard", "en",
      "The birch canoe slid on the smooth planks.");
  private static final CorpusLine GERMAN = new CorpusLine("f01", "foreign", "de", "Guten Morgen, wie geht es dir?");

  /** Answers every clip with the same words, so the pooled WER is known. */
  private record FixedHearing(String heard) implements Transcriber {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public String language() {
      return "en";
    }

    @Override
    public String transcribe(short[] pcm, int sampleRate) {
      return heard;
    }
  }

  private static short[] tone(double amplitude, double seconds) {
    short[] out = new short[(int) (seconds * RATE)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * 997 * i / RATE));
    }
    return out;
  }

  @Test
  void loudnessIsTheMeanOfTheClipsAndNoRecogniserMeansNoWer() throws Exception {
    // BS.1770: a 997 Hz sine at 0.1 of full scale reads -23.01 LUFS, at 0.01 -43.01 LUFS.
    QualityFigures figures = QualityFigures.measure(List.of(new QualityFigures.Clip(BIRCH, tone(0.1, 3), RATE, 100),
        new QualityFigures.Clip(BIRCH, tone(0.01, 3), RATE, 300)), null);

    assertEquals(-33.01, figures.loudnessLufs(), 0.1);
    assertEquals(0, figures.clicks());
    assertEquals(0, figures.clippingRatio());
    assertTrue(Double.isNaN(figures.wordErrorRate()));
    assertTrue(Double.isNaN(figures.characterErrorRate()));
    assertEquals(200, figures.ttfaMs(), 1e-9, "the mean of the clips' times to audio");
  }

  @Test
  void clicksAreCountedOverAllClipsAndClippingOverAllSamples() throws Exception {
    short[] clicked = tone(0.05, 1);
    clicked[6_000] = 26_000;
    clicked[18_000] = -26_000;
    short[] clipped = tone(0.05, 1);
    for (int i = 1_000; i < 1_120; i++) {
      clipped[i] = Short.MAX_VALUE;
    }

    QualityFigures figures = QualityFigures.measure(List.of(new QualityFigures.Clip(BIRCH, clicked, RATE, 0),
        new QualityFigures.Clip(BIRCH, clipped, RATE, 0)), null);

    assertEquals(2 + 2, figures.clicks(), "the two spikes, and the clipped block's two edges");
    assertEquals(120.0 / (2 * RATE), figures.clippingRatio(), 1e-9);
  }

  @Test
  void werAndCerPoolTheLinesInTheRecognisersLanguage() throws Exception {
    Transcriber oneWordWrong = new FixedHearing("the birch canoe slid on the smooth banks");

    QualityFigures figures = QualityFigures.measure(List.of(new QualityFigures.Clip(BIRCH, tone(0.1, 1), RATE, 0),
        new QualityFigures.Clip(BIRCH, tone(0.1, 1), RATE, 0), new QualityFigures.Clip(GERMAN, tone(0.1, 1), RATE, 0)),
        oneWordWrong);

    assertEquals(2 / 16.0, figures.wordErrorRate(), 1e-9, "one word of eight wrong in each English line; German "
        + "is not recognised by an English model");
    // "planks" heard as "banks": one substitution and one deletion in the 41 characters of each English line.
    assertEquals(4 / 82.0, figures.characterErrorRate(), 1e-9);
  }

  @Test
  void aRunWithoutClipsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> QualityFigures.measure(List.of(), null));
  }
}
