package com.ervc.provider.cloud;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.ProviderVerticle;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the three cloud providers share: a provider whose settings lack a credential announces itself as
 * unavailable with the reason (and never gets traffic); one whose credentials the service rejects, or whose
 * voice list cannot be read, does the same and checks again every {@link #RECHECK_MS}.
 */
public abstract class CloudProviderVerticle extends ProviderVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(CloudProviderVerticle.class);
  public static final int NATIVE_RATE = 24_000;
  static final long RECHECK_MS = 60_000;

  private CloudHttp http;
  private long recheck = -1;
  private String nodeId;

  protected CloudProviderVerticle(ServiceMetrics metrics, ServiceConfig config) {
    super(metrics, config);
  }

  protected final CloudHttp http() {
    return http;
  }

  /** The environment variables of the missing required settings, empty when the provider can be configured. */
  protected abstract List<String> missingSettings();

  /** Values that must never appear in logs or client messages. */
  protected abstract List<String> secrets();

  /** Reads the voice list (and checks the credentials); the info is available. */
  protected abstract Future<ProviderInfo> describe(String nodeId);

  /** Streams one sentence through {@link #stream}. */
  protected abstract Future<Void> speak(TtsRequest sentence, AudioOut out);

  @Override
  protected int maxQueue() {
    return configuration().providers().cloud().maxQueue();
  }

  @Override
  protected int concurrency() {
    return configuration().providers().cloud().maxConnections();
  }

  /**
   * Called when the service refused the credentials of a request: true when the provider switched to other
   * credentials worth one retry (before it is disabled). None by default.
   */
  protected boolean switchCredentials(CloudError rejection) {
    return false;
  }

  @Override
  protected boolean configured() {
    return missingSettings().isEmpty();
  }

  @Override
  protected final Future<ProviderInfo> probe(String nodeId) {
    this.nodeId = nodeId;
    List<String> missing = missingSettings();
    if (!missing.isEmpty()) {
      return Future.succeededFuture(unavailable("not configured: set " + String.join(" and ", missing)));
    }
    http = new CloudHttp(vertx, name(), configuration().providers().cloud(), secrets(), this::credentialsRejected,
        this::switchCredentials);
    return describe(nodeId).recover(failure -> {
      scheduleRecheck();
      return Future.succeededFuture(unavailable(reason(failure)));
    });
  }

  @Override
  protected final Future<Void> synthesize(TtsRequest sentence, AudioOut out) {
    return speak(sentence, out).recover(failure -> Future.failedFuture(failure instanceof CloudError error
        ? error.toSpeech(name()) : failure));
  }

  /** Streams the raw 24 kHz PCM answer of {@code calls} to {@code out} at the sentence's rate. */
  protected final Future<Void> stream(Supplier<Future<CloudHttp.Call>> calls, TtsRequest sentence, AudioOut out) {
    return http.stream(calls, new PcmSink(out, NATIVE_RATE, sentence.sampleRate()));
  }

  /** A vendor's gender label as the voice list shows it: {@code M}, {@code F} or null (docs/http-api.md). */
  public static String genderCode(String label) {
    if (label == null) {
      return null;
    }
    return switch (label.trim().toLowerCase(Locale.ROOT)) {
      case "female" -> "F";
      case "male" -> "M";
      default -> null;
    };
  }

  private ProviderInfo unavailable(String why) {
    return new ProviderInfo(name(), nodeId, false, null, List.of(), List.of(), List.of(), true, false, NATIVE_RATE, why);
  }

  private static String reason(Throwable failure) {
    return failure instanceof CloudError error ? error.summary() : "voice list failed (" + failure.getClass().getSimpleName() + ")";
  }

  private void credentialsRejected(CloudError error) {
    ProviderInfo current = announced();
    if (current != null && current.available()) {
      LOG.error("{} disabled: {}", name(), reason(error));
      republish(unavailable(reason(error)));
      scheduleRecheck();
    }
  }

  private void scheduleRecheck() {
    if (recheck >= 0) {
      return;
    }
    recheck = vertx.setPeriodic(RECHECK_MS, id -> describe(nodeId).onSuccess(info -> {
      LOG.info("{} is available again", name());
      vertx.cancelTimer(recheck);
      recheck = -1;
      republish(info);
    }));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(recheck);
    return super.stop().eventually(() -> http == null ? Future.succeededFuture() : http.close());
  }
}
