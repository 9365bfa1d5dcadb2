package com.ervc.provider.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX models (the protobuf wire format of onnx.proto, only the fields used here). The CUDA probe
 * builds its one-node model with it, and the tests build Piper- and Kokoro-shaped fixtures, so no model file or
 * protobuf library is needed.
 */
public final class OnnxGraph {
  public static final int FLOAT = 1;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  private static final int ATTR_INT = 2;

  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();
  private int counter;

  /** A graph input; each dim is a Long (fixed) or a String (named dynamic axis). */
  public OnnxGraph input(String name, int elemType, Object... dims) {
    inputs.add(valueInfo(name, elemType, dims));
    return this;
  }

  public OnnxGraph output(String name, int elemType, Object... dims) {
    outputs.add(valueInfo(name, elemType, dims));
    return this;
  }

  /** Adds a node with a fresh output name, which it returns. */
  public String op(String opType, String... in) {
    return opTo("t" + counter++, opType, in);
  }

  /** Adds a node writing to {@code out}, e.g. a graph output. */
  public String opTo(String out, String opType, String... in) {
    Proto node = new Proto();
    for (String i : in) {
      node.string(1, i);
    }
    node.string(2, out).string(3, "n" + counter++).string(4, opType);
    nodes.add(node.bytes());
    return out;
  }

  /** Cast has the one attribute these models need. */
  public String cast(String in, int toType) {
    String out = "t" + counter++;
    Proto attr = new Proto().string(1, "to").varint(3, toType).varint(20, ATTR_INT);
    nodes.add(new Proto().string(1, in).string(2, out).string(3, "n" + counter++).string(4, "Cast")
        .message(5, attr.bytes()).bytes());
    return out;
  }

  /** A constant int64 tensor; no dims means a scalar. */
  public String int64(long[] dims, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    return constant(INT64, dims, raw.array());
  }

  public String float32(long[] dims, float... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    return constant(FLOAT, dims, raw.array());
  }

  public static long[] scalar() {
    return new long[0];
  }

  private String constant(int type, long[] dims, byte[] raw) {
    String name = "c" + counter++;
    Proto tensor = new Proto();
    for (long d : dims) {
      tensor.varint(1, d);
    }
    initializers.add(tensor.varint(2, type).string(8, name).bytesField(9, raw).bytes());
    return name;
  }

  /** The serialized ModelProto (IR version 8, default-domain opset {@code opset}). */
  public byte[] model(int opset) {
    Proto graph = new Proto();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "g");
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    return new Proto().varint(1, 8).string(2, "ervc").message(7, graph.bytes())
        .message(8, new Proto().string(1, "").varint(2, opset).bytes()).bytes();
  }

  private static byte[] valueInfo(String name, int elemType, Object... dims) {
    Proto shape = new Proto();
    for (Object d : dims) {
      shape.message(1, d instanceof String param ? new Proto().string(2, param).bytes()
          : new Proto().varint(1, ((Number) d).longValue()).bytes());
    }
    Proto tensorType = new Proto().varint(1, elemType).message(2, shape.bytes());
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType.bytes()).bytes()).bytes();
  }

  /** Protobuf encoding of the field kinds used here: varint (wire type 0) and length-delimited (wire type 2). */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      raw((long) field << 3);
      raw(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytesField(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, byte[] value) {
      return bytesField(field, value);
    }

    Proto bytesField(int field, byte[] value) {
      raw(((long) field << 3) | 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    private void raw(long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
