package com.ervc.profile;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a profile is registered: a provider, the voice id the provider gave it, how far registration got, and the
 * vendor's id of the consent the voice was made with ({@code null} where the vendor takes none), which is deleted
 * with the voice.
 */
public record Registration(String provider, String remoteId, Status status, String detail, Instant created,
                           String consentId) {
  public enum Status {
    PENDING, READY, FAILED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status parse(String wire) {
      return valueOf(wire.toUpperCase(Locale.ROOT));
    }
  }

  public Registration(String provider, String remoteId, Status status, String detail, Instant created) {
    this(provider, remoteId, status, detail, created, null);
  }

  public Registration {
    provider = Text.safe("registration.provider", provider, 40);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(created, "created");
    if (status == Status.READY && (remoteId == null || remoteId.isBlank())) {
      throw VoiceProfile.invalid("a ready registration at " + provider + " needs the provider's voice id");
    }
    detail = detail == null ? "" : detail;
  }

  public JsonObject toJson() {
    return new JsonObject().put("provider", provider).put("remoteId", remoteId).put("status", status.wire())
        .put("detail", detail).put("created", created.toString()).put("consentId", consentId);
  }

  static Registration fromJson(JsonObject json) {
    return new Registration(json.getString("provider"), json.getString("remoteId"),
        Status.parse(json.getString("status")), json.getString("detail"), Instant.parse(json.getString("created")),
        json.getString("consentId"));
  }
}
