package com.ervc.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each record maps its body both ways, tolerates unknown fields, and the version header is enforced. */
class BusMessagesTest {
  private static final TtsRequest REQUEST =
      TtsRequest.parse(new JsonObject().put("text", "Hello.").put("voice", "en-us"), 100, 24_000);
  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A newer minor version may add fields: readers ignore them. */
  private static JsonObject withExtra(JsonObject body) {
    return body.copy().put("addedInALaterMinorVersion", 42);
  }

  @Test
  void jsonRecordsRoundTripAndIgnoreUnknownFields() {
    PipelineStart start = new PipelineStart("s", "tts.sink.n", REQUEST);
    assertEquals(start, PipelineStart.from(withExtra(start.body())));
    PipelineStart.Accepted accepted = new PipelineStart.Accepted("espeak", "en-us");
    assertEquals(accepted, PipelineStart.Accepted.from(withExtra(accepted.body())));
    StreamMessage.Start begin = new StreamMessage.Start("espeak", "en-us", 24_000, 3, "fast");
    assertEquals(begin, StreamMessage.Start.from(withExtra(begin.body())));
    StreamMessage.Sentence sentence = new StreamMessage.Sentence(2, "Hi.");
    assertEquals(sentence, StreamMessage.Sentence.from(withExtra(sentence.body())));
    StreamMessage.Summary summary = new StreamMessage.Summary(3, 480, true, "a", "v", 2, 10, 5, 20,
        List.of(new StreamMessage.Switch("a", "n1", "b", "n2", "v", 1, 160, "engine down")));
    assertEquals(summary, StreamMessage.Summary.from(withExtra(summary.body())));
    StreamMessage.Failure failure = new StreamMessage.Failure(ErrorCode.RATE_LIMITED, "slow down");
    assertEquals(failure, StreamMessage.Failure.from(withExtra(failure.body())));
    ProviderMessage.Sentence sentenceRequest = new ProviderMessage.Sentence(REQUEST, "tts.pipeline.receiver.r", "s", "r");
    assertEquals(sentenceRequest, ProviderMessage.Sentence.from(withExtra(sentenceRequest.body())));
    ProviderMessage.ReplyDone done = new ProviderMessage.ReplyDone("r");
    assertEquals(done, ProviderMessage.ReplyDone.from(withExtra(done.body())));
    ProviderMessage.Cancel cancel = new ProviderMessage.Cancel("s", true);
    assertEquals(cancel, ProviderMessage.Cancel.from(withExtra(cancel.body())));
    ProviderMessage.Probe probe = new ProviderMessage.Probe(REQUEST);
    assertEquals(probe, ProviderMessage.Probe.from(withExtra(probe.body())));
    ProviderLoad load = (ProviderLoad) BusMessage.LOAD_REPORT.example();
    assertEquals(load, ProviderLoad.fromJson(withExtra(load.body())));
  }

  @Test
  void malformedBodiesAreInvalidRequests() {
    SpeechException start = assertThrows(SpeechException.class,
        () -> PipelineStart.from(new JsonObject().put("stream", "s")));
    assertEquals(ErrorCode.INVALID_REQUEST, start.code());
    SpeechException sentence = assertThrows(SpeechException.class,
        () -> ProviderMessage.Sentence.from(new JsonObject().put("request", REQUEST.toJson()).put("stream", "s")));
    assertEquals("a streaming request needs 'receiver' and 'stream'", sentence.getMessage());
    assertEquals(ErrorCode.INVALID_REQUEST,
        assertThrows(SpeechException.class, () -> CacheMessage.Get.from("short")).code());
    assertEquals(ErrorCode.INVALID_REQUEST,
        assertThrows(SpeechException.class, () -> CacheMessage.Put.from("k".repeat(64), null)).code());
    assertEquals(ErrorCode.INTERNAL, StreamMessage.Failure.from(new JsonObject().put("code", "from_the_future")).code());
  }

  @Test
  void headersCarryTypeVersionAndTheMessagesOwn() {
    DeliveryOptions options = BusProtocol.options(new CacheMessage.Put("k".repeat(64), Buffer.buffer("x")));
    assertEquals("put", options.getHeaders().get(BusProtocol.H_TYPE));
    assertEquals(BusProtocol.VERSION, options.getHeaders().get(BusProtocol.H_VERSION));
    assertEquals("k".repeat(64), options.getHeaders().get(Addresses.H_KEY));
    assertEquals("16000",
        BusProtocol.options(new ProviderMessage.ProbeAudio(Buffer.buffer(), 16_000)).getHeaders().get("sampleRate"));
    assertEquals("1.0", new ProviderInfo("p", "n", true, "v", List.of(), List.of(), List.of(), true, false, 1, "d")
        .body().getString("protocol"));
  }

  @Test
  void onlyTheSameMajorVersionIsSupported() {
    assertTrue(BusProtocol.supports(BusProtocol.VERSION));
    assertTrue(BusProtocol.supports(BusProtocol.MAJOR + ".99"), "a later minor version only adds fields");
    assertTrue(BusProtocol.supports(Integer.toString(BusProtocol.MAJOR)));
    assertFalse(BusProtocol.supports((BusProtocol.MAJOR + 1) + ".0"));
    assertFalse(BusProtocol.supports("0.9"));
    assertFalse(BusProtocol.supports(null), "a message without the header comes from an unversioned release");
  }

  @Test
  void aReceiverRefusesAnotherMajorVersionOrAnotherTypeWithAnExplicitFailure() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().consumer("test.versioned", msg -> {
      if (BusProtocol.accepts(msg)) {
        msg.reply("handled " + msg.headers().get(BusProtocol.H_TYPE));
      }
    }).completion().await(10, TimeUnit.SECONDS);
    LoadRequest request = new LoadRequest();
    assertEquals("handled load-request", vertx.eventBus().request("test.versioned", null, BusProtocol.options(request))
        .await(10, TimeUnit.SECONDS).body());
    DeliveryOptions future = new DeliveryOptions().addHeader(BusProtocol.H_TYPE, "load-request")
        .addHeader(BusProtocol.H_VERSION, (BusProtocol.MAJOR + 1) + ".0");
    var refused = vertx.eventBus().request("test.versioned", null, future);
    refused.otherwiseEmpty().await(10, TimeUnit.SECONDS);
    ReplyException e = (ReplyException) refused.cause();
    assertEquals(BusProtocol.UNSUPPORTED_VERSION, e.failureCode());
    assertTrue(e.getMessage().contains("protocol version 2.0 is not supported"), e.getMessage());
    vertx.eventBus().consumer("test.typed", msg -> {
      if (BusProtocol.accepts(msg, LoadRequest.TYPE)) {
        msg.reply("handled");
      }
    }).completion().await(10, TimeUnit.SECONDS);
    assertEquals("handled", vertx.eventBus().request("test.typed", null, BusProtocol.options(request))
        .await(10, TimeUnit.SECONDS).body());
    var mistyped = vertx.eventBus().request("test.typed", null, BusProtocol.options(new CacheMessage.StatsRequest()));
    mistyped.otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertEquals(ErrorCode.INVALID_REQUEST.status(), ((ReplyException) mistyped.cause()).failureCode());
    assertEquals("unknown message type 'stats-request' on test.typed", mistyped.cause().getMessage());
    var unversioned = vertx.eventBus().request("test.versioned", null);
    unversioned.otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertEquals(BusProtocol.UNSUPPORTED_VERSION, ((ReplyException) unversioned.cause()).failureCode());
  }
}
