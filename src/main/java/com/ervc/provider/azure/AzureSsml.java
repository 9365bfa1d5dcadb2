package com.ervc.provider.azure;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.cloud.EmotionScale;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the SSML body of an Azure synthesis (docs/providers/azure.md#ssml, #tiers-and-emotion): the text XML-escaped, the
 * emotion as the first {@code mstts:express-as} style of its fallback chain that the voice's StyleList has (with
 * {@code styledegree} from intensity), else expressed with prosody only; speed and pitch as prosody.
 */
public final class AzureSsml {
  /** docs/providers/azure.md#tiers-and-emotion: the style fallback chain per emotion. */
  static List<String> styleChain(Emotion emotion) {
    return switch (emotion) {
      case NEUTRAL -> List.of();
      case HAPPY -> List.of("cheerful", "friendly", "hopeful");
      case SAD -> List.of("sad", "depressed", "empathetic");
      case ANGRY -> List.of("angry", "unfriendly", "disgruntled", "serious");
      case EXCITED -> List.of("excited", "cheerful", "advertisement_upbeat");
      case CALM -> List.of("calm", "gentle", "narration-relaxed");
      case FEARFUL -> List.of("fearful", "terrified");
      case WHISPER -> List.of("whispering");
    };
  }

  private AzureSsml() {
  }

  /** The style to use, or null when the voice has none of the chain (or the emotion is neutral). */
  static String style(Emotion emotion, Set<String> styleList) {
    return styleChain(emotion).stream().filter(styleList::contains).findFirst().orElse(null);
  }

  /**
   * @param voice     the voice's ShortName
   * @param locale    its Locale, for {@code xml:lang}
   * @param styleList its StyleList from voices/list (empty when it has none)
   */
  public static String build(TtsRequest sentence, String voice, String locale, Set<String> styleList) {
    Emotion emotion = sentence.emotion();
    String style = style(emotion, styleList);
    double rate = EmotionScale.speed(sentence, 0.5, 2.0);
    // Pitch: the request's -1..1 maps to -50%..+50% (Azure's range is 0.5x-1.5x, docs/providers/azure.md#ssml); without a style the
    // emotion adds its own shift (docs/providers/azure.md#tiers-and-emotion).
    double pitchPercent = sentence.pitch() * 50;
    String volume = null;
    if (style == null) {
      pitchPercent += switch (emotion) {
        case HAPPY, EXCITED -> 5 * sentence.intensity() * 2;
        case SAD -> -5 * sentence.intensity() * 2;
        case CALM -> -3;
        default -> 0;
      };
      if (emotion == Emotion.WHISPER) {
        volume = "x-soft";
      }
    }
    pitchPercent = Math.max(-50, Math.min(50, Math.round(pitchPercent)));
    StringBuilder inner = new StringBuilder();
    boolean prosody = rate != 1.0 || pitchPercent != 0 || volume != null;
    if (prosody) {
      inner.append("<prosody rate=\"").append(String.format(Locale.ROOT, "%.2f", rate)).append('"');
      if (pitchPercent != 0) {
        inner.append(" pitch=\"").append(pitchPercent > 0 ? "+" : "").append((long) pitchPercent).append("%\"");
      }
      if (volume != null) {
        inner.append(" volume=\"").append(volume).append('"');
      }
      inner.append('>').append(escape(sentence.text())).append("</prosody>");
    } else {
      inner.append(escape(sentence.text()));
    }
    StringBuilder ssml = new StringBuilder()
        .append("<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" ")
        .append("xmlns:mstts=\"https://www.w3.org/2001/mstts\" xml:lang=\"").append(escape(locale)).append("\">")
        .append("<voice name=\"").append(escape(voice)).append("\">");
    if (style != null) {
      ssml.append("<mstts:express-as style=\"").append(style).append("\" styledegree=\"")
          .append(String.format(Locale.ROOT, "%.2f", styleDegree(sentence.intensity()))).append("\">")
          .append(inner).append("</mstts:express-as>");
    } else {
      ssml.append(inner);
    }
    return ssml.append("</voice></speak>").toString();
  }

  /**
   * A personal voice (docs/providers/azure.md#personal-voice): the base model voice with the speaker profile in
   * {@code mstts:ttsembedding}; speed as prosody. The base models detect the language per sentence, so
   * {@code xml:lang} is only the root's required attribute; they take no {@code express-as} styles.
   */
  public static String personalVoice(TtsRequest sentence, String baseModel, String speakerProfileId) {
    double rate = EmotionScale.speed(sentence, 0.5, 2.0);
    String text = escape(sentence.text());
    String inner = rate == 1.0 ? text
        : "<prosody rate=\"" + String.format(Locale.ROOT, "%.2f", rate) + "\">" + text + "</prosody>";
    return "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
        + "xmlns:mstts=\"http://www.w3.org/2001/mstts\" xml:lang=\"en-US\"><voice name=\"" + escape(baseModel) + "\">"
        + "<mstts:ttsembedding speakerProfileId=\"" + escape(speakerProfileId) + "\">" + inner
        + "</mstts:ttsembedding></voice></speak>";
  }

  /** docs/providers/azure.md#tiers-and-emotion: {@code clamp(round(2 × intensity, 2), 0.01, 2.0)}; 0.5 gives Azure's default 1.0. */
  static double styleDegree(double intensity) {
    return Math.max(0.01, Math.min(2.0, EmotionScale.round2(2 * intensity)));
  }

  /** docs/providers/azure.md#ssml: {@code & < > " '} escaped, so no text can close or open an element. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
