package com.ervc.provider.cloud;

import com.ervc.audio.Pcm16;
import com.ervc.audio.Resampler;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every cloud provider shares, run against each provider's fake: streaming, resampling,
 * back-pressure, each error mode's normalised error and retry count, and that the key never reaches a log or
 * an error message. Subclasses add the provider's own request mapping tests.
 */
public abstract class CloudProviderContract {
  /** Every emotion with every tier: the cases of each provider's request-mapping test. */
  protected static Stream<Arguments> emotionsAndTiers() {
    return Arrays.stream(Emotion.values())
        .flatMap(e -> Arrays.stream(QualityTier.values()).map(t -> Arguments.of(e, t)));
  }

  protected static final String KEY = "sk-test-S3CRET-key-0123456789abcdef";
  protected static final String TEXT = "Great news, your order shipped!";

  protected Vertx fakeVertx;
  protected FakeCloudServer fake;
  protected ProviderHarness provider;
  private ListAppender<ILoggingEvent> logs;

  protected abstract FakeCloudServer newFake(Vertx vertx, String key);

  /** The provider's own settings pointing at {@code url} with {@code key} (null: leave the key unset). */
  protected abstract Map<String, String> providerEnv(String url, String key);

  protected abstract BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> factory();

  protected abstract String voice();

  /** The path synthesis requests go to. */
  protected abstract String synthesisPath();

  /** The environment variable of the key, which the unavailable provider must name. */
  protected abstract String keyEnv();

  @BeforeEach
  void startFakeAndProvider() throws Exception {
    logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
    fakeVertx = Vertx.vertx();
    fake = newFake(fakeVertx, KEY).start();
    provider = ProviderHarness.deploy(factory(), env(KEY));
  }

  @AfterEach
  void stopAndCheckLogs() throws Exception {
    if (provider != null) {
      provider.close();
    }
    fake.close();
    fakeVertx.close().await(10, TimeUnit.SECONDS);
    root().detachAppender(logs);
    for (ILoggingEvent event : logs.list) {
      String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
      assertFalse(text.contains(KEY), "the key leaked into a log line: " + text);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  protected Map<String, String> env(String key) {
    Map<String, String> env = new HashMap<>(providerEnv(fake.url(), key));
    env.put("CLOUD_CONNECT_TIMEOUT_MS", "1000");
    env.put("CLOUD_FIRST_BYTE_TIMEOUT_MS", "1000");
    env.put("CLOUD_STALL_TIMEOUT_MS", "1000");
    env.put("CLOUD_TOTAL_TIMEOUT_MS", "8000");
    env.put("CLOUD_MAX_RETRY_WAIT_MS", "1000");
    return env;
  }

  protected TtsRequest request(String text, Emotion emotion, double intensity, QualityTier tier, int rate) {
    return new TtsRequest(text, providerName(), voice(), emotion, intensity, tier, 1.0, 0.0, rate);
  }

  protected TtsRequest plain(String text) {
    return request(text, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 24_000);
  }

  protected String providerName() {
    try {
      return provider.info().name();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of one synthesis (which must fail), as the client would get it. */
  protected SpeechException failure(TtsRequest request) throws Exception {
    Throwable failure = provider.synthesize(request, pcm -> Future.succeededFuture())
        .transform(ar -> Future.succeededFuture(ar.failed() ? ar.cause() : null))
        .await(20, TimeUnit.SECONDS);
    SpeechException error = assertInstanceOf(SpeechException.class, failure, "the synthesis failed");
    assertFalse(error.getMessage().contains(KEY), error.getMessage());
    return error;
  }

  protected int synthesisRequests() {
    return fake.received(synthesisPath()).size();
  }

  @Test
  void audioArrivesCompleteAndInOrder() throws Exception {
    List<Buffer> chunks = provider.chunks(plain(TEXT));

    assertTrue(chunks.size() > 1, "streamed in several chunks, got " + chunks.size());
    chunks.forEach(c -> assertEquals(0, c.length() % 2, "every chunk holds whole samples"));
    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(chunks));
  }

  @Test
  void audioIsResampledToTheSessionRate() throws Exception {
    Buffer pcm = ProviderHarness.joined(provider.chunks(request(TEXT, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 16_000)));

    short[] expected = Resampler.resample(Pcm16.fromLittleEndian(FakeCloudServer.pcmFor(TEXT).getBytes()), 24_000, 16_000);
    assertArrayEquals(expected, Pcm16.fromLittleEndian(pcm.getBytes()));
  }

  @Test
  void firstChunkIsForwardedBeforeTheResponseEnds() throws Exception {
    fake.failNext(FakeCloudServer.Fault.HOLD_AFTER_FIRST_CHUNK);
    AtomicInteger writes = new AtomicInteger();
    AtomicBoolean endedBeforeFirstWrite = new AtomicBoolean(true);
    Buffer all = Buffer.buffer();
    provider.synthesize(plain(TEXT), pcm -> {
      if (writes.getAndIncrement() == 0) {
        endedBeforeFirstWrite.set(fake.lastResponseEnded());
        fake.release();
      }
      synchronized (all) {
        all.appendBuffer(pcm);
      }
      return Future.succeededFuture();
    }).await(20, TimeUnit.SECONDS);

    assertFalse(endedBeforeFirstWrite.get(), "the first chunk reached AudioOut while the response was still open");
    assertEquals(FakeCloudServer.pcmFor(TEXT), all);
  }

  @Test
  void aSlowConsumerPausesTheResponseAndLosesNothing() throws Exception {
    Buffer all = Buffer.buffer();
    AtomicInteger pending = new AtomicInteger();
    AtomicInteger maxPending = new AtomicInteger();
    provider.synthesize(plain(TEXT), pcm -> {
      all.appendBuffer(pcm);
      maxPending.accumulateAndGet(pending.incrementAndGet(), Math::max);
      Promise<Void> taken = Promise.promise();
      fakeVertx.setTimer(40, id -> {
        pending.decrementAndGet();
        taken.complete();
      });
      return taken.future();
    }).await(20, TimeUnit.SECONDS);

    assertEquals(1, maxPending.get(), "no write while the previous one was pending");
    assertEquals(FakeCloudServer.pcmFor(TEXT), all);
  }

  @Test
  void consecutiveRequestsReuseOneKeptAliveConnection() throws Exception {
    for (int i = 0; i < 3; i++) {
      provider.chunks(plain(TEXT + " " + i));
    }

    List<Integer> ports = fake.received(synthesisPath()).stream().map(FakeCloudServer.Received::clientPort).toList();
    assertEquals(3, ports.size());
    assertEquals(1, ports.stream().distinct().count(), "one pooled connection: " + ports);
  }

  @Test
  void requestsBeyondThePoolWaitForAConnection() throws Exception {
    try (ProviderHarness oneConnection = ProviderHarness.deploy(factory(), withEnv("CLOUD_MAX_CONNECTIONS", "1"))) {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        all.add(oneConnection.synthesize(plain(TEXT + " " + i), pcm -> Future.succeededFuture()));
      }
      Future.all(all).await(20, TimeUnit.SECONDS);
    }
    List<Integer> ports = fake.received(synthesisPath()).stream().map(FakeCloudServer.Received::clientPort).toList();
    assertEquals(3, ports.size());
    assertEquals(1, ports.stream().distinct().count(), "all three went over the one connection: " + ports);
  }

  protected Map<String, String> withEnv(String name, String value) {
    Map<String, String> env = env(KEY);
    env.put(name, value);
    return env;
  }

  @Test
  void aConsumerThatGoesAwayEndsTheRequest() throws Exception {
    Throwable failure = provider.synthesize(plain(TEXT), pcm -> Future.failedFuture("client left"))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(20, TimeUnit.SECONDS);

    assertInstanceOf(SpeechException.class, failure);
    assertEquals(1, synthesisRequests(), "not retried");
  }

  @Test
  void rejectedCredentialsDisableTheProviderWithoutRetry() throws Exception {
    fake.failNext(FakeCloudServer.Fault.UNAUTHORIZED);
    int before = synthesisRequests();

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertFalse(error.retryable());
    assertTrue(error.getMessage().contains("rejected the configured credentials"), error.getMessage());
    assertEquals(before + 1, synthesisRequests());
    ProviderInfo info = provider.info();
    assertFalse(info.available());
    assertTrue(info.detail().contains("credentials"), info.detail());
    // The capture works (so the key check after each test means something): the failure was logged.
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("AUTH")), "the failure is logged");
  }

  @Test
  void exhaustedQuotaDisablesTheProviderWithoutRetry() throws Exception {
    fake.failNext(FakeCloudServer.Fault.QUOTA);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertFalse(error.retryable());
    assertTrue(error.getMessage().contains("out of quota"), error.getMessage());
    assertEquals(1, synthesisRequests());
    assertFalse(provider.info().available());
  }

  @Test
  void aShortRetryAfterIsWaitedOutAndRetriedOnce() throws Exception {
    fake.retryAfterSeconds = 0;
    fake.failNext(FakeCloudServer.Fault.RATE_LIMITED);

    Buffer pcm = ProviderHarness.joined(provider.chunks(plain(TEXT)));

    assertEquals(FakeCloudServer.pcmFor(TEXT), pcm);
    assertEquals(2, synthesisRequests());
  }

  @Test
  void aLongRetryAfterFailsAtOnceAndTheProviderBacksOff() throws Exception {
    fake.retryAfterSeconds = 30;
    fake.failNext(FakeCloudServer.Fault.RATE_LIMITED);

    SpeechException error = failure(plain(TEXT));
    SpeechException meanwhile = failure(plain(TEXT));

    assertEquals(ErrorCode.RATE_LIMITED, error.code());
    assertTrue(error.retryable(), "the router may try another provider");
    assertTrue(error.getMessage().contains("retry after 30000 ms"), error.getMessage());
    assertEquals(ErrorCode.RATE_LIMITED, meanwhile.code());
    assertEquals(1, synthesisRequests(), "no request is sent while backing off");
    assertTrue(provider.info().available(), "rate limits do not disable the provider");
  }

  @Test
  void aServerErrorIsRetriedOnce() throws Exception {
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);

    Buffer pcm = ProviderHarness.joined(provider.chunks(plain(TEXT)));

    assertEquals(FakeCloudServer.pcmFor(TEXT), pcm);
    assertEquals(2, synthesisRequests());
  }

  @Test
  void twoServerErrorsFailRetryably() throws Exception {
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.retryable());
    assertTrue(error.getMessage().contains("failed with HTTP 5"), error.getMessage());
    assertEquals(2, synthesisRequests());
    assertTrue(provider.info().available());
  }

  @Test
  void aStallBeforeTheFirstByteTimesOutAndIsRetriedOnce() throws Exception {
    fake.failNext(FakeCloudServer.Fault.STALL_BEFORE_FIRST_BYTE);
    fake.failNext(FakeCloudServer.Fault.STALL_BEFORE_FIRST_BYTE);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.retryable());
    assertTrue(error.getMessage().contains("sent no audio within 1000 ms"), error.getMessage());
    assertEquals(2, synthesisRequests());
  }

  @Test
  void aStallMidStreamFailsWithoutRepeatingAudio() throws Exception {
    fake.failNext(FakeCloudServer.Fault.STALL_MID_STREAM);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.getMessage().contains("stalled for 1000 ms"), error.getMessage());
    assertEquals(1, synthesisRequests(), "audio was already passed on: a retry would repeat it");
  }

  @Test
  void aTruncatedBodyFails() throws Exception {
    fake.failNext(FakeCloudServer.Fault.TRUNCATED);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.getMessage().contains("broke off"), error.getMessage());
    assertEquals(1, synthesisRequests());
  }

  @Test
  void withoutAKeyTheProviderIsAnnouncedUnavailableWithTheReason() throws Exception {
    try (ProviderHarness unconfigured = ProviderHarness.deploy(factory(), env(null))) {
      ProviderInfo info = unconfigured.info();
      assertFalse(info.available());
      assertTrue(info.detail().contains(keyEnv()), info.detail());
    }
  }
}
