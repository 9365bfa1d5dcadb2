package com.ervc.provider.openai;

import com.ervc.config.CloudConfig;
import com.ervc.config.OpenAiConfig;
import com.ervc.profile.ReferenceClip;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfile;
import com.ervc.provider.cloud.CloneCalls;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.Multipart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * OpenAI custom voices (docs/providers/openai.md#custom-voices), a limited-access API: the consent recording goes to
 * {@code POST /audio/voice_consents}, then one sample with the consent id to {@code POST /audio/voices}. OpenAI
 * documents no way to delete a custom voice; deleting a registration deletes its consent
 * ({@code DELETE /audio/voice_consents/{id}}).
 */
public final class OpenAiCloner implements VoiceCloner {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiCloner.class);

  private final OpenAiConfig settings;
  private final CloudHttp http;

  public OpenAiCloner(Vertx vertx, OpenAiConfig settings, CloudConfig cloud) {
    this.settings = settings;
    this.http = CloneCalls.http(vertx, OpenAiVerticle.NAME, cloud, List.of(settings.apiKey()));
  }

  @Override
  public String provider() {
    return OpenAiVerticle.NAME;
  }

  private Future<JsonObject> post(String path, Multipart form) {
    CloudHttp.Call call = new CloudHttp.Call(HttpMethod.POST, settings.baseUrl() + path,
        Map.of("Authorization", "Bearer " + settings.apiKey(), "Content-Type", form.contentType()), form.body());
    return http.fetch(() -> Future.succeededFuture(call)).map(OpenAiCloner::idOf);
  }

  private static JsonObject idOf(Buffer body) {
    JsonObject answer = new JsonObject(body);
    if (!(answer.getValue("id") instanceof String id) || id.isBlank()) {
      throw new IllegalStateException("the answer has no id");
    }
    return answer;
  }

  @Override
  public Future<Registration> register(VoiceProfile profile, Map<String, byte[]> clipAudio) {
    String consentClip = profile.consent().recordingClip();
    if (consentClip == null) {
      return Future.succeededFuture(new Registration(provider(), null, Registration.Status.FAILED, "OpenAI custom "
          + "voices need a recording of the speaker reading the consent statement, and this profile has none",
          Instant.now()));
    }
    Multipart consent = new Multipart()
        .field("name", profile.consent().speakerName())
        .field("language", profile.consent().language())
        .file("recording", consentClip + ".wav", "audio/wav", clipAudio.get(consentClip));
    ReferenceClip sample = profile.sampleClips().get(0);
    String[] consentId = {null};
    Future<String> voice = post("/audio/voice_consents", consent).compose(madeConsent -> {
      consentId[0] = madeConsent.getString("id");
      Multipart form = new Multipart()
          .field("name", profile.name())
          .field("consent", consentId[0])
          .file("audio_sample", sample.id() + ".wav", "audio/wav", clipAudio.get(sample.id()));
      return post("/audio/voices", form).map(made -> made.getString("id"));
    });
    return CloneCalls.outcome(provider(), voice).compose(registration -> {
      if (registration.status() == Registration.Status.READY) {
        return Future.succeededFuture(new Registration(registration.provider(), registration.remoteId(),
            registration.status(), registration.detail(), registration.created(), consentId[0]));
      }
      // No voice came of it: the consent recording is not left behind at OpenAI.
      return deleteConsent(consentId[0]).transform(deleted -> {
        if (deleted.failed()) {
          LOG.warn("consent {} of profile {} could not be deleted at OpenAI: {}", consentId[0], profile.id(),
              deleted.cause().getMessage());
        }
        return Future.succeededFuture(registration);
      });
    }, failure -> deleteConsent(consentId[0]).transform(deleted -> Future.failedFuture(failure)));
  }

  @Override
  public Future<Void> delete(Registration registration) {
    return deleteConsent(registration.consentId());
  }

  private Future<Void> deleteConsent(String consentId) {
    if (consentId == null) {
      return Future.succeededFuture();
    }
    String path = "/audio/voice_consents/" + URLEncoder.encode(consentId, StandardCharsets.UTF_8);
    CloudHttp.Call call = new CloudHttp.Call(HttpMethod.DELETE, settings.baseUrl() + path,
        Map.of("Authorization", "Bearer " + settings.apiKey()), null);
    return CloneCalls.deleted(http.fetch(() -> Future.succeededFuture(call)));
  }
}
