package com.ervc.admin;

import com.ervc.protocol.BusMessage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One node's live tail for the admin console: while an operator has it on, messages delivered on this node to the
 * chosen catalogue addresses are sampled into a small buffer the console reads. Built so that turning it on cannot
 * hurt the node: off by default (one volatile read per message then), at most {@value #MAX_PER_SECOND} samples a
 * second (the rest are only counted as dropped), at most {@value #CAPACITY} kept (the oldest go), and it turns
 * itself off after its duration. Bodies are redacted: audio and other binary bodies are never shown, only their
 * length; text fields ({@code text}, {@code previousText}, {@code sentence}, … see {@link #TEXT_KEY}) only when the
 * operator asked for text for this tail (an audited choice). Thread-safe.
 */
public final class BusTail {
  static final int MAX_PER_SECOND = 20;
  static final int CAPACITY = 200;
  static final long MAX_DURATION_MS = 30 * 60_000L;
  /** Keys whose string values are a user's text. */
  static final Pattern TEXT_KEY = Pattern.compile("(?i).*(text|sentence|input|instruction|prompt|transcript).*");

  /** What an operator turned on: the folded addresses, whether text shows, and until when. */
  private record Settings(Set<String> addresses, boolean showText, long untilMs) {
  }

  private final LongSupplier clock;
  /** Counts each message the tail took ({@code kept}) or skipped for the rate cap ({@code dropped}). */
  private final BiConsumer<String, Long> counted;
  private final Deque<JsonObject> samples = new ArrayDeque<>();
  private volatile Settings settings;
  private long second = -1;
  private int inSecond;
  private long seq;
  private long kept;
  private long dropped;

  public BusTail(LongSupplier clock, BiConsumer<String, Long> counted) {
    this.clock = clock;
    this.counted = counted;
  }

  /**
   * Turns the tail on for {@code addresses} (catalogue addresses, as {@link BusMessage#fold} names them) for
   * {@code durationMs} (at most {@value #MAX_DURATION_MS}), replacing any earlier choice and emptying the buffer.
   */
  public synchronized void start(List<String> addresses, boolean showText, long durationMs) {
    samples.clear();
    settings = new Settings(Set.copyOf(addresses), showText,
        clock.getAsLong() + Math.max(1, Math.min(durationMs, MAX_DURATION_MS)));
  }

  public synchronized void stop() {
    settings = null;
    samples.clear();
  }

  /** Offers one message delivered on this node; the cheap no-op while the tail is off (the body is read only when kept). */
  public void offer(String address, MultiMap headers, Supplier<Object> body) {
    Settings on = settings;
    if (on == null) {
      return;
    }
    String folded = BusMessage.fold(address);
    if (!on.addresses().contains(folded)) {
      return;
    }
    long now = clock.getAsLong();
    synchronized (this) {
      if (settings != on) {
        return;
      }
      if (now > on.untilMs()) {
        settings = null;
        return;
      }
      if (now / 1000 != second) {
        second = now / 1000;
        inSecond = 0;
      }
      if (inSecond >= MAX_PER_SECOND) {
        dropped++;
        counted.accept("dropped", 1L);
        return;
      }
      inSecond++;
      kept++;
      if (samples.size() == CAPACITY) {
        samples.removeFirst();
      }
      samples.addLast(new JsonObject().put("seq", ++seq).put("at", Instant.ofEpochMilli(now).toString())
          .put("address", address).put("catalogue", folded).put("type", headers.get("type"))
          .put("body", redact(body.get(), on.showText())));
    }
    counted.accept("kept", 1L);
  }

  /** The tail's state and its samples, oldest first: {@code on}, {@code addresses}, {@code showText}, counts. */
  public synchronized JsonObject snapshot() {
    Settings on = settings;
    if (on != null && clock.getAsLong() > on.untilMs()) {
      settings = on = null;
    }
    JsonObject out = new JsonObject().put("on", on != null).put("kept", kept).put("dropped", dropped)
        .put("samples", new JsonArray(List.copyOf(samples)));
    if (on != null) {
      out.put("addresses", new JsonArray(on.addresses().stream().sorted().toList())).put("showText", on.showText())
          .put("until", Instant.ofEpochMilli(on.untilMs()).toString());
    }
    return out;
  }

  /** A body as the console may show it: binary only as its length, text fields only with {@code showText}. */
  static Object redact(Object body, boolean showText) {
    // A bare string body is not in the catalogue: it may be anything, so it counts as text.
    return body instanceof String s ? (showText ? s : "[text, " + s.length() + " chars]") : value(body, showText);
  }

  /** A value under a text key, with every string in it hidden (a list of sentences is text too). */
  private static Object hidden(Object text) {
    if (text instanceof String s) {
      return "[text, " + s.length() + " chars]";
    }
    if (text instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(hidden(v)));
      return out;
    }
    if (text instanceof JsonObject json) {
      JsonObject out = new JsonObject();
      json.forEach(e -> out.put(e.getKey(), hidden(e.getValue())));
      return out;
    }
    return value(text, false);
  }

  /** A value inside a body: strings pass unless under a text key; binary never does. */
  private static Object value(Object body, boolean showText) {
    if (body instanceof Buffer buffer) {
      return "[binary, " + buffer.length() + " bytes]";
    }
    if (body instanceof byte[] bytes) {
      return "[binary, " + bytes.length + " bytes]";
    }
    if (body instanceof JsonObject json) {
      JsonObject out = new JsonObject();
      json.forEach(e -> out.put(e.getKey(), !showText && TEXT_KEY.matcher(e.getKey()).matches()
          ? hidden(e.getValue()) : value(e.getValue(), showText)));
      return out;
    }
    if (body instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(value(v, showText)));
      return out;
    }
    return body instanceof String || body instanceof Number || body instanceof Boolean || body == null ? body : "["
        + body.getClass()
        .getSimpleName() + "]";
  }
}
