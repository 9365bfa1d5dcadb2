package com.ervc.provider.elevenlabs;

import com.ervc.config.CloudConfig;
import com.ervc.config.ElevenLabsConfig;
import com.ervc.profile.ReferenceClip;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfile;
import com.ervc.provider.cloud.CloneCalls;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.Multipart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * ElevenLabs instant voice cloning (docs/providers/elevenlabs.md#instant-voice-cloning): {@code POST /v1/voices/add}
 * with the profile's sample clips, {@code DELETE /v1/voices/{voice_id}}. The voice carries the label
 * {@value #PROFILE_LABEL} with the profile id, which keeps it out of the provider's public voice list.
 */
public final class ElevenLabsCloner implements VoiceCloner {
  /** The label that marks a voice this service made for a profile. */
  public static final String PROFILE_LABEL = "ervc_profile";

  private final ElevenLabsConfig settings;
  private final CloudHttp http;

  public ElevenLabsCloner(Vertx vertx, ElevenLabsConfig settings, CloudConfig cloud) {
    this.settings = settings;
    this.http = CloneCalls.http(vertx, ElevenLabsVerticle.NAME, cloud, List.of(settings.apiKey()));
  }

  @Override
  public String provider() {
    return ElevenLabsVerticle.NAME;
  }

  @Override
  public Future<Registration> register(VoiceProfile profile, Map<String, byte[]> clipAudio) {
    Multipart form = new Multipart().field("name", profile.name());
    for (ReferenceClip clip : profile.sampleClips()) {
      form.file("files", clip.id() + ".wav", "audio/wav", clipAudio.get(clip.id()));
    }
    if (!profile.description().isEmpty()) {
      form.field("description", profile.description());
    }
    // The stored clips are already trimmed and loudness-normalised; ElevenLabs' noise removal can make clean audio worse.
    form.field("remove_background_noise", "false");
    form.field("labels", new JsonObject().put("language", profile.language()).put(PROFILE_LABEL, profile.id()).encode());
    CloudHttp.Call call = new CloudHttp.Call(HttpMethod.POST, settings.baseUrl() + "/v1/voices/add",
        Map.of("xi-api-key", settings.apiKey(), "Content-Type", form.contentType()), form.body());
    return CloneCalls.outcome(provider(), http.fetch(() -> Future.succeededFuture(call)).map(body -> {
      Object id = new JsonObject(body).getValue("voice_id");
      if (!(id instanceof String voiceId) || voiceId.isBlank()) {
        throw new IllegalStateException("the answer has no voice_id");
      }
      return voiceId;
    }));
  }

  @Override
  public Future<Void> delete(Registration registration) {
    String path = "/v1/voices/" + URLEncoder.encode(registration.remoteId(), StandardCharsets.UTF_8).replace("+", "%20");
    CloudHttp.Call call = new CloudHttp.Call(HttpMethod.DELETE, settings.baseUrl() + path,
        Map.of("xi-api-key", settings.apiKey()), null);
    return CloneCalls.deleted(http.fetch(() -> Future.succeededFuture(call)));
  }
}
