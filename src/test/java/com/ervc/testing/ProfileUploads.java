package com.ervc.testing;

import com.ervc.profile.ConsentStatement;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;

import java.util.concurrent.TimeUnit;

/** Creating voice profiles through {@code POST /api/v1/voice-profiles}, as a client does. */
public final class ProfileUploads {
  public static final String PATH = "/api/v1/voice-profiles";
  public static final int RATE = 44_100;

  private ProfileUploads() {
  }

  /** A speech-like WAV recording at 44.1 kHz that passes the quality gate. */
  public static byte[] speech(double seconds) {
    return Signals.wav16(Signals.speechLike(0.3, seconds, RATE), RATE);
  }

  /** Metadata of an espeak en-gb profile at speed 1.25, calm, with the speaker's confirmed consent. */
  public static JsonObject metadata(String name, String speaker) {
    return new JsonObject().put("name", name).put("description", "test voice").put("language", "en-GB")
        .put("provider", "espeak").put("voice", "en-gb")
        .put("settings", new JsonObject().put("speed", 1.25).put("emotion", "calm"))
        .put("consent", new JsonObject().put("speakerName", speaker).put("confirmed", true)
            .put("statement", ConsentStatement.text("en-GB", speaker)));
  }

  /** Posts each of {@code clips} as a {@code clips} file part to {@code POST /{id}/clips}, with {@code version}. */
  public static HttpResponse<Buffer> addClips(WebClient client, int port, String token, String id, String version,
                                              byte[]... clips) throws Exception {
    MultipartForm form = MultipartForm.create();
    if (version != null) {
      form.attribute("version", version);
    }
    for (int i = 0; i < clips.length; i++) {
      form.binaryFileUpload("clips", "added" + i + ".wav", Buffer.buffer(clips[i]), "audio/wav");
    }
    return client.post(port, "127.0.0.1", PATH + "/" + id + "/clips").bearerTokenAuthentication(token)
        .sendMultipartForm(form).await(60, TimeUnit.SECONDS);
  }

  /** Posts {@code metadata} with each of {@code clips} as a {@code clips} file part. */
  public static HttpResponse<Buffer> create(WebClient client, int port, String token, JsonObject metadata,
                                            byte[]... clips) throws Exception {
    return createWithConsent(client, port, token, metadata, null, clips);
  }

  /** {@link #create(WebClient, int, String, JsonObject, byte[]...)} with the consent recording (null: none). */
  public static HttpResponse<Buffer> createWithConsent(WebClient client, int port, String token, JsonObject metadata,
                                                       byte[] consentRecording, byte[]... clips) throws Exception {
    MultipartForm form = MultipartForm.create().attribute("metadata", metadata.encode());
    if (consentRecording != null) {
      form.binaryFileUpload("consentRecording", "consent.wav", Buffer.buffer(consentRecording), "audio/wav");
    }
    for (int i = 0; i < clips.length; i++) {
      form.binaryFileUpload("clips", "clip" + i + ".wav", Buffer.buffer(clips[i]), "audio/wav");
    }
    return client.post(port, "127.0.0.1", PATH).bearerTokenAuthentication(token).sendMultipartForm(form)
        .await(60, TimeUnit.SECONDS);
  }
}
