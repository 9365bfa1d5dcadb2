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
 * The cache key of one synthesized sentence, 64 lower-case hex digits: a tag of the provider (8 digits), a tag of
 * the provider's voice (8 digits), then the first 48 digits of a SHA-256 over every input that changes the audio.
 * The tags let an operator evict every entry of a provider or of a voice by key prefix (Redis {@code SCAN MATCH})
 * without an index to keep in step. Numbers are printed with a fixed format so the same request hashes the same on
 * every node and JVM.
 */
public final class CacheKey {
  private static final String VERSION = "v3";
  private static final char SEP = '\u001f';
  private static final int TAG_HEX_DIGITS = 8;
  private static final Cache<Double, String> DECIMALS = Caffeine.newBuilder().maximumSize(1024).build();
  /** Provider and voice → the key's two tags: two more SHA-256 per key otherwise, for the same few voices. */
  private static final Cache<String, String> VOICE_PREFIXES = Caffeine.newBuilder().maximumSize(4096).build();
  /**
   * One SHA-256 digest per thread: {@code MessageDigest.getInstance} looks the algorithm up among the security
   * providers on every call, which showed in the cache-hit profile (docs/performance.md); a digest resets itself
   * after {@code digest()}, and keys are made on a few event-loop threads.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  });

  private CacheKey() {
  }

  /**
   * {@code instructions} are free text (null: none). They are hashed only when present, so keys of requests without them
   * stay what they were and existing entries keep being found.
   */
  public static String of(String provider, String voice, String emotion, double intensity, String quality,
                          double speed, double pitch, int sampleRate, String text, String instructions) {
    return key(provider, voice, voice, emotion, intensity, quality, speed, pitch, sampleRate, text, instructions);
  }

  /**
   * {@code voice} is what the audio is made with (a voice profile's id and version included); {@code baseVoice} is
   * the voice of the key's tag.
   */
  private static String key(String provider, String baseVoice, String voice, String emotion, double intensity,
                            String quality, double speed, double pitch, int sampleRate, String text,
                            String instructions) {
    String canonical = String.join(String.valueOf(SEP), VERSION, provider, voice, emotion, decimal(intensity), quality,
        decimal(speed), decimal(pitch), Integer.toString(sampleRate), text)
        + (instructions == null ? "" : SEP + "instructions" + SEP + instructions);
    String tags = VOICE_PREFIXES.get(provider + SEP + baseVoice, k -> voicePrefix(provider, baseVoice));
    return tags + sha256Hex(canonical, (64 - 2 * TAG_HEX_DIGITS) / 2);
  }

  /** The first digits of every key of {@code provider}'s audio. */
  public static String providerPrefix(String provider) {
    return sha256Hex("provider" + SEP + provider, TAG_HEX_DIGITS / 2);
  }

  /** The first digits of every key of audio in {@code voice} of {@code provider}, its voice profiles' included. */
  public static String voicePrefix(String provider, String voice) {
    return providerPrefix(provider) + sha256Hex(provider + SEP + voice, TAG_HEX_DIGITS / 2);
  }

  /** The first {@code bytes} bytes of the SHA-256 of {@code canonical}, in lower-case hex. */
  private static String sha256Hex(String canonical, int bytes) {
    byte[] digest = SHA256.get().digest(canonical.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, bytes);
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
   * gets audio made from an older version, and other requests keep their keys. Its tag is the voice's own, so
   * evicting a voice evicts what its profiles said too.
   */
  public static String of(TtsRequest sentence) {
    String voice = sentence.profile() == null ? sentence.voice() : sentence.voice() + SEP + sentence.profile();
    return key(sentence.provider(), sentence.voice(), voice, sentence.emotion().wire(), sentence.intensity(),
        sentence.quality().wire(), sentence.speed(), sentence.pitch(), sentence.sampleRate(), sentence.text(),
        sentence.instructions());
  }
}
