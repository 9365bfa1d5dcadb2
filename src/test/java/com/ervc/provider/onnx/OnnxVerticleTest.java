package com.ervc.provider.onnx;

import com.ervc.cluster.ProviderDirectory;
import com.ervc.config.ConfigLoader;
import com.ervc.config.OnnxConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderMessage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verticle on a local Vert.x: event-bus synthesis, the per-model busy answer, and the no-models entry. */
class OnnxVerticleTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private OnnxVoices voices;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    if (voices != null) {
      voices.close();
    }
  }

  private ProviderInfo deploy(Map<String, String> env) throws Exception {
    ServiceConfig config = ConfigLoader.load(null, env).joined("test-node", "test");
    OnnxConfig onnx = config.providers().onnx();
    voices = OnnxVoices.load(Path.of(onnx.modelDir()), 1, false, onnx.workers(), onnx.maxQueue());
    vertx.deployVerticle(new OnnxVerticle(ServiceMetrics.create("test"), config, OnnxVerticle.NAME, voices,
        new JsonObject().put("cuda", false))).await(30, TimeUnit.SECONDS);
    return new ProviderDirectory(vertx).list().await(10, TimeUnit.SECONDS).get(0);
  }

  /** A bare sentence request (as health probes send) to the name-level address. */
  private Future<Message<Buffer>> request(String text, String voice) {
    ProviderMessage.Probe probe = ProviderMessage.Probe.from(
        new JsonObject().put("text", text).put("voice", voice).put("provider", "onnx").put("sampleRate", 16000));
    return vertx.eventBus().request(Addresses.provider("onnx"), probe.body(), BusProtocol.options(probe));
  }

  @Test
  void synthesizesOverTheEventBusAtTheRequestRate() throws Exception {
    FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null);
    ProviderInfo info = deploy(Map.of("TTS_CACHE_DIR", dir.toString()));
    assertTrue(info.available());
    assertEquals("en_US-test-medium", info.defaultVoice());
    Message<Buffer> reply = request("Hello world.", null)
        .await(30, TimeUnit.SECONDS);
    assertEquals("16000", reply.headers().get(Addresses.H_SAMPLE_RATE));
    assertEquals(31L * 256 * 16000 / 22050, reply.body().length() / 2);
  }

  @Test
  void aFullModelQueueAnswersBusy() throws Exception {
    FixtureModels.writePiper(dir.resolve("a"), "en_US-a-medium", 22050, null);
    FixtureModels.writePiper(dir.resolve("b"), "en_US-b-medium", 22050, null);
    deploy(Map.of("TTS_CACHE_DIR", dir.toString(), "ONNX_WORKERS", "1", "ONNX_MAX_QUEUE", "0"));
    String longText = "This sentence keeps the only worker of the model busy for a while. ".repeat(40);
    List<Future<Message<Buffer>>> replies = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      replies.add(request(longText, "en_US-a-medium"));
    }
    Future.join(replies).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    assertTrue(replies.get(0).succeeded(), String.valueOf(replies.get(0).cause()));
    ReplyException busy = (ReplyException) replies.get(1).cause();
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE.status(), busy.failureCode());
    assertTrue(busy.getMessage().contains("en_US-a-medium.onnx is busy"), busy.getMessage());
    assertEquals(0, voices.loadSnapshot().get("en_US-a-medium.onnx").inFlight());
    assertTrue(voices.loadSnapshot().get("en_US-a-medium.onnx").recentLatencyMs() > 0);
  }

  @Test
  void withoutModelsTheProviderIsAnnouncedUnavailableNamingTheMissingVoices() throws Exception {
    ProviderInfo info = deploy(Map.of("TTS_CACHE_DIR", dir.resolve("none").toString()));
    assertFalse(info.available());
    assertTrue(info.detail().contains("no neural voices") && info.detail().contains("en_US-lessac-medium")
        && info.detail().contains("kokoro-v1.0") && info.detail().contains("download-models.sh"), info.detail());
    // An unavailable provider does not listen, so the event bus never hands it a request.
    ReplyException e = assertThrowsReply(request("Hi.", null));
    assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
  }

  private static ReplyException assertThrowsReply(Future<?> future) {
    future.otherwiseEmpty().await();
    assertTrue(future.failed());
    return (ReplyException) future.cause();
  }
}
