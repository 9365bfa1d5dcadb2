package com.ervc.provider.cloud;

import com.ervc.config.CloudConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one HTTP client of a cloud provider: pooled keep-alive connections, the configured deadlines (connect,
 * first byte, stall between chunks, total), response bodies streamed into a {@link BodySink} with back-pressure,
 * under the {@link CloudRetry} policy on normalised {@link CloudError}s.
 */
public final class CloudHttp {
  /** The identification Azure requires (docs/providers/azure.md#synthesis-request) and the others accept. */
  public static final String USER_AGENT = "ervc-tts/1.0";
  private static final int MAX_FETCH_BYTES = 8 * 1024 * 1024;

  /** One HTTP exchange; built afresh for each attempt (an auth token may have been renewed). */
  public record Call(HttpMethod method, String url, Map<String, String> headers, Buffer body) {
  }

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent client;
  private final CloudConfig settings;
  private final List<String> secrets;
  private final CloudRetry retry;

  public CloudHttp(Vertx vertx, String provider, CloudConfig settings, List<String> secrets,
                   Consumer<CloudError> onDisabled, Predicate<CloudError> switchCredentials) {
    this.vertx = vertx;
    this.retry = new CloudRetry(vertx, provider, settings, onDisabled, switchCredentials);
    this.context = retry.context();
    this.settings = settings;
    this.secrets = secrets;
    this.client = vertx.httpClientBuilder()
        // No Accept-Encoding: a compressed audio stream would arrive in bursts. SNI always (CDN-fronted APIs).
        .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) settings.connectTimeoutMs())
            .setForceSni(true))
        .with(new PoolOptions().setHttp1MaxSize(settings.maxConnections()))
        .build();
  }

  /** Streams the response body of {@code calls} into {@code sink} under the retry policy. */
  public Future<Void> stream(Supplier<Future<Call>> calls, BodySink sink) {
    return retry.run(deadline -> calls.get().compose(call -> once(call, sink, deadline)), sink);
  }

  /** The retry policy and back-off state, for a provider's other transport. */
  public CloudRetry retry() {
    return retry;
  }

  /** A whole (small) response body, e.g. a voice list or a token, under the same policy. */
  public Future<Buffer> fetch(Supplier<Future<Call>> calls) {
    Buffer[] body = {Buffer.buffer()};
    BodySink collect = new BodySink() {
      @Override
      public Future<Void> write(Buffer chunk) {
        if (body[0].length() + chunk.length() > MAX_FETCH_BYTES) {
          return Future.failedFuture(CloudError.of(CloudError.Kind.SERVER, "response larger than " + MAX_FETCH_BYTES + " bytes"));
        }
        body[0].appendBuffer(chunk);
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> end() {
        return Future.succeededFuture();
      }

      @Override
      public boolean started() {
        return false;
      }
    };
    return stream(() -> calls.get().map(call -> {
      body[0] = Buffer.buffer();
      return call;
    }), collect).map(v -> body[0]);
  }

  /** One attempt: resolves when the body ended and the sink took all of it. */
  private Future<Void> once(Call call, BodySink sink, long deadline) {
    long remaining = deadline - System.currentTimeMillis();
    if (remaining <= 0) {
      return Future.failedFuture(CloudError.of(CloudError.Kind.TIMEOUT,
          "did not finish within " + settings.totalTimeoutMs() + " ms"));
    }
    RequestOptions options = new RequestOptions().setMethod(call.method()).setAbsoluteURI(call.url())
        .setConnectTimeout(Math.min(settings.connectTimeoutMs(), remaining))
        .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    call.headers().forEach(options::putHeader);
    Exchange exchange = new Exchange(sink);
    exchange.total = vertx.setTimer(remaining, id -> exchange.fail(CloudError.of(CloudError.Kind.TIMEOUT,
        "did not finish within " + settings.totalTimeoutMs() + " ms")));
    client.request(options).onComplete(ar -> {
      if (ar.failed()) {
        exchange.fail(CloudRetry.normalise(ar.cause(), settings));
        return;
      }
      HttpClientRequest request = ar.result();
      if (exchange.finished) {
        request.reset(); // the total deadline passed while waiting for a pooled connection
        return;
      }
      exchange.request = request;
      exchange.armStall(settings.firstByteTimeoutMs(), "sent no audio within " + settings.firstByteTimeoutMs() + " ms");
      Future<HttpClientResponse> sent = call.body() == null ? request.send() : request.send(call.body());
      sent.onComplete(response -> {
        if (response.failed()) {
          exchange.fail(CloudRetry.normalise(response.cause(), settings));
        } else {
          exchange.receive(response.result());
        }
      });
    });
    return exchange.done.future();
  }

  /** The state of one attempt; all of it runs on the verticle's context. */
  private final class Exchange {
    final Promise<Void> done = Promise.promise();
    final BodySink sink;
    HttpClientRequest request;
    long total = -1;
    long stall = -1;
    boolean finished;

    Exchange(BodySink sink) {
      this.sink = sink;
    }

    void armStall(long ms, String what) {
      vertx.cancelTimer(stall);
      stall = vertx.setTimer(ms, id -> fail(CloudError.of(CloudError.Kind.TIMEOUT, what)));
    }

    void receive(HttpClientResponse response) {
      if (response.statusCode() / 100 != 2) {
        response.body().onComplete(body -> failAfterBody(CloudError.fromResponse(response.statusCode(), response.headers(),
            body.succeeded() ? body.result() : Buffer.buffer(), secrets)));
        return;
      }
      response.exceptionHandler(e -> fail(CloudError.of(CloudError.Kind.SERVER,
          "audio stream broke off (" + e.getClass().getSimpleName() + ")")));
      response.handler(chunk -> {
        if (finished) {
          return;
        }
        armStall(settings.stallTimeoutMs(), "stalled for " + settings.stallTimeoutMs() + " ms mid-stream");
        Future<Void> taken = sink.write(chunk);
        if (taken.isComplete()) {
          if (taken.failed()) {
            fail(cancelled(taken.cause()));
          }
          return;
        }
        // The consumer is slower than the network: hold the response (TCP back-pressure) until it catches up.
        response.pause();
        vertx.cancelTimer(stall);
        taken.onComplete(ar -> context.runOnContext(v -> {
          if (ar.failed()) {
            fail(cancelled(ar.cause()));
          } else if (!finished) {
            armStall(settings.stallTimeoutMs(), "stalled for " + settings.stallTimeoutMs() + " ms mid-stream");
            response.resume();
          }
        }));
      });
      response.endHandler(v -> {
        if (finished) {
          return;
        }
        vertx.cancelTimer(stall);
        sink.end().onComplete(ar -> context.runOnContext(x -> {
          if (ar.failed()) {
            fail(cancelled(ar.cause()));
          } else {
            finish();
            done.tryComplete();
          }
        }));
      });
    }

    private CloudError cancelled(Throwable cause) {
      return cause instanceof CloudError error ? error : CloudError.of(CloudError.Kind.CANCELLED, "the audio consumer went away");
    }

    /** An error answer was read to its end: its connection can be reused. */
    void failAfterBody(CloudError error) {
      if (!finished) {
        finish();
        done.tryFail(error);
      }
    }

    void fail(CloudError error) {
      if (finished) {
        return;
      }
      finish();
      if (request != null) {
        request.reset(); // the connection may be mid-body: it must not go back to the pool
      }
      done.tryFail(error);
    }

    private void finish() {
      finished = true;
      vertx.cancelTimer(stall);
      vertx.cancelTimer(total);
    }
  }

  /** Scheme, host and port of a URL, for descriptions: never a path with ids or a query. */
  public static String describeHost(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  public Future<Void> close() {
    return client.close();
  }
}
