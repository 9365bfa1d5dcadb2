package com.ervc.provider.azure;

import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.provider.cloud.CloudProviderVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The voices/list catalogue (docs/providers/azure.md#voice-list): ShortName, Locale, Gender and StyleList per voice. */
public final class AzureVoices {
  /** One voice as synthesis needs it. */
  public record Entry(String shortName, String displayName, String locale, String gender, Set<String> styles) {
  }

  static final String PREFERRED_DEFAULT = "en-US-JennyNeural";
  private final Map<String, Entry> byName;

  private AzureVoices(Map<String, Entry> byName) {
    this.byName = byName;
  }

  /** Reads the JSON array leniently: entries without ShortName or Locale are skipped; StyleList may be absent. */
  public static AzureVoices parse(JsonArray list) {
    Map<String, Entry> voices = new LinkedHashMap<>();
    for (Object item : list) {
      if (!(item instanceof JsonObject v) || !(v.getValue("ShortName") instanceof String name)
          || !(v.getValue("Locale") instanceof String locale)) {
        continue;
      }
      Set<String> styles = new HashSet<>();
      if (v.getValue("StyleList") instanceof JsonArray styleList) {
        styleList.forEach(s -> styles.add(String.valueOf(s)));
      }
      String display = v.getValue("DisplayName") instanceof String d ? d : name;
      String gender = CloudProviderVerticle.genderCode(v.getValue("Gender") instanceof String g ? g : null);
      voices.put(name, new Entry(name, display, locale, gender, Set.copyOf(styles)));
    }
    return new AzureVoices(voices);
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  public Entry get(String shortName) {
    return byName.get(shortName);
  }

  public String defaultVoice() {
    return byName.containsKey(PREFERRED_DEFAULT) ? PREFERRED_DEFAULT : byName.keySet().iterator().next();
  }

  /**
   * docs/providers/azure.md#tiers-and-emotion: the high tier uses the voice's HD variant when the catalogue has one (en-US-AvaNeural →
   * en-US-Ava:DragonHDLatestNeural), with that variant's own styles; otherwise the voice itself.
   */
  public Entry forTier(String shortName, QualityTier tier) {
    Entry voice = byName.get(shortName);
    if (tier == QualityTier.HIGH && shortName.endsWith("Neural") && !shortName.contains(":")) {
      Entry hd = byName.get(shortName.substring(0, shortName.length() - "Neural".length()) + ":DragonHDLatestNeural");
      if (hd != null) {
        return hd;
      }
    }
    return voice;
  }

  public List<ProviderInfo.Voice> voices() {
    return byName.values().stream().map(e -> new ProviderInfo.Voice(e.shortName(), e.displayName(), e.locale(), e.gender())).toList();
  }
}
