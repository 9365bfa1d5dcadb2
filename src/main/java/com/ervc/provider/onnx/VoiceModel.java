package com.ervc.provider.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A loaded voice model file (one ONNX session) and the voices it offers. Thread-safe; close releases it. */
public interface VoiceModel extends AutoCloseable {
  Path file();

  /** "piper" or "kokoro". */
  String format();

  int sampleRate();

  /** Voice names inside this model: speakers (Piper) or style vectors (Kokoro); a single-voice model has one "". */
  List<String> speakers();

  String language(String speaker);

  /** Piper's quality level (x_low, low, medium, high); Kokoro reports "high". */
  String quality();

  boolean gpu();

  /** Audio for {@code text} at {@link #sampleRate()}, in [-1, 1]. Blocking. */
  float[] synthesize(String text, String speaker, Prosody prosody, EspeakPhonemizer phonemizer) throws OrtException;

  @Override
  void close();

  /** The model's input element types by name; throws IllegalArgumentException when a required one is absent. */
  static Map<String, NodeInfo> requireInputs(OrtSession session, Path file, String expected, List<String> required)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    for (String name : required) {
      if (!inputs.containsKey(name)) {
        throw new IllegalArgumentException(file + " does not look like a " + expected + " model: inputs are "
            + inputs.keySet() + ", expected " + required);
      }
    }
    return inputs;
  }

  static ai.onnxruntime.OnnxJavaType elementType(NodeInfo info) {
    return ((TensorInfo) info.getInfo()).type;
  }

  /** Runs a session and flattens its first output, whatever its rank. Closes the inputs. */
  static float[] runFlat(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
    try (OrtSession.Result result = session.run(inputs)) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] audio = new float[out.remaining()];
      out.get(audio);
      return audio;
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  static float[] concat(List<float[]> parts) {
    int total = parts.stream().mapToInt(p -> p.length).sum();
    float[] all = new float[total];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
