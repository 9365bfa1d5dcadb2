package com.ervc.provider.azure;

import com.ervc.config.AzureConfig;
import com.ervc.config.CloudConfig;
import com.ervc.profile.ReferenceClip;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfile;
import com.ervc.provider.cloud.CloneCalls;
import com.ervc.provider.cloud.CloudError;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.Multipart;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Azure personal voice (docs/providers/azure.md#personal-voice), a Limited Access feature: the consent recording is
 * posted to {@code /customvoice/consents/{id}}, then the samples to {@code /customvoice/personalvoices/{id}}; each
 * resource is polled until its status is {@code Succeeded}. The voice's {@code speakerProfileId} is the registration's
 * remote id; synthesis puts it in {@code <mstts:ttsembedding>} on a base model voice.
 */
public final class AzureCloner implements VoiceCloner {
  private static final Logger LOG = LoggerFactory.getLogger(AzureCloner.class);
  /** The api-version of the personal voice how-to pages (docs/providers/azure.md#personal-voice). */
  static final String API_VERSION = "2024-02-01-preview";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final AzureConfig settings;
  private final CloudHttp http;
  private final long pollMs;
  private final int maxPolls;

  /** {@code pollMs} between status reads of a consent or voice, at most {@code maxPolls} reads each. */
  public AzureCloner(Vertx vertx, AzureConfig settings, CloudConfig cloud, long pollMs, int maxPolls) {
    this.vertx = vertx;
    this.settings = settings;
    this.http = CloneCalls.http(vertx, AzureVerticle.NAME, cloud, List.of(settings.key()));
    this.pollMs = pollMs;
    this.maxPolls = maxPolls;
  }

  @Override
  public String provider() {
    return AzureVerticle.NAME;
  }

  private String url(String resource, String id) {
    return settings.customVoiceBase() + "/customvoice/" + resource + "/" + id + "?api-version=" + API_VERSION;
  }

  private Future<JsonObject> call(HttpMethod method, String url, Multipart form) {
    Map<String, String> headers = new HashMap<>(Map.of("Ocp-Apim-Subscription-Key", settings.key()));
    Buffer body = null;
    if (form != null) {
      headers.put("Content-Type", form.contentType());
      body = form.body();
    }
    CloudHttp.Call call = new CloudHttp.Call(method, url, headers, body);
    return http.fetch(() -> Future.succeededFuture(call))
        .map(answer -> answer.length() == 0 ? new JsonObject() : new JsonObject(answer));
  }

  @Override
  public Future<Registration> register(VoiceProfile profile, Map<String, byte[]> clipAudio) {
    String consentClip = profile.consent().recordingClip();
    if (consentClip == null) {
      return Future.succeededFuture(new Registration(provider(), null, Registration.Status.FAILED, "Azure personal "
          + "voice needs a recording of the speaker reading the consent statement, and this profile has none",
          Instant.now()));
    }
    // Ids are ours to choose; a fresh one per attempt, so a retry never collides with what a failed one left.
    String id = "ervc-" + profile.id().substring("vp_".length()) + "-" + Long.toString(RANDOM.nextLong() >>> 1, 36);
    Multipart consent = new Multipart()
        .field("description", "Consent for voice profile " + profile.id())
        .field("projectId", settings.personalVoiceProject())
        .field("voiceTalentName", profile.consent().speakerName())
        .field("companyName", settings.personalVoiceCompany())
        .field("locale", profile.consent().language())
        .file("audiodata", consentClip + ".wav", "audio/wav", clipAudio.get(consentClip));
    Multipart voice = new Multipart()
        .field("projectId", settings.personalVoiceProject())
        .field("consentId", id);
    for (ReferenceClip clip : profile.sampleClips()) {
      voice.file("audiodata", clip.id() + ".wav", "audio/wav", clipAudio.get(clip.id()));
    }
    Future<String> speakerProfile = call(HttpMethod.POST, url("consents", id), consent)
        .compose(made -> succeeded("consents", id, made, 1))
        .compose(v -> call(HttpMethod.POST, url("personalvoices", id), voice))
        .compose(made -> succeeded("personalvoices", id, made, 1))
        .map(done -> {
          if (!(done.getValue("speakerProfileId") instanceof String speaker) || speaker.isBlank()) {
            throw new IllegalStateException("the personal voice has no speakerProfileId");
          }
          return speaker;
        });
    Registration made = new Registration(provider(), null, Registration.Status.PENDING, "", Instant.now(), id);
    return CloneCalls.outcome(provider(), speakerProfile).compose(registration -> {
      if (registration.status() == Registration.Status.READY) {
        return Future.succeededFuture(new Registration(registration.provider(), registration.remoteId(),
            registration.status(), registration.detail(), registration.created(), id));
      }
      return leaveNothing(made, profile).map(registration);
    }, failure -> leaveNothing(made, profile).transform(ar -> Future.failedFuture(failure)));
  }

  /** Deletes what a registration that did not end ready made; a failure to do so is logged, not passed on. */
  private Future<Void> leaveNothing(Registration made, VoiceProfile profile) {
    return delete(made).recover(e -> {
      LOG.warn("what registering profile {} made at Azure ({}) could not be deleted: {}", profile.id(),
          made.consentId(), e.getMessage());
      return Future.succeededFuture();
    });
  }

  /**
   * The resource once its {@code status} is {@code Succeeded}; {@code Failed} is the vendor refusing (its reason
   * from {@code properties.failureReason} where given), a resource still running after {@code maxPolls} reads a
   * timeout.
   */
  private Future<JsonObject> succeeded(String resource, String id, JsonObject current, int reads) {
    String status = current.getString("status", "");
    if (status.equals("Succeeded")) {
      return Future.succeededFuture(current);
    }
    if (status.equals("Failed")) {
      JsonObject properties = current.getValue("properties") instanceof JsonObject p ? p : new JsonObject();
      String reason = properties.getValue("failureReason") instanceof String r ? r : "status Failed";
      return Future.failedFuture(CloudError.of(CloudError.Kind.INVALID_REQUEST, resource + " " + id + ": " + reason));
    }
    if (reads >= maxPolls) {
      return Future.failedFuture(CloudError.of(CloudError.Kind.TIMEOUT, resource + " " + id + " was still "
          + status + " after " + reads + " status reads"));
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(pollMs, t -> later.complete());
    return later.future().compose(v -> call(HttpMethod.GET, url(resource, id), null))
        .compose(next -> succeeded(resource, id, next, reads + 1));
  }

  /** The personal voice first (it refers to the consent), then the consent; what Azure no longer has is deleted. */
  @Override
  public Future<Void> delete(Registration registration) {
    String id = registration.consentId();
    if (id == null) {
      return Future.succeededFuture();
    }
    return CloneCalls.deleted(call(HttpMethod.DELETE, url("personalvoices", id), null).map(Buffer.buffer()))
        .compose(v -> CloneCalls.deleted(call(HttpMethod.DELETE, url("consents", id), null).map(Buffer.buffer())));
  }
}
