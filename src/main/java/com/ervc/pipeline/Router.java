package com.ervc.pipeline;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the provider instance and voice for a reply from the live load reports (docs/routing.md).
 * <p>
 * Eligible: the provider is allowed (the one the request names; for {@code auto} the configured default, then,
 * with provider switching on or a default of {@code auto}, any other; for a voice profile's request, the providers of
 * its {@code alternatives}, each with its own voice, in their order) × offers the voice (when one is asked for),
 * and the tier and the emotion (preferred: only when no allowed provider offers them does one that does not
 * serve) × is healthy (available, circuit closed: not open, nor half-open awaiting its probe) × is below capacity × was not excluded
 * (it already failed this reply). Among the eligible instances of the first allowed provider that has any, the
 * lowest {@link #score} wins.
 */
public final class Router {
  /** Assumed time to first audio of an instance that has not measured one yet. */
  static final double UNMEASURED_TTFA_MS = 50;

  /**
   * A route, or why there is none: {@code full} means instances that could serve it exist but all are at
   * capacity, which is worth a short wait.
   */
  public record Result(Route route, SpeechException error, boolean full) {
    Route orThrow() {
      if (route == null) {
        throw error;
      }
      return route;
    }
  }

  private final String configuredDefault;
  private final boolean switchingEnabled;

  public Router(String configuredDefault, boolean switchingEnabled) {
    this.configuredDefault = configuredDefault;
    this.switchingEnabled = switchingEnabled;
  }

  /**
   * Expected time to first audio in ms given load: {@code ttfa × (1 + queueDepth) × (1 + inFlight / capacity)
   * / (1 − min(errorRate, 0.9))}, where {@code ttfa} is the instance's recent EWMA ({@link #UNMEASURED_TTFA_MS}
   * before it has one): requests waiting for a worker each add about one synthesis, the share of capacity in use
   * stands for contention, and a failing instance costs retries.
   */
  public static double score(ProviderLoad load) {
    double ttfa = load.ttfaEwmaMs() < 0 ? UNMEASURED_TTFA_MS : load.ttfaEwmaMs();
    double used = load.capacity() <= 0 ? 1 : load.inFlight() / (double) load.capacity();
    return ttfa * (1 + load.queueDepth()) * (1 + used) / (1 - Math.min(load.errorRate(), 0.9));
  }

  /**
   * The route for {@code request}. {@code sticky}, when given (failover), keeps the reply on its provider and
   * voice if any instance of it is left, else on the voice if another provider offers it (a voice profile's
   * request: else on the next of its alternatives).
   */
  public Result pick(TtsRequest request, List<ProviderLoad> live, Set<String> excluded, Route sticky) {
    // Plain loops rather than streams here and below: this runs for every reply, cache hits included, and the
    // stream pipelines showed in the cache-hit profile (docs/performance.md).
    List<ProviderLoad> usable = new ArrayList<>(live.size());
    for (ProviderLoad l : live) {
      if (!excluded.contains(l.instanceId()) && l.info().available() && "closed".equals(l.circuit())) {
        usable.add(l);
      }
    }
    List<VoiceChoice> choices = choices(request, sticky, usable);
    // Tier and emotion are preferences: when no allowed provider offers them, one that does not serves the
    // request at its own tier and neutrally (as a provider always did). The voice is a requirement.
    Result found = best(choices, usable, request, true);
    if (found == null) {
      found = best(choices, usable, request, false);
    }
    if (found != null) {
      return found;
    }
    String voice = request.voice();
    if (!TtsRequest.AUTO.equals(request.provider()) && usable.stream().noneMatch(l -> l.name().equals(request.provider()))) {
      return noRoute("provider '" + request.provider() + "' is not running", usable);
    }
    if (voice != null && usable.stream().noneMatch(l -> choices.stream()
        .anyMatch(c -> c.provider().equals(l.name()) && (c.voice() == null || l.info().hasVoice(c.voice()))))) {
      return new Result(null, new SpeechException(ErrorCode.INVALID_REQUEST,
          "no running provider offers voice '" + voice + "'"), false);
    }
    if (usable.isEmpty()) {
      return noRoute("no provider is running", usable);
    }
    if (!switchingEnabled && TtsRequest.AUTO.equals(request.provider()) && !TtsRequest.AUTO.equals(configuredDefault)
        && usable.stream().noneMatch(l -> l.name().equals(configuredDefault))) {
      return noRoute("the default provider '" + configuredDefault + "' is not running and provider switching is off",
          usable);
    }
    return noRoute("no running provider can serve this request", usable);
  }

  /** The best route of the first of {@code choices} with a capable instance, a "full" result, or null when none is capable. */
  private static Result best(List<VoiceChoice> choices, List<ProviderLoad> usable, TtsRequest request,
                             boolean strict) {
    boolean sawFull = false;
    for (VoiceChoice choice : choices) {
      String voice = choice.voice();
      boolean capable = false;
      ProviderLoad best = null;
      double bestScore = 0;
      for (ProviderLoad l : usable) {
        if (!l.name().equals(choice.provider()) || !offers(l.info(), request, voice, strict)) {
          continue;
        }
        capable = true;
        double score = score(l);
        // The first of equal scores wins, in the order of the live view.
        if (l.inFlight() < l.capacity() && (best == null || Double.compare(score, bestScore) < 0)) {
          best = l;
          bestScore = score;
        }
      }
      if (best != null) {
        return new Result(new Route(best.name(), best.instanceId(), best.nodeId(), best.address(),
            voice != null ? voice : best.info().defaultVoice()), null, false);
      }
      sawFull |= capable;
    }
    return sawFull ? new Result(null, new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
        "every provider instance that can serve this request is at capacity"), true) : null;
  }

  /**
   * The provider and voice pairs allowed, in order of preference. A request with {@code alternatives} (a voice
   * profile's voices) has exactly those, with the sticky route's pair first; otherwise the allowed providers
   * ({@link #chain}) with the voice asked for, except that the sticky route's provider keeps its voice.
   */
  private List<VoiceChoice> choices(TtsRequest request, Route sticky, List<ProviderLoad> usable) {
    List<VoiceChoice> choices = new ArrayList<>();
    if (!request.alternatives().isEmpty()) {
      VoiceChoice kept = sticky == null ? null : new VoiceChoice(sticky.provider(), sticky.voice());
      if (kept != null && request.alternatives().contains(kept)) {
        choices.add(kept);
      }
      for (VoiceChoice choice : request.alternatives()) {
        if (!choice.equals(kept)) {
          choices.add(choice);
        }
      }
      return choices;
    }
    for (String provider : chain(request, sticky, usable)) {
      // Another provider cannot keep the voice; it keeps the one asked for, or uses its own default.
      choices.add(new VoiceChoice(provider,
          sticky != null && sticky.provider().equals(provider) ? sticky.voice() : request.voice()));
    }
    return choices;
  }

  /** The providers allowed, in order of preference. */
  private List<String> chain(TtsRequest request, Route sticky, List<ProviderLoad> usable) {
    String first = sticky != null ? sticky.provider()
        : !TtsRequest.AUTO.equals(request.provider()) ? request.provider() : configuredDefault;
    boolean onlyFirst = !TtsRequest.AUTO.equals(request.provider())
        || !switchingEnabled && !TtsRequest.AUTO.equals(configuredDefault);
    if (onlyFirst) {
      return List.of(first);
    }
    // The first choice, then every other running provider by name.
    List<String> chain = new ArrayList<>();
    if (!TtsRequest.AUTO.equals(first)) {
      chain.add(first);
    }
    Set<String> names = new TreeSet<>();
    for (ProviderLoad l : usable) {
      names.add(l.name());
    }
    for (String name : names) {
      if (!TtsRequest.AUTO.equals(name) && !name.equals(first)) {
        chain.add(name);
      }
    }
    return chain;
  }

  private static boolean offers(ProviderInfo info, TtsRequest request, String voice, boolean strict) {
    return (voice == null || info.hasVoice(voice)) && (!strict
        || info.qualityTiers().contains(request.quality().wire()) && info.emotions().contains(request.emotion().wire()));
  }

  private static Result noRoute(String why, List<ProviderLoad> usable) {
    String running = usable.stream().map(ProviderLoad::name).distinct().reduce((a, b) -> a + ", " + b).orElse("none");
    return new Result(null, new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, why + " (running: " + running + ")"),
        false);
  }
}
