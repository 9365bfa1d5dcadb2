package com.ervc.provider.onnx;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static com.ervc.provider.onnx.OnnxGraph.FLOAT;
import static com.ervc.provider.onnx.OnnxGraph.INT32;
import static com.ervc.provider.onnx.OnnxGraph.INT64;
import static com.ervc.provider.onnx.OnnxGraph.scalar;

/**
 * Generates Piper- and Kokoro-shaped ONNX fixtures with the real models' input/output names, types and dynamic
 * shapes. Their audio is deterministic and decodable: each id (phoneme or token) becomes one segment of
 * {@code L} samples whose mean is {@code id/512} (plus, for Kokoro, {@code style[0]}), overlaid with a tone of
 * exactly {@code 4 + sid} cycles per segment (zero mean). Piper: {@code L = round(256 * length_scale)}.
 * Kokoro: {@code L = round(300 / speed)}. These say nothing about voice quality.
 */
public final class FixtureModels {
  public static final int PIPER_BASE_SAMPLES = 256;
  public static final int KOKORO_BASE_SAMPLES = 300;
  public static final double ID_SCALE = 512.0;

  private FixtureModels() {
  }

  /** Writes a fixture model directory (a Piper voice and a Kokoro model) for scripts/bench-onnx.sh. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    writePiper(dir.resolve("piper"), "en_US-fixture-medium", 22050, null);
    writeKokoro(dir.resolve("kokoro"), "tokens", FLOAT, "af_fixture");
    System.out.println("fixture models written to " + dir);
  }

  /** A Piper voice graph; {@code multiSpeaker} adds the {@code sid} input, which sets the tone's cycle count. */
  public static byte[] piper(boolean multiSpeaker) {
    OnnxGraph g = new OnnxGraph()
        .input("input", INT64, "batch_size", "phonemes")
        .input("input_lengths", INT64, "batch_size")
        .input("scales", FLOAT, 3L);
    if (multiSpeaker) {
      g.input("sid", INT64, "batch_size");
    }
    String lengthScale = g.op("Gather", "scales", g.int64(scalar(), 1));
    String perId = g.op("Mul", lengthScale, g.float32(scalar(), PIPER_BASE_SAMPLES));
    String count = g.op("Gather", "input_lengths", g.int64(scalar(), 0));
    String cycles = multiSpeaker
        ? g.op("Add", g.cast(g.op("Gather", "sid", g.int64(scalar(), 0)), FLOAT), g.float32(scalar(), 4f))
        : g.float32(scalar(), 4f);
    String wave = segments(g, "input", count, perId, cycles, g.float32(scalar(), 0f));
    g.opTo("output", "Reshape", wave, g.int64(new long[] {4}, 1, 1, 1, -1));
    g.output("output", FLOAT, "batch_size", 1L, 1L, "time");
    return g.model(15);
  }

  /** A Kokoro graph: {@code tokens} (thewh1teagle) or {@code input_ids} (onnx-community), speed float or int32. */
  public static byte[] kokoro(String idsName, int speedType) {
    OnnxGraph g = new OnnxGraph()
        .input(idsName, INT64, 1L, "sequence")
        .input("style", FLOAT, 1L, 256L)
        .input("speed", speedType, 1L);
    String speed = g.cast(g.op("Gather", "speed", g.int64(scalar(), 0)), FLOAT);
    String perId = g.op("Div", g.float32(scalar(), KOKORO_BASE_SAMPLES), speed);
    String count = g.op("Gather", g.op("Shape", idsName), g.int64(scalar(), 1));
    String styleLevel = g.op("Gather", g.op("Reshape", "style", g.int64(new long[] {1}, -1)), g.int64(scalar(), 0));
    String wave = segments(g, idsName, count, perId, g.float32(scalar(), 4f), styleLevel);
    g.opTo("audio", "Identity", wave);
    g.output("audio", FLOAT, "samples");
    return g.model(15);
  }

  /** ids [1,N] → [N*L] floats: segment k holds id_k/512 + offset + 0.25·sin(2π·cycles·pos/L). */
  private static String segments(OnnxGraph g, String ids, String count, String perIdFloat, String cycles,
                                 String offset) {
    String perId = g.cast(g.op("Floor", g.op("Add", perIdFloat, g.float32(scalar(), 0.5f))), INT64);
    String total = g.op("Mul", count, perId);
    String t = g.op("Range", g.int64(scalar(), 0), total, g.int64(scalar(), 1));
    String k = g.op("Div", t, perId);
    String idAt = g.op("Gather", g.op("Reshape", ids, g.int64(new long[] {1}, -1)), k);
    String pos = g.op("Sub", t, g.op("Mul", k, perId));
    String frac = g.op("Div", g.cast(pos, FLOAT), g.cast(perId, FLOAT));
    String phase = g.op("Mul", g.op("Mul", frac, cycles), g.float32(scalar(), (float) (2 * Math.PI)));
    String tone = g.op("Mul", g.op("Sin", phase), g.float32(scalar(), 0.25f));
    String level = g.op("Add", g.op("Div", g.cast(idAt, FLOAT), g.float32(scalar(), (float) ID_SCALE)), offset);
    return g.op("Add", level, tone);
  }

  /** The mean of each {@code perId}-sample segment times 512, rounded: the ids the model received. */
  public static long[] decodeIds(float[] audio, int perId, double offset) {
    long[] ids = new long[audio.length / perId];
    for (int k = 0; k < ids.length; k++) {
      double sum = 0;
      for (int i = 0; i < perId; i++) {
        sum += audio[k * perId + i];
      }
      ids[k] = Math.round((sum / perId - offset) * ID_SCALE);
    }
    return ids;
  }

  /** Sign changes of the zero-mean tone in one segment: 2 per cycle, so the cycle count is 4 + sid. */
  public static int toneCycles(float[] audio, int from, int perId) {
    double mean = 0;
    for (int i = from; i < from + perId; i++) {
      mean += audio[i];
    }
    mean /= perId;
    int changes = 0;
    for (int i = from + 1; i < from + perId; i++) {
      if ((audio[i - 1] - mean < 0) != (audio[i] - mean < 0)) {
        changes++;
      }
    }
    return (changes + 1) / 2;
  }

  /** A Piper voice folder entry: {@code <name>.onnx} + {@code <name>.onnx.json} with the en_US id map. */
  public static Path writePiper(Path dir, String name, int sampleRate, JsonObject speakers) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".onnx"), piper(speakers != null));
      JsonObject config = new JsonObject()
          .put("audio", new JsonObject().put("sample_rate", sampleRate).put("quality", name.substring(name.lastIndexOf('-') + 1)))
          .put("espeak", new JsonObject().put("voice", "en-us"))
          .put("language", new JsonObject().put("code", "en_US"))
          .put("inference", new JsonObject().put("noise_scale", 0.667).put("length_scale", 1.0).put("noise_w", 0.8))
          .put("phoneme_type", "espeak")
          .put("phoneme_id_map", idMap())
          .put("num_symbols", 256)
          .put("num_speakers", speakers == null ? 1 : speakers.size())
          .put("speaker_id_map", speakers == null ? new JsonObject() : speakers);
      Files.writeString(dir.resolve(name + ".onnx.json"), config.encodePrettily());
      return dir.resolve(name + ".onnx");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonObject idMap() {
    try (InputStream in = FixtureModels.class.getResourceAsStream("/piper-en_us-phoneme-id-map.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonObject("phoneme_id_map");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A Kokoro folder: {@code kokoro-v1.0.onnx} plus {@code voices-v1.0.bin}, an NPZ whose voice arrays are
   * (510, 1, 256) with {@code [n][0][0] = (n + 1) / 1000 · (voice index + 1)}, so the style row used is visible
   * in the audio's offset.
   */
  public static void writeKokoro(Path dir, String idsName, int speedType, String... voices) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("kokoro-v1.0.onnx"), kokoro(idsName, speedType));
      try (OutputStream file = Files.newOutputStream(dir.resolve("voices-v1.0.bin"));
           ZipOutputStream zip = new ZipOutputStream(file)) {
        for (int v = 0; v < voices.length; v++) {
          float[] values = new float[510 * 256];
          for (int n = 0; n < 510; n++) {
            values[n * 256] = styleMarker(n, v);
          }
          zip.putNextEntry(new ZipEntry(voices[v] + ".npy"));
          zip.write(npy(values, "(510, 1, 256)"));
          zip.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static float styleMarker(int row, int voiceIndex) {
    return (row + 1) / 1000f * (voiceIndex + 1);
  }

  /** A numpy .npy (format 1.0) of little-endian float32 values. */
  public static byte[] npy(float[] values, String shape) {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int pad = 64 - (10 + header.length() + 1) % 64;
    header = header + " ".repeat(pad % 64) + "\n";
    ByteBuffer out = ByteBuffer.allocate(10 + header.length() + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    out.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    for (float v : values) {
      out.putFloat(v);
    }
    return out.array();
  }
}
