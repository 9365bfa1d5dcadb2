package com.ervc.pipeline;

import com.ervc.cluster.StreamOutput;
import com.ervc.config.ConfigLoader;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import com.ervc.protocol.TtsRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job's ordering, framing and failover logic, driven by hand: provider streams are fed by the test. */
class SpeechJobTest {
  private static final Route A = new Route("tone", "a", "node-a", "addr-a", "v");
  private static final Route B = new Route("tone", "b", "node-b", "addr-b", "v");
  /** 8000 Hz × 1 ms → frames of 16 bytes. */
  private static final int FRAME = 16;
  private static final ServiceMetrics METRICS = ServiceMetrics.create("test");

  /** An in-memory end of the stream that records what the client would get. */
  private static class Recorded implements StreamOutput {
    final List<String> types = new ArrayList<>();
    final List<Object> bodies = new ArrayList<>();

    @Override
    public Future<Void> send(StreamMessage message) {
      types.add(message.type());
      bodies.add(message.body());
      return Future.succeededFuture();
    }

    @Override
    public boolean isBroken() {
      return false;
    }

    Buffer audio() {
      Buffer all = Buffer.buffer();
      for (int i = 0; i < types.size(); i++) {
        if (types.get(i).equals("audio")) {
          all.appendBuffer((Buffer) bodies.get(i));
        }
      }
      return all;
    }

    JsonObject last() {
      return (JsonObject) bodies.get(bodies.size() - 1);
    }
  }

  private final Map<String, SentenceStream> opened = new HashMap<>();
  private Deadlines deadlines = new Deadlines(1000, 1000, Deadlines.NO_HEDGE);
  private final List<String> requests = new ArrayList<>();
  private final Map<String, TtsRequest> asked = new HashMap<>();

  private Future<SentenceStream> open(TtsRequest sentence, Route route) {
    String key = sentence.text() + "@" + route.instanceId();
    asked.put(key, sentence);
    requests.add(key);
    SentenceStream stream = new SentenceStream(route, deadlines, false, 0);
    opened.put(key, stream);
    return Future.succeededFuture(stream);
  }

  private static Buffer pcm(String text, int from, int to) {
    Buffer b = Buffer.buffer();
    for (int i = from; i < to; i++) {
      b.appendByte((byte) (text.hashCode() + i));
    }
    return b;
  }

  private SpeechJob job(List<String> sentences, SpeechJob.Rerouter rerouter, Recorded out) {
    return new SpeechJob(request(), sentences, A, this::open, rerouter, null, null, METRICS, out, 1);
  }

  private static TtsRequest request() {
    return TtsRequest.parse(new JsonObject().put("text", "x"), 1000, 8000);
  }

  @Test
  void forwardsTheCurrentSentenceAsItArrivesInFramesAndBuffersTheNext() {
    Recorded out = new Recorded();
    Future<Void> done = job(List.of("one", "two"), null, out).run();
    assertEquals(List.of("one@a", "two@a"), requests, "the next sentence is requested ahead");
    assertEquals("one", asked.get("two@a").previousText(), "each sentence knows its neighbours");
    assertEquals("two", asked.get("one@a").nextText());
    assertEquals(null, asked.get("one@a").previousText());
    assertEquals("tone", asked.get("one@a").provider());
    assertEquals("v", asked.get("one@a").voice());
    opened.get("two@a").audio(pcm("two", 0, 20), 1);
    opened.get("two@a").end();
    opened.get("one@a").audio(pcm("one", 0, 20), 1);
    assertEquals(List.of("start", "sentence", "audio"), out.types, "a whole frame goes out at once");
    opened.get("one@a").audio(pcm("one", 20, 30), 2);
    opened.get("one@a").end();
    assertTrue(done.succeeded());
    assertEquals(List.of("start", "sentence", "audio", "audio", "sentence", "audio", "audio", "end"), out.types);
    assertEquals(FRAME, ((Buffer) out.bodies.get(2)).length());
    assertEquals(30 - FRAME, ((Buffer) out.bodies.get(3)).length(), "a sentence's last frame may be shorter");
    assertEquals(pcm("one", 0, 30).appendBuffer(pcm("two", 0, 20)), out.audio());
    assertEquals(0, out.last().getJsonArray("switches").size());
  }

  @Test
  void aFailureMidSentenceResumesOnTheNextRouteWithoutRepeatingWhatWasSent() {
    Recorded out = new Recorded();
    List<Set<String>> excludedSeen = new ArrayList<>();
    SpeechJob.Rerouter rerouter = (failed, excluded) -> {
      excludedSeen.add(Set.copyOf(excluded));
      return Future.succeededFuture(B);
    };
    Future<Void> done = job(List.of("one", "two"), rerouter, out).run();
    opened.get("one@a").audio(pcm("one", 0, 40), 1); // two frames sent, 8 bytes pending
    opened.get("one@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "stalled"));
    assertEquals(List.of(Set.of("a")), excludedSeen);
    assertTrue(requests.containsAll(List.of("one@b", "two@b")), "the sentence and the one ahead, again: " + requests);
    opened.get("one@b").audio(pcm("one", 0, 50), 1); // the replacement starts from the beginning
    opened.get("one@b").end();
    opened.get("two@b").audio(pcm("two", 0, 10), 1);
    opened.get("two@b").end();
    assertTrue(done.succeeded());
    assertEquals(pcm("one", 0, 50).appendBuffer(pcm("two", 0, 10)), out.audio(), "every byte once, in order");
    assertEquals(2, out.types.stream().filter("sentence"::equals).count(), "no sentence announced twice");
    JsonObject sw = out.last().getJsonArray("switches").getJsonObject(0);
    assertEquals(0, sw.getInteger("sentence"));
    assertEquals(20, sw.getInteger("resumedAtSample"), "the 40 bytes the pipeline held (two frames sent, 8 bytes "
        + "of the next) are kept");
    assertEquals("node-a", sw.getString("fromNode"));
    assertEquals("node-b", sw.getString("toNode"));
    assertEquals("stalled", sw.getString("reason"));
    assertEquals("tone", out.last().getString("provider"));
  }

  @Test
  void withoutSwitchingOrWithoutAnotherRouteTheReplyEndsWithTheError() {
    Recorded out = new Recorded();
    Future<Void> done = job(List.of("one"), (failed, excluded) -> Future.failedFuture("none left"), out).run();
    opened.get("one@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "engine down"));
    assertTrue(done.failed());
    assertEquals("error", out.types.get(out.types.size() - 1));
    assertEquals("engine down; no other provider instance could take over: none left", out.last().getString("message"),
        "the provider's own error first");
    assertFalse(opened.containsKey("one@b"));
  }

  @Test
  void anInstanceThatFailedEarlierIsTakenAgainOnlyWhenNoOtherIsLeftAndSwitchesAreBounded() {
    Recorded out = new Recorded();
    List<Set<String>> asked = new ArrayList<>();
    SpeechJob.Rerouter rerouter = (failed, excluded) -> {
      asked.add(Set.copyOf(excluded));
      return excluded.size() > 1 ? Future.failedFuture("none left") : Future.succeededFuture(failed == A ? B : A);
    };
    Future<Void> done = job(List.of("one"), rerouter, out).run();
    opened.get("one@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "busy"));
    opened.get("one@b").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "stalled"));
    assertEquals(List.of(Set.of("a"), Set.of("a", "b"), Set.of("b")), asked, "A again, once B failed too");
    for (int i = 0; i < SpeechJob.MAX_SWITCHES; i++) {
      Route current = i % 2 == 0 ? A : B;
      opened.get("one@" + current.instanceId()).fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "again"));
    }
    assertTrue(done.failed());
    assertEquals(1 + SpeechJob.MAX_SWITCHES, requests.size(), "the first route and one per switch: " + requests);
    assertEquals("error", out.types.get(out.types.size() - 1));
    assertEquals("again", out.last().getString("message"));
  }

  @Test
  void aBadRequestIsNotFailedOver() {
    Recorded out = new Recorded();
    List<Route> asked = new ArrayList<>();
    job(List.of("one"), (failed, excluded) -> {
      asked.add(failed);
      return Future.succeededFuture(B);
    }, out).run();
    opened.get("one@a").fail(new SpeechException(ErrorCode.INVALID_REQUEST, "voice not offered"));
    assertEquals(List.of(), asked);
    assertEquals("invalid_request", out.last().getString("code"));
  }

  @Test
  void aLateFirstByteIsHedgedAndTheFasterAnswerIsPlayedOnceTheOtherCancelled() {
    Recorded out = new Recorded();
    deadlines = new Deadlines(1000, 1000, 50);
    List<Long> delays = new ArrayList<>();
    List<Runnable> timers = new ArrayList<>();
    List<Set<String>> hedgeExcluded = new ArrayList<>();
    double wonBefore = hedges("won");
    List<Route> hedgesDone = new ArrayList<>();
    Future<Void> done = new SpeechJob(request(), List.of("one"), A, this::open, (failed, excluded) -> Future.succeededFuture(B),
        hedger(B, hedgeExcluded, hedgesDone), (ms, task) -> {
          delays.add(ms);
          timers.add(task);
        }, METRICS, out, 1).run();
    assertEquals(1, timers.size(), "the hedge is armed once the sentence's turn comes");
    assertTrue(delays.get(0) <= 50);
    timers.get(0).run();
    assertEquals(List.of(Set.of("a")), hedgeExcluded, "never the late instance itself");
    assertEquals(List.of("one@a", "one@b"), requests);
    opened.get("one@b").audio(pcm("one", 0, 20), 1);
    opened.get("one@b").end();
    opened.get("one@a").audio(pcm("one", 100, 120), 2); // the late answer comes after all: dropped
    assertTrue(opened.get("one@a").whole().failed(), "the slower stream was cancelled");
    assertTrue(done.succeeded());
    assertEquals(pcm("one", 0, 20), out.audio(), "the sentence once, from the faster instance");
    assertEquals(1, out.types.stream().filter("sentence"::equals).count());
    assertEquals(wonBefore + 1, hedges("won"));
    assertEquals(List.of(B), hedgesDone, "the hedge's instance is told once its sentence ended");
  }

  private static SpeechJob.Hedger hedger(Route second, List<Set<String>> excludedSeen, List<Route> done) {
    return new SpeechJob.Hedger() {
      @Override
      public Future<Route> hedge(Route current, Set<String> excluded) {
        excludedSeen.add(Set.copyOf(excluded));
        return Future.succeededFuture(second);
      }

      @Override
      public void done(Route route) {
        done.add(route);
      }
    };
  }

  @Test
  void anAnswerBeforeTheHedgeTimeSendsNoHedge() {
    Recorded out = new Recorded();
    deadlines = new Deadlines(1000, 1000, 50);
    List<Runnable> timers = new ArrayList<>();
    double sentBefore = hedges("sent");
    Future<Void> done = new SpeechJob(request(), List.of("one"), A, this::open, null,
        hedger(B, new ArrayList<>(), new ArrayList<>()), (ms, task) -> timers.add(task), METRICS, out, 1).run();
    opened.get("one@a").audio(pcm("one", 0, 20), 1);
    opened.get("one@a").end();
    timers.forEach(Runnable::run);
    assertTrue(done.succeeded());
    assertEquals(List.of("one@a"), requests);
    assertEquals(sentBefore, hedges("sent"));
  }

  @Test
  void aLookaheadSentenceThatFailsIsAskedOfTheNextRouteAtOnceNotWhenItsTurnComes() {
    Recorded out = new Recorded();
    List<Route> failedRoutes = new ArrayList<>();
    Future<Void> done = job(List.of("one", "two"), (failed, excluded) -> {
      failedRoutes.add(failed);
      return Future.succeededFuture(B);
    }, out).run();
    opened.get("one@a").audio(pcm("one", 0, 20), 1);
    opened.get("two@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone"));
    assertEquals(List.of(A), failedRoutes);
    assertTrue(requests.contains("two@b"), "asked again while sentence one still plays: " + requests);
    opened.get("two@b").audio(pcm("two", 0, 10), 1);
    opened.get("two@b").end();
    opened.get("one@a").audio(pcm("one", 20, 30), 2);
    opened.get("one@a").end();
    assertTrue(done.succeeded());
    assertEquals(pcm("one", 0, 30).appendBuffer(pcm("two", 0, 10)), out.audio());
    assertEquals(1, out.last().getJsonArray("switches").getJsonObject(0).getInteger("sentence"));
  }

  @Test
  void theSilenceOfAFailoverIsMeasuredFromTheLastAudioToTheFirstAfterTheSwitch() {
    Recorded out = new Recorded();
    long before = METRICS.registry().get("tts.failover.gap").timer().count();
    Map<String, Long> phasesBefore = new HashMap<>();
    for (String phase : List.of("failed", "requested", "first_audio")) {
      phasesBefore.put(phase, phaseCount(phase));
    }
    job(List.of("one"), (failed, excluded) -> Future.succeededFuture(B), out).run();
    opened.get("one@a").audio(pcm("one", 0, 20), 1);
    opened.get("one@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone"));
    assertEquals(before, METRICS.registry().get("tts.failover.gap").timer().count(), "nothing played since");
    opened.get("one@b").audio(pcm("one", 0, 40), 1);
    assertEquals(before + 1, METRICS.registry().get("tts.failover.gap").timer().count());
    phasesBefore.forEach((phase, count) -> assertEquals(count + 1, phaseCount(phase), "each part is measured once: "
        + phase));
  }

  private static long phaseCount(String phase) {
    Timer timer = METRICS.registry().find("tts.failover.phase").tag("phase", phase)
        .timer();
    return timer == null ? 0 : timer.count();
  }

  private static double hedges(String outcome) {
    Counter counter = METRICS.registry().find("tts.hedges").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  /** A client that takes each frame only when the test releases it (a real-time player reading at its pace). */
  private static final class SlowClient extends Recorded {
    final List<Promise<Void>> waiting = new ArrayList<>();

    @Override
    public Future<Void> send(StreamMessage message) {
      super.send(message);
      if (!message.type().equals("audio")) {
        return Future.succeededFuture();
      }
      Promise<Void> taken = Promise.promise();
      waiting.add(taken);
      return taken.future();
    }

    /** Takes every frame sent so far (and those they let out), as a player would over time. */
    void takeAll() {
      while (!waiting.isEmpty()) {
        waiting.remove(0).complete();
      }
    }
  }

  @Test
  void theAudioThePipelineHeldGoesOutWhileTheSentenceIsAskedAgainAndTheReplacementContinuesBehindIt() {
    SlowClient out = new SlowClient();
    long gapsBefore = METRICS.registry().get("tts.failover.gap").timer().count();
    Future<Void> done = job(List.of("one", "two"), (failed, excluded) -> Future.succeededFuture(B), out).run();
    SentenceStream failed = opened.get("one@a");
    failed.audio(pcm("one", 0, 40), 1); // one frame with the client, the rest held back by it
    failed.audio(pcm("one", 40, 70), 2);
    assertEquals(1, out.waiting.size(), "the client has taken nothing yet");
    failed.fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone"));
    assertTrue(requests.contains("one@b"), "asked again at once, not once the held audio went out: " + requests);
    out.takeAll();
    assertEquals(pcm("one", 0, 64), out.audio(), "every whole frame of the 70 bytes held went out");
    opened.get("one@b").audio(pcm("one", 0, 50), 1);
    assertEquals(pcm("one", 0, 64), out.audio(), "the replacement's first bytes were known already");
    opened.get("one@b").audio(pcm("one", 50, 90), 2);
    opened.get("one@b").end();
    out.takeAll();
    opened.get("two@b").audio(pcm("two", 0, 10), 1);
    opened.get("two@b").end();
    out.takeAll();
    assertTrue(done.succeeded());
    assertEquals(pcm("one", 0, 90).appendBuffer(pcm("two", 0, 10)), out.audio(), "every byte once, in order");
    assertEquals(35, out.last().getJsonArray("switches").getJsonObject(0).getInteger("resumedAtSample"),
        "the replacement's audio is used from the end of what the failed stream had delivered");
    assertEquals(gapsBefore + 1, METRICS.registry().get("tts.failover.gap").timer().count(),
        "one failover silence, measured from the last held frame");
  }

  @Test
  void aHedgeAskedBeforeTheFirstInstanceDiedTakesOverWithoutAFreshRequest() {
    Recorded out = new Recorded();
    deadlines = new Deadlines(1000, 1000, 50);
    List<Runnable> timers = new ArrayList<>();
    double wonBefore = hedges("won");
    List<Route> reroutedFrom = new ArrayList<>();
    Future<Void> done = new SpeechJob(request(), List.of("one", "two"), A, this::open, (failed, excluded) -> {
      reroutedFrom.add(failed);
      return Future.succeededFuture(B);
    }, hedger(B, new ArrayList<>(), new ArrayList<>()), (ms, task) -> timers.add(task), METRICS, out, 1).run();
    timers.get(0).run();
    assertEquals(List.of("one@a", "two@a", "one@b"), requests, "the late sentence hedged on B");
    opened.get("one@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone (connection)"));
    opened.get("two@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone (connection)"));
    assertEquals(List.of(A), reroutedFrom, "the reply moved once");
    assertEquals(List.of("one@a", "two@a", "one@b", "two@b"), requests,
        "sentence one is not asked again: its hedge, in flight on B, takes over");
    opened.get("one@b").audio(pcm("one", 0, 30), 1);
    opened.get("one@b").end();
    opened.get("two@b").audio(pcm("two", 0, 10), 1);
    opened.get("two@b").end();
    assertTrue(done.succeeded());
    assertEquals(pcm("one", 0, 30).appendBuffer(pcm("two", 0, 10)), out.audio(), "every byte once, in order");
    assertEquals(2, out.types.stream().filter("sentence"::equals).count(), "no sentence announced twice");
    assertEquals(wonBefore + 1, hedges("won"));
    assertEquals(0, out.last().getJsonArray("switches").getJsonObject(0).getInteger("sentence"));
  }

  @Test
  void everyLookaheadSentenceOfADeadNodeIsAskedAgainAtOnceWhicheverFailureTellsFirst() {
    Recorded out = new Recorded();
    List<Route> reroutedFrom = new ArrayList<>();
    Future<Void> done = job(List.of("one", "two", "three"), (failed, excluded) -> {
      reroutedFrom.add(failed);
      return Future.succeededFuture(B);
    }, out).run();
    opened.get("one@a").audio(pcm("one", 0, 20), 1);
    // The node's streams fail in no particular order: here the later sentence's first.
    opened.get("three@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone (connection)"));
    opened.get("two@a").fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "node gone (connection)"));
    assertEquals(List.of(A), reroutedFrom, "one switch");
    assertTrue(requests.containsAll(List.of("two@b", "three@b")),
        "both asked again while sentence one still plays: " + requests);
    opened.get("one@a").end();
    opened.get("three@b").audio(pcm("three", 0, 10), 1);
    opened.get("three@b").end();
    opened.get("two@b").audio(pcm("two", 0, 10), 1);
    opened.get("two@b").end();
    assertTrue(done.succeeded());
    assertEquals(pcm("one", 0, 20).appendBuffer(pcm("two", 0, 10)).appendBuffer(pcm("three", 0, 10)), out.audio());
    assertEquals(3, out.types.stream().filter("sentence"::equals).count(), "no sentence announced twice");
    assertEquals(5, requests.size(), "the three first requests and each lookahead once more, nothing else: " + requests);
  }

  @Test
  void whenANodeDiesTheSentenceBeingPlayedIsAskedAgainBeforeTheSentencesAhead() {
    // The pipeline's real receiver of provider streams fails the dead node's streams. Its stream ids are chosen so
    // that a hash map would list them as "three", "one", "two": only the order they were requested in puts the
    // sentence being played first on the new instance, instead of behind the two ahead of it (on an instance with
    // two workers it would wait for both to be synthesized).
    Vertx vertx = Vertx.vertx();
    try {
      ProviderReceiver receiver =
          new ProviderReceiver(vertx, new DeadlinePolicy(ConfigLoader.load(null, Map.of()).tts()));
      List<String> failedInOrder = new ArrayList<>();
      Recorded out = new Recorded();
      long gapsBefore = METRICS.registry().get("tts.failover.gap").timer().count();
      double gapMsBefore = METRICS.registry().get("tts.failover.gap").timer().totalTime(TimeUnit.MILLISECONDS);
      Future<Void> done = new SpeechJob(request(), List.of("one", "two", "three"), A,
          (sentence, route) -> open(sentence, route).onSuccess(stream -> {
            receiver.register("s" + requests.size(), stream);
            stream.whole().onFailure(failure -> failedInOrder.add(sentence.text() + "@" + route.instanceId()));
          }), (failed, excluded) -> Future.succeededFuture(B), null, null, METRICS, out, 1).run();
      opened.get("one@a").audio(pcm("one", 0, 20), 1);
      assertEquals(List.of("one@a", "two@a", "three@a"), requests);

      assertEquals(3, receiver.nodeGone("node-a", "connection"));

      assertEquals("one@a", failedInOrder.get(0), "the stream being played fails first: " + failedInOrder);
      assertEquals(List.of("one@b", "two@b", "three@b"), requests.subList(3, requests.size()),
          "the sentence being played is asked again first, then those ahead, each once");
      opened.get("one@b").audio(pcm("one", 0, 50), 1);
      opened.get("one@b").end();
      for (String sentence : List.of("two", "three")) {
        opened.get(sentence + "@b").audio(pcm(sentence, 0, 10), 1);
        opened.get(sentence + "@b").end();
      }
      assertTrue(done.succeeded());
      assertEquals(pcm("one", 0, 50).appendBuffer(pcm("two", 0, 10)).appendBuffer(pcm("three", 0, 10)), out.audio(),
          "every byte once, in order: the replacement continues behind the 20 bytes already sent");
      assertEquals(3, out.types.stream().filter("sentence"::equals).count(), "no sentence announced twice");
      assertEquals(1, out.last().getJsonArray("switches").size());
      assertEquals(0, out.last().getJsonArray("switches").getJsonObject(0).getInteger("sentence"));
      assertEquals(gapsBefore + 1, METRICS.registry().get("tts.failover.gap").timer().count());
      System.out.printf("failover gap (in-memory streams, no synthesis): %.3f ms%n",
          METRICS.registry().get("tts.failover.gap").timer().totalTime(TimeUnit.MILLISECONDS) - gapMsBefore);
    } finally {
      vertx.close().await();
    }
  }
}
