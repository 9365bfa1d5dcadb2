package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fixed statement a speaker reads and confirms before a profile is made from their voice, per language. Its
 * wording follows what the vendors ask for (Azure personal voice: the speaker names themselves and says who will
 * use recordings of their voice), so the same recording can later serve as the vendors' consent audio.
 */
public final class ConsentStatement {
  private static final String SPEAKER = "{speaker}";
  private static final Map<String, String> TEXTS = Map.of(
      "en", "I, " + SPEAKER + ", am aware that recordings of my voice will be used by this service to create and use "
          + "a synthetic version of my voice. I can withdraw this consent at any time by deleting the voice profile.",
      "de", "Ich, " + SPEAKER + ", bin mir bewusst, dass Aufnahmen meiner Stimme von diesem Dienst verwendet werden, "
          + "um eine synthetische Version meiner Stimme zu erstellen und zu verwenden. Ich kann diese Einwilligung "
          + "jederzeit widerrufen, indem ich das Stimmprofil lösche.",
      "fr", "Je, " + SPEAKER + ", suis conscient(e) que des enregistrements de ma voix seront utilisés par ce service "
          + "pour créer et utiliser une version synthétique de ma voix. Je peux retirer ce consentement à tout moment "
          + "en supprimant le profil vocal.",
      "es", "Yo, " + SPEAKER + ", soy consciente de que este servicio utilizará grabaciones de mi voz para crear y "
          + "usar una versión sintética de mi voz. Puedo retirar este consentimiento en cualquier momento eliminando "
          + "el perfil de voz.");

  private ConsentStatement() {
  }

  /** The languages a statement exists for (the primary subtag of a BCP-47 tag). */
  public static Set<String> languages() {
    return TEXTS.keySet();
  }

  /** The statement {@code speakerName} reads for {@code language} (a BCP-47 tag; its primary subtag decides). */
  public static String text(String language, String speakerName) {
    String primary = language == null ? "" : language.split("-", 2)[0].toLowerCase(Locale.ROOT);
    String text = TEXTS.get(primary);
    if (text == null) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST, "there is no consent statement in language '" + language
          + "'; use one of " + String.join(", ", languages().stream().sorted().toList()));
    }
    return text.replace(SPEAKER, Text.safe("consent.speakerName", speakerName, VoiceProfile.MAX_NAME_CHARS));
  }
}
