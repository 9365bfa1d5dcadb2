package com.ervc.provider.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Piper / VITS voice ({@code *.onnx} + {@code *.onnx.json}): inputs {@code input} int64 [1,N],
 * {@code input_lengths} int64 [1], {@code scales} float32 [noise_scale, length_scale, noise_w] and, only in
 * multi-speaker models, {@code sid} int64 [1]. Each sentence is one inference, peak-normalised as Piper does.
 */
public final class PiperModel implements VoiceModel {
  private static final Logger LOG = LoggerFactory.getLogger(PiperModel.class);
  private static final List<String> INPUTS = List.of("input", "input_lengths", "scales");

  private final Path file;
  private final PiperConfig config;
  private final OrtSession session;
  private final boolean hasSid;
  private final boolean gpu;

  /** Takes ownership of {@code session}; throws IllegalArgumentException when model and config disagree. */
  public PiperModel(Path file, PiperConfig config, OrtSession session, boolean gpu) throws OrtException {
    this.file = file;
    this.config = config;
    this.session = session;
    this.gpu = gpu;
    this.hasSid = VoiceModel.requireInputs(session, file, "Piper", INPUTS).containsKey("sid");
    if (config.numSpeakers() > 1 && !hasSid) {
      throw new IllegalArgumentException(file + ": its config lists " + config.numSpeakers()
          + " speakers but the model has no 'sid' input");
    }
  }

  public PiperConfig config() {
    return config;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public String format() {
    return "piper";
  }

  @Override
  public int sampleRate() {
    return config.sampleRate();
  }

  @Override
  public List<String> speakers() {
    List<String> names = config.speakerNames();
    return hasSid && !names.isEmpty() ? names : List.of("");
  }

  @Override
  public String language(String speaker) {
    return config.language();
  }

  @Override
  public String quality() {
    return config.quality();
  }

  @Override
  public boolean gpu() {
    return gpu;
  }

  @Override
  public float[] synthesize(String text, String speaker, Prosody prosody, EspeakPhonemizer phonemizer)
      throws OrtException {
    List<String> sentences = config.phonemeType().equals("text") ? List.of(text) : phonemizer.sentences(text, config.espeakVoice());
    int sid = speaker.isEmpty() ? config.defaultSpeakerId() : config.speakerId(speaker);
    List<float[]> parts = new ArrayList<>();
    for (String sentence : sentences) {
      long[] ids = ids(sentence);
      parts.add(normalize(infer(ids, (float) (config.noiseScale() * prosody.noise()),
          (float) (config.lengthScale() * prosody.durationFactor()), (float) (config.noiseW() * prosody.noiseW()), sid)));
    }
    return VoiceModel.concat(parts);
  }

  /** Piper's ids for one sentence's phonemes. */
  public long[] ids(String phonemes) {
    return PhonemeIds.build(PhonemeIds.phonemes(phonemes), config.phonemeIdMap(), config.phonemeMap(),
        missing -> LOG.debug("{}: phoneme '{}' is not in the id map; skipped", file.getFileName(), missing));
  }

  /** One raw inference; {@code sid} is sent only when the model has that input. */
  public float[] infer(long[] ids, float noiseScale, float lengthScale, float noiseW, int sid) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input", OnnxTensor.createTensor(env, new long[][] {ids}));
      inputs.put("input_lengths", OnnxTensor.createTensor(env, new long[] {ids.length}));
      inputs.put("scales", OnnxTensor.createTensor(env, new float[] {noiseScale, lengthScale, noiseW}));
      if (hasSid) {
        inputs.put("sid", OnnxTensor.createTensor(env, new long[] {sid}));
      }
    } catch (OrtException | RuntimeException e) {
      inputs.values().forEach(OnnxTensor::close);
      throw e;
    }
    return VoiceModel.runFlat(session, inputs);
  }

  /** Piper's post-processing: scale the peak to full range (old C++: 32767 / max(0.01, peak)). */
  static float[] normalize(float[] audio) {
    float peak = 0.01f;
    for (float v : audio) {
      peak = Math.max(peak, Math.abs(v));
    }
    float[] out = new float[audio.length];
    for (int i = 0; i < audio.length; i++) {
      out[i] = audio[i] / peak;
    }
    return out;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing {} failed: {}", file, e.getMessage());
    }
  }
}
