package com.ervc.eval;

import com.ervc.audio.Resampler;

import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * CMU PocketSphinx through Debian's {@code pocketsphinx_continuous} (packages pocketsphinx and pocketsphinx-en-us:
 * a US English acoustic model with a general language model). The audio is resampled to the model's 16 kHz,
 * brought to a fixed RMS level and given a faint fixed-seed noise floor: the decoder's noise estimate and voice
 * activity detection misread digital silence, and on espeak-ng speech the level and noise floor changed the word
 * error rate by more than any other setting tried (docs/evaluation.md).
 */
public final class PocketsphinxTranscriber implements Transcriber {
  static final int MODEL_RATE = 16_000;
  private static final double TARGET_RMS = 1000;
  private static final double NOISE_RMS = 10;

  private final CommandTranscriber decoder;

  /** @param command the decoder executable, normally {@code pocketsphinx_continuous} on the PATH */
  public PocketsphinxTranscriber(String command) {
    this.decoder = new CommandTranscriber(List.of(command, "-infile", CommandTranscriber.WAV, "-logfn", "/dev/null"),
        "en", MODEL_RATE, "pocketsphinx en-us (" + command + ")");
  }

  @Override
  public String name() {
    return decoder.name();
  }

  @Override
  public String language() {
    return decoder.language();
  }

  @Override
  public String transcribe(short[] pcm, int sampleRate) throws IOException, InterruptedException {
    return decoder.transcribe(prepare(pcm, sampleRate), MODEL_RATE);
  }
  static short[] prepare(short[] pcm, int sampleRate) {
    short[] resampled = sampleRate == MODEL_RATE ? pcm : Resampler.resample(pcm, sampleRate, MODEL_RATE);
    double squares = 0;
    for (short s : resampled) {
      squares += (double) s * s;
    }
    double rms = Math.sqrt(squares / Math.max(1, resampled.length));
    double gain = rms == 0 ? 1 : TARGET_RMS / rms;
    Random noise = new Random(resampled.length);
    short[] out = new short[resampled.length];
    for (int i = 0; i < out.length; i++) {
      double v = resampled[i] * gain + noise.nextGaussian() * NOISE_RMS;
      out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
    }
    return out;
  }
}
