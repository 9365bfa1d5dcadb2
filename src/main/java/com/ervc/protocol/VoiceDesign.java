package com.ervc.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a local provider composes voices of its own from what it has installed, as it announces it in its
 * {@link ProviderInfo} (docs/voice-profiles.md#local-voices):
 * <ul>
 *   <li>{@link Kind#VARIANT} (espeak-ng): {@code <voice>+<variant>}, one of the provider's voices with one of the
 *       {@code parts}, espeak-ng's variant files (f3, klatt, whisper, ...);</li>
 *   <li>{@link Kind#BLEND} (Kokoro): {@code <style>:<weight>+<style>:<weight>...}, a weighted mix of two to
 *       {@value #MAX_BLEND} of the {@code parts}, the installed Kokoro style vectors, each weight a positive
 *       number; the mix is normalised by the weights' sum.</li>
 * </ul>
 * A designed voice is spoken only by the provider that announces the design, and refused with the reason when a
 * part is not installed.
 */
public record VoiceDesign(Kind kind, List<String> parts) {
  public static final int MAX_BLEND = 8;
  private static final Pattern WEIGHT = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,4})?");

  public enum Kind {
    VARIANT, BLEND;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(String wire) {
      return valueOf(wire.toUpperCase(Locale.ROOT));
    }
  }

  /** One voice of a blend and its share. */
  public record Term(String style, double weight) {
  }

  public VoiceDesign {
    parts = List.copyOf(parts);
  }

  /** Whether {@code voice} is written in this design's syntax at all (its parts may still be unknown). */
  public boolean looksDesigned(String voice) {
    return voice != null && voice.contains("+");
  }

  /**
   * Why {@code voice} is not a voice of this design on a provider offering {@code voices}; empty when it is one.
   * The reason names the part at fault and what is installed, for the person who wrote the voice.
   */
  public Optional<String> problem(String voice, List<String> voices) {
    try {
      if (kind == Kind.VARIANT) {
        variant(voice, voices);
      } else {
        blend(voice);
      }
      return Optional.empty();
    } catch (SpeechException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The base voice and the variant of a designed espeak-ng voice {@code <voice>+<variant>}; throws
   * {@link SpeechException} ({@code invalid_request}) naming what is wrong.
   */
  public String[] variant(String voice, List<String> voices) {
    int plus = voice.indexOf('+');
    if (plus <= 0 || plus != voice.lastIndexOf('+') || plus == voice.length() - 1) {
      throw invalid("a designed voice is written <voice>+<variant>, such as en-us+f3: '" + voice + "'");
    }
    String base = voice.substring(0, plus);
    String variant = voice.substring(plus + 1);
    if (!voices.contains(base)) {
      throw invalid("'" + base + "' in '" + voice + "' is not an installed voice (see GET /api/v1/voices)");
    }
    if (!parts.contains(variant)) {
      throw invalid("'" + variant + "' in '" + voice + "' is not an installed variant; the variants are "
          + String.join(", ", parts));
    }
    return new String[] {base, variant};
  }

  /**
   * The terms of a blend {@code <style>:<weight>+...} with their weights normalised to sum 1, in the order
   * written; throws {@link SpeechException} ({@code invalid_request}) naming what is wrong.
   */
  public List<Term> blend(String voice) {
    String[] written = voice.split("\\+", -1);
    if (written.length < 2 || written.length > MAX_BLEND) {
      throw invalid("a voice blend mixes 2 to " + MAX_BLEND + " voices, written <voice>:<weight>+<voice>:<weight> "
          + "such as af_bella:2+af_sky:1: '" + voice + "'");
    }
    List<String> names = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String term : written) {
      int colon = term.lastIndexOf(':');
      String name = colon < 0 ? term : term.substring(0, colon);
      String weight = colon < 0 ? "" : term.substring(colon + 1);
      if (!WEIGHT.matcher(weight).matches() || Double.parseDouble(weight) <= 0) {
        throw invalid("each voice of a blend needs a weight above 0 (up to 999.9999), written <voice>:<weight>: '"
            + term + "' in '" + voice + "'");
      }
      if (!parts.contains(name)) {
        throw invalid("'" + name + "' in '" + voice + "' is not an installed voice that can be blended; they are "
            + String.join(", ", parts));
      }
      if (!seen.add(name)) {
        throw invalid("'" + name + "' appears twice in the blend '" + voice + "'; give it one weight");
      }
      names.add(name);
      weights.add(Double.parseDouble(weight));
    }
    double sum = weights.stream().mapToDouble(Double::doubleValue).sum();
    List<Term> terms = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      terms.add(new Term(names.get(i), weights.get(i) / sum));
    }
    return List.copyOf(terms);
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.wire()).put("parts", new JsonArray(parts));
  }

  /** The design in a directory entry, or null when there is none (or an older node wrote it). */
  static VoiceDesign fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    Kind kind;
    try {
      kind = Kind.parse(json.getString("kind", ""));
    } catch (IllegalArgumentException e) {
      return null; // a kind a newer node knows: its designed voices are not routed here
    }
    List<String> parts = new ArrayList<>();
    json.getJsonArray("parts", new JsonArray()).forEach(p -> parts.add(String.valueOf(p)));
    return new VoiceDesign(kind, parts);
  }

  private static SpeechException invalid(String message) {
    return new SpeechException(ErrorCode.INVALID_REQUEST, message);
  }
}
