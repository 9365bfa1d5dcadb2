package com.ervc.provider;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import java.util.UUID;

/**
 * What a provider instance does with a message on its addresses, decided from the message type header and the
 * body alone (no Vert.x): free a reply's slot, cancel a stream, refuse (with the failure code and reason), or run
 * an admitted sentence, streamed or answered whole, or check a provider that answers probes without audio. Checks, in this order: stopping, message type, availability,
 * the request itself and the voice, the circuit breaker, admission. Admitting takes the slot; docs/event-bus.md
 * lists the failures.
 */
final class ProviderIntake {
  sealed interface Decision {
  }

  /** Fail the message with {@code code}'s status. */
  record Refuse(ErrorCode code, String message) implements Decision {
  }

  /** A reply's slot was freed ({@code reply-done}). */
  record SlotFreed() implements Decision {
  }

  /** Stop the stream the pipeline gave up. */
  record Cancel(ProviderMessage.Cancel cancel) implements Decision {
  }

  /** Run {@code sentence} (provider and voice resolved) for {@code reply}; {@code streamed} is null for a probe. */
  record Run(TtsRequest sentence, String reply, ProviderMessage.Sentence streamed) implements Decision {
  }

  /**
   * Answer a probe by checking the provider without synthesizing (a provider whose every synthesis is billed): it
   * takes no admission slot.
   */
  record Check(TtsRequest probe) implements Decision {
  }

  private final String name;
  private final Admission admission;
  private final CircuitBreaker breaker;
  private final boolean checksProbes;

  /** {@code checksProbes}: the provider answers probes with a check instead of a synthesis ({@link Check}). */
  ProviderIntake(String name, Admission admission, CircuitBreaker breaker, boolean checksProbes) {
    this.name = name;
    this.admission = admission;
    this.breaker = breaker;
    this.checksProbes = checksProbes;
  }

  /** {@code serving} is the instance's current directory entry, null once it stops. */
  Decision decide(ProviderInfo serving, String type, Object body) {
    if (serving == null) {
      return new Refuse(ErrorCode.PROVIDER_UNAVAILABLE, "provider '" + name + "' is stopping");
    }
    String kind = String.valueOf(type);
    switch (kind) {
      case ProviderMessage.Sentence.TYPE, ProviderMessage.Probe.TYPE -> {
        return admit(serving, kind.equals(ProviderMessage.Sentence.TYPE), body);
      }
      case ProviderMessage.ReplyDone.TYPE, ProviderMessage.Cancel.TYPE -> {
        try {
          if (kind.equals(ProviderMessage.Cancel.TYPE)) {
            return new Cancel(ProviderMessage.Cancel.from(body));
          }
          admission.done(ProviderMessage.ReplyDone.from(body).reply());
          return new SlotFreed();
        } catch (RuntimeException e) {
          return new Refuse(ErrorCode.INVALID_REQUEST, "malformed '" + kind + "' message");
        }
      }
      default -> {
        return new Refuse(ErrorCode.INVALID_REQUEST, "unknown message type '" + kind + "' for provider '" + name + "'");
      }
    }
  }

  private Decision admit(ProviderInfo serving, boolean streaming, Object body) {
    if (!serving.available()) {
      return new Refuse(ErrorCode.PROVIDER_UNAVAILABLE, "provider '" + name + "' is unavailable: " + serving.detail());
    }
    ProviderMessage.Sentence streamed = null;
    TtsRequest sentence;
    try {
      if (streaming) {
        streamed = ProviderMessage.Sentence.from(body);
        sentence = streamed.request();
      } else {
        sentence = ProviderMessage.Probe.from(body).request();
      }
      if (sentence.voice() == null) {
        sentence = sentence.withProvider(name, serving.defaultVoice());
      } else if (!serving.hasVoice(sentence.voice())) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST,
            "voice '" + sentence.voice() + "' is not offered by provider '" + name + "' (see GET /api/v1/voices)");
      }
    } catch (SpeechException e) {
      return new Refuse(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      return new Refuse(ErrorCode.INVALID_REQUEST, "malformed synthesis request");
    }
    if (!breaker.allows()) {
      return new Refuse(ErrorCode.PROVIDER_UNAVAILABLE, "provider '" + name + "' is failing: its circuit breaker is "
          + breaker.state().wire() + "; try again shortly");
    }
    if (streamed == null && checksProbes) {
      return new Check(sentence);
    }
    // A probe is a reply of its own.
    String reply = streamed != null ? streamed.reply() : UUID.randomUUID().toString();
    String refused = admission.admit(reply);
    if (refused != null) {
      return new Refuse(ErrorCode.PROVIDER_UNAVAILABLE, "provider '" + name + "' refused: " + refused
          + "; try again shortly");
    }
    return new Run(sentence, reply, streamed);
  }
}
