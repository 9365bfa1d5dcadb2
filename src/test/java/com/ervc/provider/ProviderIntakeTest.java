package com.ervc.provider;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Dispatch by message type, the order of the checks, and admission, without Vert.x. */
class ProviderIntakeTest {
  private static final ProviderInfo SERVING = new ProviderInfo("tone", "node-1", true, "a",
      List.of(new ProviderInfo.Voice("a", "A", "en", "neutral"), new ProviderInfo.Voice("b", "B", "en", "neutral")),
      List.of("neutral"), List.of("balanced"), true, false, 24_000, "ready");
  private final AtomicLong now = new AtomicLong(1_000);
  private final Admission admission = new Admission(1, 4, now::get);
  private final CircuitBreaker breaker = new CircuitBreaker(1, 5_000, now::get);
  private final ProviderIntake intake = new ProviderIntake("tone", admission, breaker, false);

  private static TtsRequest request(String voice) {
    return TtsRequest.parse(new JsonObject().put("text", "Hello.").put("voice", voice), 100, 24_000);
  }

  private static Object sentence(String voice, String reply) {
    return new ProviderMessage.Sentence(request(voice), "tts.pipeline.receiver.r", "s-" + reply, reply).body();
  }

  private ProviderIntake.Refuse refused(ProviderInfo serving, String type, Object body) {
    return assertInstanceOf(ProviderIntake.Refuse.class, intake.decide(serving, type, body));
  }

  @Test
  void aStreamedSentenceIsAdmittedWithTheDefaultVoiceFilledIn() {
    ProviderIntake.Run run = assertInstanceOf(ProviderIntake.Run.class,
        intake.decide(SERVING, ProviderMessage.Sentence.TYPE, sentence(null, "r1")));
    assertEquals("a", run.sentence().voice());
    assertEquals("tone", run.sentence().provider());
    assertEquals("r1", run.reply());
    assertEquals("s-r1", run.streamed().stream());
    assertEquals(1, admission.sentences());
  }

  @Test
  void aProbeIsAWholeReplyOfItsOwn() {
    ProviderIntake.Run run = assertInstanceOf(ProviderIntake.Run.class,
        intake.decide(SERVING, ProviderMessage.Probe.TYPE, new ProviderMessage.Probe(request("b")).body()));
    assertNull(run.streamed());
    assertEquals("b", run.sentence().voice());
    assertEquals(1, admission.replies());
  }

  @Test
  void aProviderThatChecksProbesAnswersThemWithoutASlotAfterTheSameChecks() {
    ProviderIntake checking = new ProviderIntake("tone", admission, breaker, true);
    Object probe = new ProviderMessage.Probe(request(null)).body();
    ProviderIntake.Check check = assertInstanceOf(ProviderIntake.Check.class,
        checking.decide(SERVING, ProviderMessage.Probe.TYPE, probe));
    assertEquals("a", check.probe().voice());
    assertEquals(0, admission.replies(), "a checked probe takes no admission slot");
    assertInstanceOf(ProviderIntake.Run.class, checking.decide(SERVING, ProviderMessage.Sentence.TYPE, sentence("a", "r1")));
    assertInstanceOf(ProviderIntake.Check.class, checking.decide(SERVING, ProviderMessage.Probe.TYPE, probe),
        "a full instance still answers a checked probe");

    assertEquals("voice 'zz' is not offered by provider 'tone' (see GET /api/v1/voices)",
        assertInstanceOf(ProviderIntake.Refuse.class, checking.decide(SERVING, ProviderMessage.Probe.TYPE,
            new ProviderMessage.Probe(request("zz")).body())).message());
    breaker.failure();
    assertEquals("provider 'tone' is failing: its circuit breaker is open; try again shortly",
        assertInstanceOf(ProviderIntake.Refuse.class, checking.decide(SERVING, ProviderMessage.Probe.TYPE, probe))
            .message());
  }

  @Test
  void theTypeHeaderDecidesNotTheBodyKeys() {
    // A streaming body sent as a probe is read as a bare request, and fails as one.
    assertEquals(ErrorCode.INVALID_REQUEST, refused(SERVING, ProviderMessage.Probe.TYPE, sentence("a", "r1")).code());
    ProviderIntake.Refuse unknown = refused(SERVING, "synthesize", new ProviderMessage.Probe(request("a")).body());
    assertEquals("unknown message type 'synthesize' for provider 'tone'", unknown.message());
    assertEquals(ErrorCode.INVALID_REQUEST, refused(SERVING, null, null).code());
  }

  @Test
  void checksRunInOrderStoppingAvailabilityRequestBreakerAdmission() {
    assertEquals("provider 'tone' is stopping", refused(null, ProviderMessage.Sentence.TYPE, sentence("a", "r")).message());
    ProviderInfo unavailable = new ProviderInfo("tone", "node-1", false, null, List.of(), List.of(), List.of(), true,
        false, 24_000, "no key");
    assertEquals("provider 'tone' is unavailable: no key",
        refused(unavailable, ProviderMessage.Sentence.TYPE, new JsonObject()).message());
    assertEquals("voice 'zz' is not offered by provider 'tone' (see GET /api/v1/voices)",
        refused(SERVING, ProviderMessage.Sentence.TYPE, sentence("zz", "r")).message());
    assertEquals("malformed synthesis request", refused(SERVING, ProviderMessage.Sentence.TYPE, "text").message());
    assertEquals("a streaming request needs 'receiver' and 'stream'", refused(SERVING, ProviderMessage.Sentence.TYPE,
        new JsonObject().put("request", request("a").toJson())).message());

    assertInstanceOf(ProviderIntake.Run.class, intake.decide(SERVING, ProviderMessage.Sentence.TYPE, sentence("a", "r1")));
    ProviderIntake.Refuse full = refused(SERVING, ProviderMessage.Sentence.TYPE, sentence("a", "r2"));
    assertEquals("provider 'tone' refused: it is at capacity (1 requests); try again shortly", full.message());
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, full.code());

    breaker.failure();
    assertEquals("provider 'tone' is failing: its circuit breaker is open; try again shortly",
        refused(SERVING, ProviderMessage.Sentence.TYPE, sentence("a", "r1")).message());
  }

  @Test
  void replyDoneFreesTheSlotAndCancelIsHandedOn() {
    assertInstanceOf(ProviderIntake.Run.class, intake.decide(SERVING, ProviderMessage.Sentence.TYPE, sentence("a", "r1")));
    admission.release("r1");
    assertInstanceOf(ProviderIntake.SlotFreed.class,
        intake.decide(SERVING, ProviderMessage.ReplyDone.TYPE, new ProviderMessage.ReplyDone("r1").body()));
    assertEquals(0, admission.replies());
    ProviderIntake.Cancel cancel = assertInstanceOf(ProviderIntake.Cancel.class,
        intake.decide(SERVING, ProviderMessage.Cancel.TYPE, new ProviderMessage.Cancel("s-r1", true).body()));
    assertEquals(new ProviderMessage.Cancel("s-r1", true), cancel.cancel());
    assertEquals("malformed 'cancel' message", refused(SERVING, ProviderMessage.Cancel.TYPE, "s-r1").message());
  }
}
