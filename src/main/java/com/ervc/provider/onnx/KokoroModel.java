package com.ervc.provider.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.ervc.protocol.VoiceDesign;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kokoro v1.0 model ({@code kokoro*.onnx} + {@code voices*.bin} NPZ + vocab): ids in {@code tokens} or
 * {@code input_ids} int64 [1,L] wrapped in pad 0, {@code style} float32 [1,256] = the voice's row for the token
 * count, {@code speed} float32 or int32 [1] (its type is read from the model). 24 kHz.
 */
public final class KokoroModel implements VoiceModel {
  public static final int SAMPLE_RATE = 24000;
  private static final Logger LOG = LoggerFactory.getLogger(KokoroModel.class);
  private static final int STYLE = 256;

  private final Path file;
  private final OrtSession session;
  private final KokoroVocab vocab;
  private final Map<String, Npz.Array> voices;
  private final String idsName;
  private final boolean intSpeed;
  private final boolean gpu;

  /** Takes ownership of {@code session}; throws IllegalArgumentException naming the file on a mismatch. */
  public KokoroModel(Path file, OrtSession session, KokoroVocab vocab, Path voicesFile, Map<String, Npz.Array> voices,
                     boolean gpu) throws OrtException {
    this.file = file;
    this.session = session;
    this.vocab = vocab;
    this.voices = voices;
    this.gpu = gpu;
    var inputs = session.getInputInfo();
    idsName = inputs.containsKey("tokens") ? "tokens" : "input_ids";
    VoiceModel.requireInputs(session, file, "Kokoro", List.of(idsName, "style", "speed"));
    OnnxJavaType speedType = VoiceModel.elementType(inputs.get("speed"));
    if (speedType != OnnxJavaType.FLOAT && speedType != OnnxJavaType.INT32) {
      throw new IllegalArgumentException(file + ": 'speed' is " + speedType + ", expected float32 or int32");
    }
    intSpeed = speedType == OnnxJavaType.INT32;
    voices.forEach((name, array) -> {
      int[] s = array.shape();
      if (s.length < 2 || s[s.length - 1] != STYLE || array.values().length % STYLE != 0) {
        throw new IllegalArgumentException(voicesFile + ": voice '" + name + "' has shape "
            + java.util.Arrays.toString(s) + ", expected (rows, 1, 256)");
      }
    });
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public String format() {
    return "kokoro";
  }

  @Override
  public int sampleRate() {
    return SAMPLE_RATE;
  }

  @Override
  public List<String> speakers() {
    return List.copyOf(voices.keySet());
  }

  /** Kokoro voice names start with a language letter (af_heart: American English, female). */
  @Override
  public String language(String speaker) {
    return switch (speaker.isEmpty() ? 'a' : speaker.charAt(0)) {
      case 'b' -> "en-gb";
      case 'e' -> "es";
      case 'f' -> "fr-fr";
      case 'h' -> "hi";
      case 'i' -> "it";
      case 'j' -> "ja";
      case 'p' -> "pt-br";
      case 'z' -> "cmn";
      default -> "en-us";
    };
  }

  @Override
  public String quality() {
    return "high";
  }

  @Override
  public boolean gpu() {
    return gpu;
  }

  @Override
  public float[] synthesize(String text, String speaker, Prosody prosody, EspeakPhonemizer phonemizer)
      throws OrtException {
    String phonemes = String.join(" ", phonemizer.sentences(text, language(speaker)));
    float speed = (float) Math.max(0.5, Math.min(2.0, 1.0 / prosody.durationFactor()));
    List<float[]> parts = new ArrayList<>();
    for (long[] chunk : vocab.chunks(vocab.tokens(phonemes))) {
      parts.add(infer(chunk, style(speaker, chunk.length), speed));
    }
    return VoiceModel.concat(parts);
  }

  /**
   * The voice's style row for a chunk of {@code tokens} tokens (pads not counted). A blend
   * ({@code af_bella:2+af_sky:1}, {@link VoiceDesign.Kind#BLEND}) is the weighted mean of its voices' rows for the
   * same count, the weights normalised to sum 1.
   */
  public float[] style(String speaker, int tokens) {
    Npz.Array voice = voices.get(speaker);
    if (voice == null && speaker.contains("+")) {
      float[] mix = new float[STYLE];
      for (VoiceDesign.Term term : blends().blend(speaker)) {
        float[] row = style(term.style(), tokens);
        for (int i = 0; i < STYLE; i++) {
          mix[i] += (float) (term.weight() * row[i]);
        }
      }
      return mix;
    }
    if (voice == null) {
      throw new IllegalArgumentException("no Kokoro voice '" + speaker + "' in " + file);
    }
    int rows = voice.values().length / STYLE;
    int row = Math.min(tokens, rows - 1);
    float[] style = new float[STYLE];
    System.arraycopy(voice.values(), row * STYLE, style, 0, STYLE);
    return style;
  }

  /** The blends of this model's voices. */
  public VoiceDesign blends() {
    return new VoiceDesign(VoiceDesign.Kind.BLEND, speakers());
  }

  /** One raw inference of at most 510 tokens, padded with 0 on both sides. */
  public float[] infer(long[] tokens, float[] style, float speed) throws OrtException {
    long[] padded = new long[tokens.length + 2];
    System.arraycopy(tokens, 0, padded, 1, tokens.length);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(idsName, OnnxTensor.createTensor(env, new long[][] {padded}));
      inputs.put("style", OnnxTensor.createTensor(env, new float[][] {style}));
      inputs.put("speed", intSpeed ? OnnxTensor.createTensor(env, new int[] {Math.max(1, Math.round(speed))})
          : OnnxTensor.createTensor(env, new float[] {speed}));
    } catch (OrtException | RuntimeException e) {
      inputs.values().forEach(OnnxTensor::close);
      throw e;
    }
    return VoiceModel.runFlat(session, inputs);
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
