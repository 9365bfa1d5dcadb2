package com.ervc.quality;

import com.ervc.config.QualityConfig;
import com.ervc.eval.CorpusLine;
import com.ervc.protocol.ProviderInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which voices a quality run checks: the selectors, the voices' languages, and the bounded turn of the others. */
class VoiceSelectionTest {
  private static final CorpusLine BIRCH = new CorpusLine("h01", "harvard", "en", "The birch canoe slid on the smooth planks.");
  private static final CorpusLine GERMAN = new CorpusLine("f01", "foreign", "de", "Guten Morgen, wie geht es dir?");
  private static final ProviderInfo ESPEAK = provider("espeak", "en-us", List.of(
      new ProviderInfo.Voice("de", "German", "de", "male"),
      new ProviderInfo.Voice("en-029", "English (Caribbean)", "en-029", "male"),
      new ProviderInfo.Voice("en-gb", "English (Great Britain)", "en-gb", "male"),
      new ProviderInfo.Voice("en-us", "English (America)", "en-US", "male"),
      new ProviderInfo.Voice("en-gb-scotland", "English (Scotland)", "en-gb-scotland", "male")));

  private static ProviderInfo provider(String name, String defaultVoice, List<ProviderInfo.Voice> voices) {
    return new ProviderInfo(name, "node-1", true, defaultVoice, voices, List.of("neutral"), List.of("balanced"), true,
        false, 22_050, "test");
  }

  private static VoiceSelection selection(List<String> voices, int max, List<CorpusLine> lines) {
    return new VoiceSelection(new QualityConfig(true, 60, lines.stream().map(CorpusLine::id).toList(), "none", voices,
        max), lines);
  }

  private static List<String> voices(List<VoiceSelection.Check> checks) {
    return checks.stream().map(VoiceSelection.Check::voice).toList();
  }

  @Test
  void everyVoiceInTheLinesLanguageTakesItsTurnBesideTheDefaultOneEveryRun() {
    VoiceSelection selection = selection(List.of("*"), 2, List.of(BIRCH));

    assertEquals(List.of("en-us", "en-029"), voices(selection.next(ESPEAK)));
    assertEquals(List.of("en-us", "en-gb"), voices(selection.next(ESPEAK)));
    assertEquals(List.of("en-us", "en-gb-scotland"), voices(selection.next(ESPEAK)));
    assertEquals(List.of("en-us", "en-029"), voices(selection.next(ESPEAK)), "round again; German has no line");
    assertEquals(List.of("en-us", "en-029", "en-gb", "en-gb-scotland"),
        voices(selection(List.of("*"), 10, List.of(BIRCH)).next(ESPEAK)), "all of them when the bound allows");
  }

  @Test
  void eachVoiceSpeaksTheLinesOfItsLanguage() {
    List<VoiceSelection.Check> checks = selection(List.of("espeak:de", "espeak:en-gb"), 3, List.of(BIRCH, GERMAN))
        .next(ESPEAK);

    assertEquals(List.of(new VoiceSelection.Check("de", List.of(GERMAN)),
        new VoiceSelection.Check("en-gb", List.of(BIRCH))), checks, "the default voice was not selected");
    ProviderInfo cloud = provider("elevenlabs", "v1", List.of(new ProviderInfo.Voice("v1", "Rachel", null, null)));
    assertEquals(List.of(new VoiceSelection.Check("v1", List.of(BIRCH, GERMAN))),
        selection(List.of("default"), 3, List.of(BIRCH, GERMAN)).next(cloud), "no language: every line");
  }

  @Test
  void selectorsNameDefaultVoicesProvidersOrSingleVoices() {
    assertEquals(List.of("en-us"), voices(selection(List.of("default"), 3, List.of(BIRCH)).next(ESPEAK)));
    assertEquals(List.of(), voices(selection(List.of("onnx:*", "espeak:no-such"), 3, List.of(BIRCH)).next(ESPEAK)));
    assertEquals(List.of("en-us", "en-029"), voices(selection(List.of("espeak:*"), 2, List.of(BIRCH)).next(ESPEAK)));
    assertEquals(List.of("en-gb"), voices(selection(List.of("espeak:en-gb"), 1, List.of(BIRCH)).next(ESPEAK)));
  }
}
