package com.ervc.provider.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads the float32 arrays of a numpy {@code .npz} (a zip of {@code .npy} files, zip64 included). */
public final class Npz {
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  /** One array: its shape and C-order values. */
  public record Array(int[] shape, float[] values) {
  }

  private Npz() {
  }

  /** Arrays by name (without ".npy"); throws IOException naming the file and entry on any format problem. */
  public static Map<String, Array> read(Path file) throws IOException {
    Map<String, Array> arrays = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (!entry.getName().endsWith(".npy")) {
          continue;
        }
        try (InputStream in = zip.getInputStream(entry)) {
          arrays.put(entry.getName().substring(0, entry.getName().length() - 4), npy(in.readAllBytes()));
        } catch (IllegalArgumentException e) {
          throw new IOException(file + ": entry " + entry.getName() + ": " + e.getMessage(), e);
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException(file + " is not an NPZ (zip) file: " + e.getMessage(), e);
    }
    if (arrays.isEmpty()) {
      throw new IOException(file + " holds no .npy arrays");
    }
    return arrays;
  }

  static Array npy(byte[] data) {
    if (data.length < 10 || (data[0] & 0xFF) != 0x93 || !new String(data, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IllegalArgumentException("not a .npy array");
    }
    ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int major = data[6];
    int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
    int headerStart = major == 1 ? 10 : 12;
    if (headerStart + headerLength > data.length) {
      throw new IllegalArgumentException("truncated header");
    }
    String header = new String(data, headerStart, headerLength, StandardCharsets.US_ASCII);
    if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
      throw new IllegalArgumentException("expected C-order little-endian float32, got " + header.strip());
    }
    Matcher m = SHAPE.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException("no shape in header");
    }
    int[] shape = java.util.Arrays.stream(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .mapToInt(Integer::parseInt).toArray();
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    int bodyStart = headerStart + headerLength;
    if ((long) (data.length - bodyStart) != count * 4) {
      throw new IllegalArgumentException("shape " + m.group(1).strip() + " needs " + count * 4 + " bytes, found "
          + (data.length - bodyStart));
    }
    float[] values = new float[(int) count];
    buf.position(bodyStart).asFloatBuffer().get(values);
    return new Array(shape, values);
  }
}
