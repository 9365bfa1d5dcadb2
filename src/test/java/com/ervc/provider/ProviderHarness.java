package com.ervc.provider;

import com.ervc.cluster.ProviderDirectory;
import com.ervc.config.ConfigLoader;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Runs one provider verticle in a plain Vert.x, as a node would deploy it, and calls its synthesis directly with
 * an {@link AudioOut} the test controls (the event-bus transport is not involved).
 */
public final class ProviderHarness implements AutoCloseable {
  private final Vertx vertx;
  private final ProviderVerticle verticle;
  private final String name;

  private ProviderHarness(Vertx vertx, ProviderVerticle verticle, String name) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.name = name;
  }

  public static ProviderHarness deploy(BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> factory,
                                       Map<String, String> env)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    ProviderVerticle verticle = factory.apply(ServiceMetrics.create("test"), ConfigLoader.load(null, env));
    try {
      vertx.deployVerticle(verticle).await(20, TimeUnit.SECONDS);
    } catch (Exception | Error e) {
      vertx.close();
      throw e;
    }
    return new ProviderHarness(vertx, verticle, verticle.name());
  }

  /** The instance's current directory entry. */
  public ProviderInfo info() throws Exception {
    // The directory memoises its list for a second; a fresh instance reads the map itself.
    return new ProviderDirectory(vertx).list().await(10, TimeUnit.SECONDS).stream()
        .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  public Future<Void> synthesize(TtsRequest sentence, AudioOut out) {
    return verticle.synthesize(sentence, out);
  }

  /** The chunks one synthesis wrote, in order; throws the synthesis failure. */
  public List<Buffer> chunks(TtsRequest sentence) throws Exception {
    List<Buffer> chunks = new ArrayList<>();
    Promise<Void> done = Promise.promise();
    synthesize(sentence, pcm -> {
      synchronized (chunks) {
        chunks.add(pcm.copy());
      }
      return Future.succeededFuture();
    }).onComplete(done);
    done.future().await(30, TimeUnit.SECONDS);
    synchronized (chunks) {
      return List.copyOf(chunks);
    }
  }

  public static Buffer joined(List<Buffer> chunks) {
    Buffer all = Buffer.buffer();
    chunks.forEach(all::appendBuffer);
    return all;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}
