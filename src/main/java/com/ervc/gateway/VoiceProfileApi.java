package com.ervc.gateway;

import com.ervc.admin.AdminAccess;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.profile.ClipIntake;
import com.ervc.profile.ConsentStatement;
import com.ervc.profile.ProfileRequests;
import com.ervc.profile.ProfileResolver;
import com.ervc.profile.QualityGate;
import com.ervc.profile.VoiceProfile;
import com.ervc.profile.VoiceProfileStore;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProfileChanged;
import com.ervc.protocol.SpeechException;
import com.ervc.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/voice-profiles}: a token subject's voice profiles (docs/http-api.md#voice-profiles). A profile
 * belongs to the subject that created it; anyone else's reads as not found, whoever asks, except that the
 * {@code admin} role may read (not change) every profile. Store calls are asynchronous (the directory store works
 * on worker threads, PostgreSQL is asynchronous); decoding and analysing uploads runs on a worker thread.
 */
final class VoiceProfileApi {
  static final String PATH = "/api/v1/voice-profiles";
  static final String CLIPS_FIELD = "clips";
  static final String CONSENT_RECORDING_FIELD = "consentRecording";
  /** Status of an upload refused by the quality gate: well-formed, but not usable as reference audio. */
  static final int QUALITY_REFUSED = 422;

  private final Vertx vertx;
  private final VoiceProfileStore store;
  private final ProfileResolver resolver;
  private final ClipIntake intake;
  private final ServiceMetrics metrics;

  /** @param store the open store, or null when it did not open (every call then answers 503) */
  VoiceProfileApi(Vertx vertx, VoiceProfileStore store, ProfileResolver resolver, ClipIntake intake,
                  ServiceMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.resolver = resolver;
    this.intake = intake;
    this.metrics = metrics;
  }

  /** Refuses every call while the store is not open; otherwise passes on. */
  void available(RoutingContext rc) {
    if (store == null) {
      HttpApi.fail(rc, ErrorCode.PROVIDER_UNAVAILABLE, "voice profiles are unavailable on this node: its profile "
          + "store did not open (see /health, component voice-profiles)");
    } else {
      rc.next();
    }
  }

  void consentStatement(RoutingContext rc) {
    try {
      String language = rc.queryParams().get("language");
      String speaker = rc.queryParams().get("speakerName");
      rc.json(new JsonObject().put("language", language).put("speakerName", speaker)
          .put("statement", ConsentStatement.text(language, speaker)));
    } catch (SpeechException e) {
      HttpApi.fail(rc, e.code(), e.getMessage());
    }
  }

  void create(RoutingContext rc) {
    Principal principal = rc.get(GatewayGuard.PRINCIPAL);
    String type = rc.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "send multipart/form-data: a 'metadata' field (JSON), one or more "
          + "'" + CLIPS_FIELD + "' files and, where the provider needs it, a '" + CONSENT_RECORDING_FIELD + "' file");
      return;
    }
    JsonObject metadata;
    List<FileUpload> clips = new ArrayList<>();
    FileUpload consentRecording = null;
    try {
      metadata = metadata(rc.request().getFormAttribute("metadata"));
      for (FileUpload upload : rc.fileUploads()) {
        if (CLIPS_FIELD.equals(upload.name())) {
          clips.add(upload);
        } else if (CONSENT_RECORDING_FIELD.equals(upload.name()) && consentRecording == null) {
          consentRecording = upload;
        } else {
          throw new SpeechException(ErrorCode.INVALID_REQUEST, "unexpected file part '" + upload.name() + "'; the "
              + "parts are '" + CLIPS_FIELD + "' (one or more) and '" + CONSENT_RECORDING_FIELD + "' (at most one)");
        }
      }
      if (clips.isEmpty()) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "a voice profile needs at least one reference clip (the "
            + "file part '" + CLIPS_FIELD + "')");
      }
      ProfileRequests.checkMetadata(metadata, consentRecording != null);
    } catch (SpeechException e) {
      metrics.cloningAttempt(false);
      HttpApi.fail(rc, e.code(), e.getMessage());
      return;
    }
    List<FileUpload> uploads = new ArrayList<>(clips);
    boolean withConsentRecording = consentRecording != null;
    if (withConsentRecording) {
      uploads.add(consentRecording);
    }
    String provider = metadata.getString("provider");
    vertx.executeBlocking(() -> {
      List<byte[]> files = new ArrayList<>();
      for (FileUpload upload : uploads) {
        files.add(Files.readAllBytes(Path.of(upload.uploadedFileName())));
      }
      return intake.prepare(files, provider);
    }, false).compose(prepared -> {
      List<QualityGate.Failure> failures = prepared.stream().flatMap(p -> p.failures().stream()).toList();
      if (!failures.isEmpty()) {
        failures.forEach(f -> metrics.qualityFailure(f.code()));
        return Future.failedFuture(new QualityRefused(report(prepared, uploads)));
      }
      Map<String, byte[]> audio = new LinkedHashMap<>();
      VoiceProfile profile = ProfileRequests.newProfile(principal.subject(), metadata, prepared, withConsentRecording,
          Instant.now(), audio);
      return store.create(profile, audio).map(profile);
    }).onComplete(ar -> {
      metrics.cloningAttempt(ar.succeeded());
      if (ar.succeeded()) {
        changed(ar.result().id(), 1);
        rc.response().setStatusCode(201).putHeader("Location", PATH + "/" + ar.result().id());
        rc.json(view(ar.result()));
      } else if (ar.cause() instanceof QualityRefused refused) {
        JsonObject body = ErrorCode.INVALID_REQUEST.body(refused.getMessage());
        body.getJsonObject("error").put("clips", refused.clips);
        rc.response().setStatusCode(QUALITY_REFUSED).putHeader("Content-Type", "application/json").end(body.encode());
      } else {
        fail(rc, ar.cause());
      }
    });
  }

  /** The quality report of every upload, failed or not, by its part name and position. */
  private static JsonArray report(List<ClipIntake.Prepared> prepared, List<FileUpload> uploads) {
    JsonArray clips = new JsonArray();
    for (int i = 0; i < prepared.size(); i++) {
      clips.add(new JsonObject().put("index", i).put("part", uploads.get(i).name())
          .put("fileName", uploads.get(i).fileName()).put("passed", prepared.get(i).passed())
          .put("report", prepared.get(i).report()));
    }
    return clips;
  }

  /** Uploads that were analysed but failed quality checks; {@code clips} is the report of each. */
  private static final class QualityRefused extends RuntimeException {
    final JsonArray clips;

    QualityRefused(JsonArray clips) {
      super(describe(clips), null, false, false);
      this.clips = clips;
    }

    private static String describe(JsonArray clips) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < clips.size(); i++) {
        JsonObject clip = clips.getJsonObject(i);
        JsonArray failures = clip.getJsonObject("report").getJsonArray("failures");
        if (!failures.isEmpty()) {
          List<String> codes = failures.stream().map(f -> ((JsonObject) f).getString("code")).toList();
          parts.add("file " + (i + 1) + " (" + clip.getString("part") + ") failed " + String.join(", ", codes));
        }
      }
      return "the reference audio did not pass the quality checks: " + String.join("; ", parts)
          + "; 'clips' has the measurements and what to change";
    }
  }

  void list(RoutingContext rc) {
    Principal principal = rc.get(GatewayGuard.PRINCIPAL);
    boolean all = "true".equals(rc.queryParams().get("all"));
    if (all && !principal.roles().contains(AdminAccess.ROLE)) {
      HttpApi.fail(rc, 403, ErrorCode.UNAUTHORIZED, "listing every subject's profiles needs the '" + AdminAccess.ROLE
          + "' role");
      return;
    }
    (all ? store.listAll() : store.listByOwner(principal.subject())).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      JsonArray profiles = new JsonArray();
      ar.result().forEach(p -> profiles.add(view(p)));
      rc.json(new JsonObject().put("profiles", profiles));
    });
  }

  void get(RoutingContext rc) {
    readable(rc).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
      } else if (ar.result().isPresent()) {
        rc.json(view(ar.result().get()));
      } else {
        notFound(rc);
      }
    });
  }

  void clip(RoutingContext rc) {
    String clipId = rc.pathParam("clip");
    readable(rc).compose(found -> found.isPresent() && found.get().clip(clipId).isPresent()
            ? store.clipAudio(found.get().id(), clipId) : Future.succeededFuture(Optional.<byte[]>empty()))
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(rc, ar.cause());
          } else if (ar.result().isPresent()) {
            rc.response().putHeader("Content-Type", "audio/wav")
                .putHeader("Content-Disposition", "attachment; filename=\"" + rc.pathParam("id") + "-" + clipId
                    + ".wav\"")
                .end(Buffer.buffer(ar.result().get()));
          } else {
            notFound(rc);
          }
        });
  }

  void update(RoutingContext rc) {
    JsonObject body;
    try {
      body = rc.body().asJsonObject();
      if (body == null) {
        throw new DecodeException("empty");
      }
    } catch (DecodeException | ClassCastException e) {
      HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "the body must be a JSON object with the fields to change");
      return;
    }
    owned(rc).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<VoiceProfile>empty());
      }
      VoiceProfile next = ProfileRequests.changed(found.get(), body, Instant.now());
      // A change that lost a race with another reads the stored version again: a newer one is a 409.
      return store.update(next).map(Optional.of(next)).recover(failure -> store.get(next.id()).transform(reread ->
          reread.succeeded() && reread.result().isPresent() && reread.result().get().version() >= next.version()
              ? Future.failedFuture(ProfileRequests.staleVersion(reread.result().get(), found.get().version()))
              : Future.failedFuture(failure)));
    }).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
      } else if (ar.result().isPresent()) {
        changed(ar.result().get().id(), ar.result().get().version());
        rc.json(view(ar.result().get()));
      } else {
        notFound(rc);
      }
    });
  }

  /**
   * Deleting a profile withdraws its consent: the profile and its stored audio are gone, and every gateway stops
   * speaking with it at once (a reply already running finishes).
   */
  void delete(RoutingContext rc) {
    owned(rc).compose(found -> found.isEmpty() ? Future.succeededFuture(false) : store.delete(found.get().id()))
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(rc, ar.cause());
          } else if (ar.result()) {
            changed(rc.pathParam("id"), 0);
            rc.response().setStatusCode(204).end();
          } else {
            notFound(rc);
          }
        });
  }

  /** The profile of the path when the caller owns it; empty otherwise, whether it exists or not. */
  private Future<Optional<VoiceProfile>> owned(RoutingContext rc) {
    Principal principal = rc.get(GatewayGuard.PRINCIPAL);
    return store.get(rc.pathParam("id")).map(found -> found.filter(p -> p.owner().equals(principal.subject())));
  }

  /** {@link #owned}, or any profile for the admin role. */
  private Future<Optional<VoiceProfile>> readable(RoutingContext rc) {
    Principal principal = rc.get(GatewayGuard.PRINCIPAL);
    return principal.roles().contains(AdminAccess.ROLE) ? store.get(rc.pathParam("id")) : owned(rc);
  }

  /** Drops this node's cached view at once, then tells every other gateway. */
  private void changed(String id, int version) {
    resolver.evict(id);
    ProfileChanged message = new ProfileChanged(id, version);
    vertx.eventBus().publish(Addresses.VOICE_PROFILE_CHANGED, message.body(), BusProtocol.options(message));
  }

  private static JsonObject metadata(String text) {
    if (text == null) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST, "the form field 'metadata' (a JSON object) is required");
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST, "the form field 'metadata' is not a JSON object");
    }
  }

  /** The profile as the API shows it: every field of the stored profile, and where its clips are. */
  private static JsonObject view(VoiceProfile profile) {
    JsonObject json = profile.toJson();
    json.getJsonArray("clips").forEach(c -> ((JsonObject) c).put("url", PATH + "/" + profile.id() + "/clips/"
        + ((JsonObject) c).getString("id")));
    return json.put("voiceId", ProfileVoices.PREFIX + profile.id());
  }

  private static void notFound(RoutingContext rc) {
    HttpApi.fail(rc, 404, ErrorCode.INVALID_REQUEST, "no voice profile '" + rc.pathParam("id") + "'");
  }

  private static void fail(RoutingContext rc, Throwable failure) {
    if (failure instanceof ProfileRequests.StaleVersion stale) {
      HttpApi.fail(rc, 409, ErrorCode.INVALID_REQUEST, stale.getMessage());
      return;
    }
    SpeechException e = SpeechException.from(failure);
    HttpApi.fail(rc, e.code(), e.getMessage());
  }
}
