package com.ervc.gateway;

import com.ervc.admin.AdminAccess;
import com.ervc.cluster.ProviderDirectory;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.profile.ClipIntake;
import com.ervc.profile.ConsentStatement;
import com.ervc.profile.ProfileRequests;
import com.ervc.profile.ProfileResolver;
import com.ervc.profile.QualityGate;
import com.ervc.profile.VoiceProfile;
import com.ervc.profile.VoiceProfileStore;
import com.ervc.profile.VoiceRegistrar;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProfileChanged;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.VoiceDesign;
import com.ervc.security.Principal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * on worker threads, PostgreSQL is asynchronous); decoding and analysing uploads runs on a worker thread. Where the
 * node can clone at a profile's base provider, creating the profile (or moving it to that provider) starts its
 * registration there, and deleting it deletes the vendor's voices first (docs/voice-profiles.md#the-http-api).
 */
final class VoiceProfileApi {
  private static final Logger LOG = LoggerFactory.getLogger(VoiceProfileApi.class);
  static final String PATH = "/api/v1/voice-profiles";
  static final String CLIPS_FIELD = "clips";
  static final String CONSENT_RECORDING_FIELD = "consentRecording";
  /** Status of an upload refused by the quality gate: well-formed, but not usable as reference audio. */
  static final int QUALITY_REFUSED = 422;

  private final Vertx vertx;
  private final VoiceProfileStore store;
  private final ProfileResolver resolver;
  private final VoiceRegistrar registrar;
  private final ProviderDirectory directory;
  private final ClipIntake intake;
  private final ServiceMetrics metrics;

  /**
   * @param store     the open store, or null when it did not open (every call then answers 503)
   * @param registrar the registrar at the cloning vendors, or null when the node has none set up
   */
  VoiceProfileApi(Vertx vertx, VoiceProfileStore store, ProfileResolver resolver, VoiceRegistrar registrar,
                  ProviderDirectory directory, ClipIntake intake, ServiceMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.resolver = resolver;
    this.registrar = registrar;
    this.directory = directory;
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
    designedVoice(provider, metadata.getString("voice")).compose(checked -> vertx.executeBlocking(() -> {
      List<byte[]> files = new ArrayList<>();
      for (FileUpload upload : uploads) {
        files.add(Files.readAllBytes(Path.of(upload.uploadedFileName())));
      }
      return intake.prepare(files, provider);
    }, false)).compose(prepared -> {
      List<QualityGate.Failure> failures = prepared.stream().flatMap(p -> p.failures().stream()).toList();
      if (!failures.isEmpty()) {
        failures.forEach(f -> metrics.qualityFailure(f.code()));
        return Future.failedFuture(new QualityRefused(report(prepared, uploads)));
      }
      Map<String, byte[]> audio = new LinkedHashMap<>();
      VoiceProfile profile = ProfileRequests.newProfile(principal.subject(), metadata, prepared, withConsentRecording,
          Instant.now(), audio);
      return store.create(profile, audio).map(profile);
    }).onComplete(ar -> metrics.cloningAttempt(ar.succeeded())).compose(this::register).onComplete(ar -> {
      if (ar.succeeded()) {
        changed(ar.result().id(), ar.result().version());
        rc.response().setStatusCode(201).putHeader("Location", PATH + "/" + ar.result().id());
        rc.json(view(ar.result()));
      } else if (ar.cause() instanceof QualityRefused refused) {
        qualityRefused(rc, refused);
      } else {
        fail(rc, ar.cause());
      }
    });
  }

  private static void qualityRefused(RoutingContext rc, QualityRefused refused) {
    JsonObject body = ErrorCode.INVALID_REQUEST.body(refused.getMessage());
    body.getJsonObject("error").put("clips", refused.clips);
    rc.response().setStatusCode(QUALITY_REFUSED).putHeader("Content-Type", "application/json").end(body.encode());
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
      boolean moved = !next.provider().equals(found.get().provider());
      boolean revoiced = moved || !next.voice().equals(found.get().voice());
      // A change that lost a race with another reads the stored version again: a newer one is a 409.
      return stored(next, found.get(), (revoiced ? designedVoice(next.provider(), next.voice())
          : Future.<Void>succeededFuture()).compose(checked -> store.update(next)))
          .compose(stored -> moved ? register(stored) : Future.succeededFuture(stored))
          .map(Optional::of);
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
   * {@code next} once {@code write} stored it; a write that lost a race with another change reads the stored version
   * again: a newer one than {@code basedOn} is a 409.
   */
  private Future<VoiceProfile> stored(VoiceProfile next, VoiceProfile basedOn, Future<Void> write) {
    return write.map(next).recover(failure -> store.get(next.id()).transform(reread ->
        reread.succeeded() && reread.result().isPresent() && reread.result().get().version() >= next.version()
            ? Future.failedFuture(ProfileRequests.staleVersion(reread.result().get(), basedOn.version()))
            : Future.failedFuture(failure)));
  }

  /**
   * {@code POST /{id}/clips}: adds one or more reference clips (the file parts {@code clips}) to the caller's
   * profile, as its next version. Every file goes through the quality gate for the profile's provider; when one
   * fails the answer is a 422 with the report of each and nothing is stored. {@code version}, a form field, is
   * optional and, when given, must be the stored version (else 409), as with PATCH.
   */
  void addClips(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "send multipart/form-data: one or more '" + CLIPS_FIELD
          + "' files and, optionally, the field 'version'");
      return;
    }
    List<FileUpload> uploads = rc.fileUploads();
    for (FileUpload upload : uploads) {
      if (!CLIPS_FIELD.equals(upload.name())) {
        HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "unexpected file part '" + upload.name() + "'; clips are added "
            + "as the file parts '" + CLIPS_FIELD + "' (the consent recording is fixed when the profile is made)");
        return;
      }
    }
    if (uploads.isEmpty()) {
      HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "no clip to add: send one or more file parts '" + CLIPS_FIELD
          + "'");
      return;
    }
    owned(rc).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<VoiceProfile>empty());
      }
      VoiceProfile current = found.get();
      checkVersion(current, rc.request().getFormAttribute("version"));
      return vertx.executeBlocking(() -> {
        List<byte[]> files = new ArrayList<>();
        for (FileUpload upload : uploads) {
          files.add(Files.readAllBytes(Path.of(upload.uploadedFileName())));
        }
        return intake.prepare(files, current.provider(), current.clips().size());
      }, false).compose(prepared -> {
        List<QualityGate.Failure> failures = prepared.stream().flatMap(p -> p.failures().stream()).toList();
        if (!failures.isEmpty()) {
          failures.forEach(f -> metrics.qualityFailure(f.code()));
          return Future.failedFuture(new QualityRefused(report(prepared, uploads)));
        }
        Map<String, byte[]> audio = new LinkedHashMap<>();
        VoiceProfile next = current.withClips(prepared, null, Instant.now(), audio);
        return stored(next, current, store.changeClips(next, audio)).map(Optional::of);
      });
    }).onComplete(ar -> clipsChanged(rc, ar));
  }

  /**
   * {@code DELETE /{id}/clips/{clip}}: removes one reference clip of the caller's profile, as its next version.
   * The consent recording and a profile's last clip cannot be removed (400); {@code ?version=} as with PATCH.
   */
  void removeClip(RoutingContext rc) {
    String clipId = rc.pathParam("clip");
    owned(rc).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<VoiceProfile>empty());
      }
      VoiceProfile current = found.get();
      if (current.clip(clipId).isEmpty()) {
        return Future.failedFuture(new ClipNotFound(current.id(), clipId));
      }
      checkVersion(current, rc.queryParams().get("version"));
      VoiceProfile next = current.withClips(List.of(), clipId, Instant.now(), new LinkedHashMap<>());
      return stored(next, current, store.changeClips(next, Map.of())).map(Optional::of);
    }).onComplete(ar -> clipsChanged(rc, ar));
  }

  /** Answers a change of clips: the profile as stored now, or why not. */
  private void clipsChanged(RoutingContext rc, AsyncResult<Optional<VoiceProfile>> ar) {
    if (ar.succeeded() && ar.result().isPresent()) {
      changed(ar.result().get().id(), ar.result().get().version());
      rc.json(view(ar.result().get()));
    } else if (ar.succeeded()) {
      notFound(rc);
    } else if (ar.cause() instanceof ClipNotFound missing) {
      HttpApi.fail(rc, 404, ErrorCode.INVALID_REQUEST, missing.getMessage());
    } else if (ar.cause() instanceof QualityRefused refused) {
      qualityRefused(rc, refused);
    } else {
      fail(rc, ar.cause());
    }
  }

  /** A version given with a request (a form field or query parameter), when given, must be the stored one. */
  private static void checkVersion(VoiceProfile current, String given) {
    if (given == null) {
      return;
    }
    int version;
    try {
      version = Integer.parseInt(given.trim());
    } catch (NumberFormatException e) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST, "'version' must be the profile's version, an integer: "
          + given);
    }
    if (version != current.version()) {
      throw ProfileRequests.staleVersion(current, version);
    }
  }

  /** A clip id the profile does not list (any more). */
  private static final class ClipNotFound extends RuntimeException {
    ClipNotFound(String profileId, String clipId) {
      super("voice profile " + profileId + " has no clip '" + clipId + "'", null, false, false);
    }
  }

  /**
   * Deleting a profile withdraws its consent: the profile and its stored audio are gone, and every gateway stops
   * speaking with it at once (a reply already running finishes). With a registrar the vendors' voices are deleted
   * first; when one cannot be, nothing is deleted and the answer is a retryable 503.
   */
  void delete(RoutingContext rc) {
    owned(rc).compose(found -> found.isEmpty() ? Future.succeededFuture(false)
            : registrar != null ? registrar.delete(found.get().id()) : store.delete(found.get().id()))
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

  /**
   * Starts registering the stored {@code profile} at its base provider when this node can clone there, and gives
   * the profile as stored with its {@code pending} registration without waiting for the vendor. The registration's
   * end ({@code ready} or {@code failed}) is a new version, announced like any change so that every gateway's view
   * picks up the cloned voice. Where it cannot start (no vendor there, or the store failed just then) the profile
   * is given as it is: it speaks with its base voice.
   */
  private Future<VoiceProfile> register(VoiceProfile profile) {
    if (registrar == null || !registrar.providers().contains(profile.provider())) {
      return Future.succeededFuture(profile);
    }
    return registrar.register(profile.id(), profile.provider()).map(this::announceEnd).otherwise(failure -> {
      LOG.warn("voice profile {} could not be registered at {}: {}", profile.id(), profile.provider(),
          failure.getMessage());
      return profile;
    });
  }

  /**
   * Checks a designed voice ({@code en-us+f3}, {@code af_bella:2+af_sky:1}) against what the running instances of
   * {@code provider} have installed, so a profile is not stored with a voice that cannot speak; other voices pass
   * (a vendor's list is the vendor's). Refusals name the part at fault (docs/voice-profiles.md#local-voices).
   */
  private Future<Void> designedVoice(String provider, String voice) {
    if (voice == null || !voice.contains("+")) {
      return Future.succeededFuture();
    }
    return directory.list().recover(failure -> Future.failedFuture(new SpeechException(
        ErrorCode.PROVIDER_UNAVAILABLE, "the provider directory is not available to check the voice '" + voice
        + "'; try again", true))).compose(providers -> {
          List<ProviderInfo> running = providers.stream().filter(p -> p.name().equals(provider)).toList();
          if (running.isEmpty()) {
            return Future.failedFuture(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "provider '" + provider
                + "' is not running, so the designed voice '" + voice + "' cannot be checked; try again", true));
          }
          if (running.stream().anyMatch(p -> p.hasVoice(voice))) {
            return Future.succeededFuture();
          }
          Optional<VoiceDesign> design = running.stream().map(ProviderInfo::design).filter(d -> d != null)
              .findFirst();
          return Future.failedFuture(new SpeechException(ErrorCode.INVALID_REQUEST, design
              .flatMap(d -> d.problem(voice, running.get(0).voiceIds()))
              .orElse("provider '" + provider + "' does not offer the voice '" + voice + "'; designed voices are "
                  + "espeak's <voice>+<variant> and onnx's Kokoro blends <voice>:<weight>+<voice>:<weight>")));
        });
  }

  /** Announces the end of a registration as a change, and gives the profile as it stands now. */
  private VoiceProfile announceEnd(VoiceRegistrar.Registering registering) {
    String id = registering.pending().id();
    registering.done().onComplete(ended -> {
      if (ended.failed()) {
        LOG.warn("the registration of voice profile {} did not end: {}", id, ended.cause().getMessage());
      } else if (ended.result() != null) {
        changed(id, ended.result().version());
      }
    });
    return registering.pending();
  }

  /**
   * {@code POST /{id}/registrations/{provider}}: registers the caller's profile at {@code provider}: its base provider
   * again, after a {@code failed} registration or one left {@code pending} by a node that stopped, or another vendor
   * set up on this node, where the profile is then spoken when its base provider is down; a {@code ready} voice made
   * from other clips than the profile has now is made again from the current ones. 202 with the profile as stored
   * when the vendor is being called (started now, or still running on this node); 200 with the profile as it is when
   * the voice is already {@code ready} there and made from the current clips.
   */
  void registerAgain(RoutingContext rc) {
    String provider = rc.pathParam("provider");
    owned(rc).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<VoiceRegistrar.Registering>empty());
      }
      VoiceProfile profile = found.get();
      if (registrar == null) {
        return Future.failedFuture(new SpeechException(ErrorCode.INVALID_REQUEST, "no cloning vendor is set up on "
            + "this node, so voice profiles cannot be registered"));
      }
      return registrar.register(profile.id(), provider).map(Optional::of);
    }).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
      } else if (ar.result().isPresent()) {
        VoiceRegistrar.Registering registering = ar.result().get();
        VoiceProfile profile = announceEnd(registering);
        changed(profile.id(), profile.version());
        rc.response().setStatusCode(registering.started() ? 202 : 200);
        rc.json(view(profile));
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
    for (int i = 0; i < profile.registrations().size(); i++) {
      json.getJsonArray("registrations").getJsonObject(i).put("stale", profile.stale(profile.registrations().get(i)));
    }
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
