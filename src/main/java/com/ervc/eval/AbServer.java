package com.ervc.eval;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The blind A/B listening page of a finished run ({@code --listen}): serves {@code /ab/} (a page and its script from
 * the class path) and a small JSON API over the run's folder. The listener hears the same sentence from two cells
 * as "A" and "B" (audio fetched by an opaque pair id, so neither the page nor its URLs name the systems), votes
 * A, B or tie, and only then is told which was which. Votes are appended to {@code ab-votes.jsonl}; the rating
 * table (Bradley–Terry) is at {@code /ab/api/ratings} and in the report rebuilt with {@code --report-only}.
 */
final class AbServer {
  /** Only this page's own script, style and audio; nothing from elsewhere, no inline script. */
  static final String CONTENT_SECURITY_POLICY = String.join("; ", "default-src 'none'", "script-src 'self'",
      "style-src 'self'", "media-src 'self'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'",
      "frame-ancestors 'none'");

  private AbServer() {
  }

  /** Starts the page on {@code host:port} (0: any free port) for the run in {@code dir}. */
  static Future<HttpServer> start(Vertx vertx, Path dir, List<ClipResult> results, String host, int port) {
    AbPairs pairs = new AbPairs(results, new Random());
    Path votesFile = dir.resolve(VotesFile.NAME);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
          .putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    router.get("/").handler(ctx -> ctx.redirect("/ab/"));
    router.get("/ab/api/pair").handler(ctx -> {
      AbPairs.Pair pair = pairs.next();
      String audio = "/ab/api/audio/" + pair.id() + "/";
      ctx.json(new JsonObject().put("pair", pair.id()).put("text", pair.line().text())
          .put("a", audio + "a").put("b", audio + "b"));
    });
    router.get("/ab/api/audio/:pair/:side").handler(ctx -> {
      Path wav = pairs.audio(dir, ctx.pathParam("pair"), ctx.pathParam("side"));
      if (wav == null) {
        error(ctx, 404, "no such pair or side");
        return;
      }
      ctx.response().putHeader("Content-Type", "audio/wav").sendFile(wav.toString())
          .onFailure(e -> ctx.fail(404, e));
    });
    router.post("/ab/api/vote").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(ctx -> vote(ctx, pairs,
        votesFile));
    router.get("/ab/api/ratings").handler(ctx -> vertx.executeBlocking(() ->
        BradleyTerry.toJson(VotesFile.read(votesFile)), false).onComplete(r -> {
          if (r.succeeded()) {
            ctx.json(r.result());
          } else {
            error(ctx, 500, "could not read the votes: " + r.cause().getMessage());
          }
        }));
    router.route("/ab/*").handler(StaticHandler.create("eval/ab").setCachingEnabled(false));
    return vertx.createHttpServer().requestHandler(router).listen(port, host);
  }

  private static void vote(RoutingContext ctx, AbPairs pairs, Path votesFile) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "the body must be JSON: {\"pair\": id, \"winner\": \"a\" | \"b\" | \"tie\"}");
      return;
    }
    String winner = body == null ? null : body.getValue("winner") instanceof String w ? w : null;
    String pair = body == null ? null : body.getValue("pair") instanceof String p ? p : null;
    if (pair == null || !List.of("a", "b", "tie").contains(winner)) {
      error(ctx, 400, "a vote is {\"pair\": id, \"winner\": \"a\" | \"b\" | \"tie\"}");
      return;
    }
    BradleyTerry.Vote vote = pairs.vote(pair, winner);
    if (vote == null) {
      error(ctx, 404, "no such pair, or it already has its vote: fetch a new pair");
      return;
    }
    ctx.vertx().executeBlocking(() -> {
      VotesFile.append(votesFile, vote);
      return VotesFile.read(votesFile).size();
    }, true).onComplete(r -> {
      if (r.failed()) {
        error(ctx, 500, "could not record the vote: " + r.cause().getMessage());
        return;
      }
      ctx.json(new JsonObject().put("a", vote.a()).put("b", vote.b()).put("winner", vote.winner())
          .put("votes", r.result()));
    });
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }
}
