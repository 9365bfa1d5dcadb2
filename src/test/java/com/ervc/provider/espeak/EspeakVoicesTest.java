package com.ervc.provider.espeak;

import com.ervc.protocol.ProviderInfo.Voice;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EspeakVoicesTest {

  /**
   * Verbatim lines of {@code espeak-ng --voices} (eSpeak NG 1.51), trailing blanks included. Long names overflow
   * their column, so the parser must split on whitespace, not fixed widths.
   */
  private static final String LISTING = String.join("\n",
      "Pty Language       Age/Gender VoiceName          File                 Other Languages",
      " 5  af              --/M      Afrikaans          gmw/af               ",
      " 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)",
      " 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)",
      " 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)",
      " 5  en-us-nyc       --/M      English_(America,_New_York_City) gmw/en-US-nyc        ",
      "");

  @Test
  void parsesEveryVoiceLineAndSkipsTheHeader() {
    assertEquals(List.of(
            new Voice("af", "Afrikaans", "af", "M"),
            new Voice("cmn", "Chinese (Mandarin, latin as English)", "cmn", "M"),
            new Voice("en-gb", "English (Great Britain)", "en-gb", "M"),
            new Voice("en-us", "English (America)", "en-us", "M"),
            new Voice("en-us-nyc", "English (America, New York City)", "en-us-nyc", "M")),
        EspeakVoices.parse(LISTING));
  }

  @Test
  void windowsLineEndingsParseTheSame() {
    assertEquals(EspeakVoices.parse(LISTING), EspeakVoices.parse(LISTING.replace("\n", "\r\n")));
  }

  @Test
  void emptyOrHeaderOnlyListingHasNoVoices() {
    assertEquals(List.of(), EspeakVoices.parse(""));
    assertEquals(List.of(), EspeakVoices.parse(LISTING.lines().findFirst().orElseThrow()));
  }

  @Test
  void variantsAreTheFileNamesThatCanBeWrittenInAVoiceId() {
    // Verbatim lines of espeak-ng --voices=variant (eSpeak NG 1.51).
    String listing = String.join("\n",
        "Pty Language       Age/Gender VoiceName          File                 Other Languages",
        " 5  variant         --/M      Alex               !v/Alex              ",
        " 5  variant         --/M      Mr_Serious         !v/Mr serious        ",
        " 5  variant         --/M      Storm              !v/Storm             (en-us 5)",
        " 5  variant         --/F      female3            !v/f3                ",
        " 5  variant         --/M      klatt              !v/klatt             ",
        " 5  af              --/M      Afrikaans          gmw/af               ",
        "");
    assertEquals(List.of("Alex", "Storm", "f3", "klatt"), EspeakVoices.parseVariants(listing));
  }
}
