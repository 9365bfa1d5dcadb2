package com.ervc.cache;

import com.ervc.protocol.TtsRequest;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The cache key of one synthesized sentence: SHA-256 over every input that changes the audio. Numbers are
 * printed with a fixed format so the same request hashes the same on every node and JVM.
 */
public final class CacheKey {
  private static final String VERSION = "v2";
  private static final char SEP = '\u001f';
  private static final Cache<Double, String> DECIMALS = Caffeine.newBuilder().maximumSize(1024).build();

  private CacheKey() {
  }

  /**
   * {@code instructions} are free text (null: none). They are hashed only when present, so keys of requests without them
   * stay what they were and existing entries keep being found.
   */
  public static String of(String provider, String voice, String emotion, double intensity, String quality,
                          double speed, double pitch, int sampleRate, String text, String instructions) {
    String canonical = String.join(String.valueOf(SEP), VERSION, provider, voice, emotion, decimal(intensity), quality,
        decimal(speed), decimal(pitch), Integer.toString(sampleRate), text)
        + (instructions == null ? "" : SEP + "instructions" + SEP + instructions);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * {@code value} with three decimals. The formatter parses its pattern and looks up the locale's symbols on every
   * call, which showed in the cache-hit profile (docs/performance.md); requests use a handful of values (speed,
   * pitch, intensity), so each one's text is kept, exactly as the formatter printed it, in a bounded cache.
   */
  private static String decimal(double value) {
    return DECIMALS.get(value, v -> String.format(Locale.ROOT, "%.3f", v));
  }

  /**
   * Key of a single-sentence request whose provider and voice are already resolved. A sentence spoken with a voice
   * profile adds the profile's id and version ({@code <id>@<version>}) to the voice, so an updated profile never
   * gets audio made from an older version, and other requests keep their keys.
   */
  public static String of(TtsRequest sentence) {
    String voice = sentence.profile() == null ? sentence.voice() : sentence.voice() + SEP + sentence.profile();
    return of(sentence.provider(), voice, sentence.emotion().wire(), sentence.intensity(),
        sentence.quality().wire(), sentence.speed(), sentence.pitch(), sentence.sampleRate(), sentence.text(),
        sentence.instructions());
  }
}
