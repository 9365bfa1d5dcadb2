package com.ervc.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the matrix cells from what the operator asked for and what the cluster offers. Empty lists mean the
 * defaults: every provider that offers voices; for each its default voice (else its first English voice, else its
 * first voice); and of the default emotions those the provider supports. A voice is named {@code provider:voice},
 * or by id alone for every chosen provider that offers it. Neutral is spoken once per voice and tier (intensity
 * does not apply to it); each other emotion once per intensity. The speed and pitch axis is spoken in neutral
 * only: one more neutral cell per combination of {@code speeds} and {@code pitches} other than (1, 0), pitches
 * other than 0 only for providers that support pitch ({@code pitch} in {@code GET /api/v1/providers}).
 */
final class Matrix {
  private Matrix() {
  }

  static final List<String> DEFAULT_EMOTIONS = List.of("neutral", "happy", "sad", "angry");

  /** @param emotions empty for the defaults each provider supports */
  static List<MatrixCell> cells(ServiceClient.Offer offer, List<String> providers, List<String> voices,
      List<String> emotions, List<Double> intensities, List<String> tiers, List<Double> speeds,
      List<Double> pitches) {
    List<ServiceClient.Voice> offered = offer.voices();
    Set<String> chosenProviders = new LinkedHashSet<>(providers);
    if (chosenProviders.isEmpty()) {
      offered.forEach(v -> chosenProviders.add(v.provider()));
    }
    List<ServiceClient.Voice> chosenVoices = new ArrayList<>();
    for (String provider : chosenProviders) {
      List<ServiceClient.Voice> own = offered.stream().filter(v -> v.provider().equals(provider)).toList();
      if (own.isEmpty()) {
        throw new IllegalArgumentException("provider '" + provider + "' offers no voices in this cluster (offered: "
            + offered.stream().map(ServiceClient.Voice::provider).distinct().toList() + ")");
      }
      if (voices.isEmpty()) {
        chosenVoices.add(own.stream().filter(ServiceClient.Voice::isDefault).findFirst()
            .or(() -> own.stream().filter(v -> Corpus.primary(v.language()).equals("en")).findFirst())
            .orElse(own.get(0)));
        continue;
      }
      for (String wanted : voices) {
        int colon = wanted.indexOf(':');
        String voiceProvider = colon < 0 ? provider : wanted.substring(0, colon);
        String id = colon < 0 ? wanted : wanted.substring(colon + 1);
        if (voiceProvider.equals(provider)) {
          own.stream().filter(v -> v.id().equals(id)).findFirst().ifPresent(chosenVoices::add);
        }
      }
    }
    for (String wanted : voices) {
      boolean found = chosenVoices.stream().anyMatch(v -> wanted.equals(v.id())
          || wanted.equals(v.provider() + ":" + v.id()));
      if (!found) {
        throw new IllegalArgumentException("voice '" + wanted + "' is not offered by the chosen providers "
            + chosenProviders);
      }
    }
    List<MatrixCell> cells = new ArrayList<>();
    for (ServiceClient.Voice voice : chosenVoices) {
      for (String tier : tiers) {
        List<String> supported = offer.emotions().getOrDefault(voice.provider(), List.of());
        List<String> chosenEmotions = !emotions.isEmpty() ? emotions
            : DEFAULT_EMOTIONS.stream().filter(e -> e.equals("neutral") || supported.contains(e)).toList();
        for (String emotion : chosenEmotions) {
          String e = emotion.toLowerCase(Locale.ROOT);
          if (e.equals("neutral")) {
            cells.add(new MatrixCell(voice.provider(), voice.id(), voice.language(), e, 0, tier));
            for (double speed : speeds) {
              for (double pitch : pitches) {
                boolean pitchOffered = pitch == 0 || offer.pitchProviders().contains(voice.provider());
                if ((speed != 1 || pitch != 0) && pitchOffered) {
                  cells.add(new MatrixCell(voice.provider(), voice.id(), voice.language(), e, 0, tier, speed, pitch));
                }
              }
            }
            continue;
          }
          for (double intensity : intensities) {
            cells.add(new MatrixCell(voice.provider(), voice.id(), voice.language(), e, intensity, tier));
          }
        }
      }
    }
    return cells;
  }
}
