package com.ervc.quality;

import com.ervc.config.QualityConfig;
import com.ervc.eval.Corpus;
import com.ervc.eval.CorpusLine;
import com.ervc.protocol.ProviderInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which voices of a provider one quality run checks, and with which lines ({@code quality.voices},
 * {@code quality.maxVoicesPerProvider}): the selected voices that have a line in their language, at most the
 * maximum per run; the default voice (when selected) every run, the others in turn, so successive runs cover every
 * selected voice at a bounded cost per run. Not thread-safe: the monitor uses it from its own context.
 */
final class VoiceSelection {
  /** One voice to check and the lines it speaks. */
  record Check(String voice, List<CorpusLine> lines) {
  }

  private final List<String> selectors;
  private final int maxPerProvider;
  private final List<CorpusLine> lines;
  /** Per provider, where the turn of its other voices continues next run. */
  private final Map<String, Integer> next = new HashMap<>();

  VoiceSelection(QualityConfig config, List<CorpusLine> lines) {
    this.selectors = config.voices();
    this.maxPerProvider = config.maxVoicesPerProvider();
    this.lines = lines;
  }

  /** This run's checks of {@code provider}; advances its turn. */
  List<Check> next(ProviderInfo provider) {
    Map<String, List<CorpusLine>> selected = new LinkedHashMap<>();
    for (ProviderInfo.Voice voice : provider.voices()) {
      if (selects(provider, voice.id())) {
        List<CorpusLine> spoken = linesFor(voice.language());
        if (!spoken.isEmpty()) {
          selected.put(voice.id(), spoken);
        }
      }
    }
    List<Check> checks = new ArrayList<>();
    List<CorpusLine> ofDefault = selected.remove(provider.defaultVoice());
    if (ofDefault != null) {
      checks.add(new Check(provider.defaultVoice(), ofDefault));
    }
    List<String> others = List.copyOf(selected.keySet());
    int room = Math.min(maxPerProvider - checks.size(), others.size());
    int start = others.isEmpty() ? 0 : next.getOrDefault(provider.name(), 0) % others.size();
    for (int i = 0; i < room; i++) {
      String voice = others.get((start + i) % others.size());
      checks.add(new Check(voice, selected.get(voice)));
    }
    next.put(provider.name(), start + room);
    return checks;
  }

  private boolean selects(ProviderInfo provider, String voice) {
    return selectors.stream().anyMatch(s -> s.equals(QualityConfig.EVERY_VOICE)
        || s.equals(QualityConfig.DEFAULT_VOICE) && voice.equals(provider.defaultVoice())
        || s.equals(provider.name() + ":*") || s.equals(provider.name() + ":" + voice));
  }

  /** The lines sharing the voice's primary language; all of them when the voice's language is not known. */
  private List<CorpusLine> linesFor(String language) {
    if (language == null || language.isBlank()) {
      return lines;
    }
    String primary = Corpus.primary(language);
    return lines.stream().filter(l -> l.primaryLanguage().equals(primary)).toList();
  }
}
