package com.ervc.profile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a profile is registered: a provider, the voice id the provider gave it, how far registration got, the
 * vendor's id of the consent the voice was made with ({@code null} where the vendor takes none), which is deleted
 * with the voice, and the ids of the profile's clips the voice was made from ({@code null} for registrations stored
 * before they were recorded). Clip ids are never reused, so they name the audio: a voice whose clips are no longer
 * the profile's is stale ({@link VoiceProfile#stale}).
 */
public record Registration(String provider, String remoteId, Status status, String detail, Instant created,
                           String consentId, List<String> clips) {
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

  public Registration(String provider, String remoteId, Status status, String detail, Instant created,
                      String consentId) {
    this(provider, remoteId, status, detail, created, consentId, null);
  }

  public Registration {
    provider = Text.safe("registration.provider", provider, 40);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(created, "created");
    if (status == Status.READY && (remoteId == null || remoteId.isBlank())) {
      throw VoiceProfile.invalid("a ready registration at " + provider + " needs the provider's voice id");
    }
    detail = detail == null ? "" : detail;
    clips = clips == null ? null : List.copyOf(clips);
  }

  /** This registration, made from the clips {@code clipIds}. */
  public Registration madeFrom(List<String> clipIds) {
    return new Registration(provider, remoteId, status, detail, created, consentId, clipIds);
  }

  /** This registration with another {@code detail}. */
  public Registration withDetail(String newDetail) {
    return new Registration(provider, remoteId, status, newDetail, created, consentId, clips);
  }

  public JsonObject toJson() {
    return new JsonObject().put("provider", provider).put("remoteId", remoteId).put("status", status.wire())
        .put("detail", detail).put("created", created.toString()).put("consentId", consentId)
        .put("clips", clips == null ? null : new JsonArray(clips));
  }

  static Registration fromJson(JsonObject json) {
    return new Registration(json.getString("provider"), json.getString("remoteId"),
        Status.parse(json.getString("status")), json.getString("detail"), Instant.parse(json.getString("created")),
        json.getString("consentId"), clipIds(json.getJsonArray("clips")));
  }

  private static List<String> clipIds(JsonArray array) {
    return array == null ? null : array.stream().map(String.class::cast).toList();
  }
}
