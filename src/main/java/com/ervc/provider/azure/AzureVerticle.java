package com.ervc.provider.azure;

import com.ervc.config.AzureConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.RemoteVoice;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.cloud.CloudError;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.CloudProviderVerticle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Azure AI Speech over REST (docs/providers/azure.md): SSML in, raw 24 kHz PCM out, authenticated with the
 * subscription key or (AZURE_AUTH=token) with a bearer token from issueToken.
 */
public final class AzureVerticle extends CloudProviderVerticle {
  public static final String NAME = "azure";
  private static final Logger LOG = LoggerFactory.getLogger(AzureVerticle.class);
  /** docs/providers/azure.md#synthesis-request: raw PCM that streams, at our native rate. */
  static final String OUTPUT_FORMAT = "raw-24khz-16bit-mono-pcm";

  private volatile AzureVoices catalogue;
  private AzureTokens tokens;
  /** Set once the service refused a bearer token: tokens are bound to the host that issued them (docs/providers/azure.md#endpoints-and-authentication). */
  private boolean keyOnly;

  public AzureVerticle(ServiceMetrics metrics, ServiceConfig config) {
    super(metrics, config);
  }

  private AzureConfig settings() {
    return configuration().providers().azure();
  }

  @Override
  protected String name() {
    return NAME;
  }

  private String key() {
    return settings().key();
  }

  /** AZURE_TTS_ENDPOINT, else the regional host (docs/providers/azure.md#endpoints-and-authentication). */
  private String endpoint() {
    String endpoint = settings().endpoint();
    return endpoint != null ? endpoint
        : "https://" + settings().region() + ".tts.speech.microsoft.com";
  }

  private String tokenEndpoint() {
    String configured = settings().tokenEndpoint();
    if (configured != null) {
      return configured;
    }
    String region = settings().region();
    return region != null ? "https://" + region + ".api.cognitive.microsoft.com/sts/v1.0/issueToken"
        : endpoint() + "/sts/v1.0/issueToken";
  }

  @Override
  protected List<String> missingSettings() {
    List<String> missing = new ArrayList<>();
    if (key() == null || key().isBlank()) {
      missing.add("AZURE_SPEECH_KEY");
    }
    if (settings().region() == null && settings().endpoint() == null) {
      missing.add("AZURE_REGION (or AZURE_TTS_ENDPOINT)");
    }
    return missing;
  }

  @Override
  protected List<String> secrets() {
    return List.of(key());
  }

  /** The auth header: key, or a cached bearer token. */
  private Future<Map<String, String>> auth() {
    if (!"token".equals(settings().auth()) || keyOnly) {
      return Future.succeededFuture(Map.of("Ocp-Apim-Subscription-Key", key()));
    }
    if (tokens == null) {
      tokens = new AzureTokens(this::issueToken, System::currentTimeMillis);
    }
    return tokens.token().map(token -> Map.of("Authorization", "Bearer " + token));
  }

  /** docs/providers/azure.md#endpoints-and-authentication: on a 401 with a bearer token, fall back to the subscription key. */
  @Override
  protected boolean switchCredentials(CloudError rejection) {
    if (tokens == null || keyOnly) {
      return false;
    }
    keyOnly = true;
    LOG.warn("azure refused its bearer token; using the subscription key header from now on");
    return true;
  }

  /** docs/providers/azure.md#endpoints-and-authentication: POST with the key and an empty form body; the answer is the raw JWT. */
  private Future<String> issueToken() {
    CloudHttp.Call call = new CloudHttp.Call(HttpMethod.POST, tokenEndpoint(),
        Map.of("Ocp-Apim-Subscription-Key", key(), "Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer());
    return http().fetch(() -> Future.succeededFuture(call)).map(body -> body.toString().trim());
  }

  private Future<CloudHttp.Call> call(HttpMethod method, String path, Map<String, String> extra, Buffer body) {
    return auth().map(auth -> {
      Map<String, String> headers = new HashMap<>(auth);
      headers.putAll(extra);
      return new CloudHttp.Call(method, endpoint() + path, headers, body);
    });
  }

  @Override
  protected Future<ProviderInfo> describe(String nodeId) {
    return http().fetch(() -> call(HttpMethod.GET, "/cognitiveservices/voices/list", Map.of(), null)).map(body -> {
      AzureVoices voices = AzureVoices.parse(new JsonArray(body));
      if (voices.isEmpty()) {
        throw new IllegalStateException("voices/list is empty");
      }
      catalogue = voices;
      return new ProviderInfo(NAME, nodeId, true, voices.defaultVoice(), voices.voices(), Emotion.wireNames(),
          QualityTier.wireNames(), true, true, NATIVE_RATE,
          "Azure Speech " + CloudHttp.describeHost(endpoint()) + " (" + settings().auth() + " auth)"
              + "; emotion via mstts:express-as where the voice has the style, else prosody; speed 0.5-2; personal voices "
              + "of registered profiles on " + settings().personalVoiceBaseModel());
    });
  }

  @Override
  protected Future<Void> speak(TtsRequest sentence, AudioOut out) {
    Buffer ssml;
    if (RemoteVoice.is(sentence.voice())) {
      ssml = Buffer.buffer(AzureSsml.personalVoice(sentence, settings().personalVoiceBaseModel(),
          RemoteVoice.id(sentence.voice())));
    } else {
      AzureVoices.Entry voice = catalogue.forTier(sentence.voice(), sentence.quality());
      ssml = Buffer.buffer(AzureSsml.build(sentence, voice.shortName(), voice.locale(), voice.styles()));
    }
    Map<String, String> headers = Map.of("Content-Type", "application/ssml+xml", "X-Microsoft-OutputFormat", OUTPUT_FORMAT);
    return stream(() -> call(HttpMethod.POST, "/cognitiveservices/v1", headers, ssml), sentence, out);
  }
}
