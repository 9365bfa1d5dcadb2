package com.ervc.testing;

import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ProviderLoad;
import com.ervc.protocol.ProviderMessage;
import com.ervc.testing.WsProbe.Frame;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A three-node loopback cluster for failover tests and the failover benchmark: this JVM runs gateway + pipeline (the
 * cluster's oldest member, and no cache, so every sentence is synthesized), and two provider-only JVMs started from
 * the packaged jar run espeak (slowed down a little), whose audio is deterministic. A reply can kill, with SIGKILL, the provider JVM that
 * serves it when the frames received so far meet a condition; the killed JVM is then replaced by a new one.
 */
public final class FailoverCluster implements AutoCloseable {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(120);
  private static final String PROVIDER = "espeak";
  /** The replies' sample rate (the default). */
  public static final int SAMPLE_RATE = 24_000;
  /**
   * espeak-ng taking 0.2 s more per sentence, as a neural engine would: a reply read as fast as it arrives then
   * lasts long enough to be killed at each point (plain espeak-ng synthesizes a whole reply in a few milliseconds).
   */
  private static final String SLOW_ESPEAK = TestNodes.script("sleep 0.2\nexec espeak-ng \"$@\"");

  /** How the client reads the reply. */
  public enum Reading {
    /** Every frame as it arrives (as the browser page does: it schedules what it gets). */
    ON_ARRIVAL,
    /**
     * At the pace it plays, with a {@link Round#JITTER_BUFFER_MS} buffer: the socket reads nothing until the player
     * needs the next frame, so the server runs ahead only as far as its stream window and the buffers between allow.
     */
    AT_PLAYBACK_RATE
  }

  /**
   * What the client got: the audio, the sentences announced, the last message, each audio frame's arrival time, when
   * the client began waiting for it (the previous frame's arrival, or for a client reading at playback rate, when it
   * asked for audio again after it) and its length, and the node killed during the reply (or null) with the time of
   * the kill, the time its process was gone (reaped), and the time the pipeline counted the node's death (within a
   * millisecond; -1 if not during the reply) ({@link System#nanoTime()}, the pipeline's clock too, since it runs in
   * this JVM), and the sentence texts requested after the kill, in the order the pipeline sent them.
   */
  public record Round(Buffer pcm, List<String> sentences, JsonObject end, long[] arrivals, long[] waitedFrom,
                      int[] frameBytes, String killedNode, long killedAtNanos, long goneAtNanos,
                      long deathCountedAtNanos, List<String> askedAfterKill) {
    /** The client's jitter buffer: a player starts this long after the first frame (docs/routing.md). */
    public static final double JITTER_BUFFER_MS = 80;

    public int switches() {
      return end.getJsonArray("switches", new io.vertx.core.json.JsonArray()).size();
    }

    /**
     * The delivery gap (ms): the longest time the client waited for audio, from when it began waiting for a frame
     * to the frame's arrival (for a client reading on arrival: the longest gap between two audio frames).
     */
    public double longestGapMs() {
      return gaps().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** The 95th percentile of the client's waits for audio frames (ms). */
    public double p95GapMs() {
      List<Double> gaps = gaps();
      gaps.sort(Double::compare);
      return gaps.isEmpty() ? 0 : gaps.get((int) Math.ceil(0.95 * gaps.size()) - 1);
    }

    /**
     * The client's longest wait for audio that ends after the kill, as {start, end} (nanos), or null: the delivery
     * gap the failover caused.
     */
    public long[] gapAfterKill() {
      long[] longest = null;
      for (int i = 1; i < arrivals.length; i++) {
        boolean longer = longest == null || arrivals[i] - waitedFrom[i] > longest[1] - longest[0];
        if (arrivals[i] > killedAtNanos && longer) {
          longest = new long[] {waitedFrom[i], arrivals[i]};
        }
      }
      return longest;
    }

    /**
     * The longest silence a player hears (ms) that starts {@link #JITTER_BUFFER_MS} after the first frame arrives and
     * plays each frame in real time ({@code sampleRate}, 16-bit mono) as soon as it has it and the previous one ended.
     */
    public double heardSilenceMs(int sampleRate) {
      if (arrivals.length == 0) {
        return 0;
      }
      double playedUntil = arrivals[0] / 1e6 + JITTER_BUFFER_MS;
      double longest = 0;
      for (int i = 0; i < arrivals.length; i++) {
        double arrived = arrivals[i] / 1e6;
        longest = Math.max(longest, arrived - playedUntil);
        playedUntil = Math.max(playedUntil, arrived) + frameBytes[i] / 2 * 1000.0 / sampleRate;
      }
      return longest;
    }

    private List<Double> gaps() {
      List<Double> gaps = new ArrayList<>();
      for (int i = 1; i < arrivals.length; i++) {
        gaps.add((arrivals[i] - waitedFrom[i]) / 1e6);
      }
      return gaps;
    }
  }

  private final String cluster = TestNodes.uniqueClusterName();
  private final Node front;
  private final NodeJvm[] providers = new NodeJvm[2];
  private final String[] providerNodes = new String[2];
  /** Provider instance address → node id, from the load reports. */
  private final Map<String, String> instanceNodes = new ConcurrentHashMap<>();
  private volatile String lastSentenceAddress;
  /** Sentence requests seen in the current reply, and the one whose instance is to be killed as it leaves (0: none). */
  private final AtomicInteger sentenceRequests = new AtomicInteger();
  private final Set<String> requestedTexts = ConcurrentHashMap.newKeySet();
  private volatile int killAtRequest;
  private volatile CompletableFuture<String> killedOnRequest = new CompletableFuture<>();
  /** The sentence texts requested (hedges and requests asked again included) since this reply's kill, in order. */
  private final List<String> askedAfterKill = new CopyOnWriteArrayList<>();
  private volatile boolean killSignalled;
  private long killedAtNanos;
  private long goneAtNanos;
  private int replies;

  private FailoverCluster() throws Exception {
    Map<String, String> env = TestNodes.env(cluster);
    env.put("NODE_ROLES", "gateway,pipeline");
    env.put("TTS_PROVIDER", PROVIDER);
    front = TestNodes.start(env);
    front.vertx().eventBus().<JsonObject>consumer(Addresses.PROVIDER_LOAD, msg -> {
      ProviderLoad load = ProviderLoad.fromJson(msg.body());
      if (PROVIDER.equals(load.name()) && !load.leaving()) {
        instanceNodes.put(load.address(), load.nodeId());
      }
    });
    // Which instance serves the reply: the address its sentence requests go to.
    front.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (ProviderMessage.Sentence.TYPE.equals(ctx.message().headers().get(BusProtocol.H_TYPE))
          && instanceNodes.containsKey(ctx.message().address())) {
        lastSentenceAddress = ctx.message().address();
        // Only a sentence's first request counts: a hedge repeats one (a second instance asked for the same text),
        // and killing the node that got a hedge would leave the first request to win without any switch.
        // The body as sent: a clustered message's own body() is only decoded on the receiving node (null here).
        String text = ((JsonObject) ctx.body()).getJsonObject("request").getString("text");
        if (killSignalled) {
          askedAfterKill.add(text);
        }
        if (requestedTexts.add(text) && sentenceRequests.incrementAndGet() == killAtRequest) {
          // The request is on its way to the instance: killing its JVM now leaves exactly that request pending. The
          // signal goes here, before the request is written (a worker could start late on a loaded machine, after
          // the node had already answered); only the wait for the process to be reaped runs on a worker.
          int killed = signalKill(ctx.message().address());
          CompletableFuture<String> outcome = killedOnRequest;
          front.vertx().executeBlocking(() -> awaitGone(killed))
              .onComplete(done -> {
                if (done.succeeded()) {
                  outcome.complete(done.result());
                } else {
                  outcome.completeExceptionally(done.cause());
                }
              });
        }
      }
      ctx.next();
    });
    try {
      for (int i = 0; i < providers.length; i++) {
        startProvider(i);
      }
      awaitProviders();
    } catch (Exception | Error e) {
      close(); // no provider JVM outlives a cluster that failed to start
      throw e;
    }
  }

  public static FailoverCluster start() throws Exception {
    return new FailoverCluster();
  }

  private void startProvider(int i) throws Exception {
    providers[i] = NodeJvm.startJoining(front, cluster, "providers", Map.of("ESPEAK_BINARY", SLOW_ESPEAK));
    providerNodes[i] = providers[i].nodeId(JOIN_TIMEOUT);
  }

  /** Both provider JVMs' espeak instances are in the load reports (so in the pipeline's live view too). */
  private void awaitProviders() throws Exception {
    Set<String> expected = Set.of(providerNodes);
    Await.until(() -> "both provider JVMs report their espeak instance: " + instanceNodes + "; logs:\n"
        + Arrays.stream(providers).map(NodeJvm::log).collect(Collectors.joining("\n----\n")), JOIN_TIMEOUT,
        () -> Set.copyOf(instanceNodes.values()).containsAll(expected));
  }

  /**
   * Replaces the provider JVM that was killed with a new one, waits until it serves, and warms it up with a short
   * reply (the router tries an instance without measurements first): a cold JVM's first synthesis on a loaded machine
   * can miss its first-byte deadline, which is not what the next kill should measure.
   */
  public void replaceKilled() throws Exception {
    for (int i = 0; i < providers.length; i++) {
      if (!providers[i].process().isAlive()) {
        String dead = providerNodes[i];
        instanceNodes.values().removeIf(dead::equals);
        startProvider(i);
      }
    }
    awaitProviders();
    reply("The new node warms up. It speaks two sentences.", null);
  }

  /**
   * Speaks {@code text} over a WebSocket; when the frames received so far first meet {@code killWhen}, the provider
   * JVM serving the reply is killed. Null: no kill.
   */
  public Round reply(String text, Predicate<List<Frame>> killWhen) throws Exception {
    return reply(text, killWhen, 0, Reading.ON_ARRIVAL);
  }

  /** As {@link #reply(String, Predicate)}, the client reading as {@code reading} says. */
  public Round reply(String text, Predicate<List<Frame>> killWhen, Reading reading) throws Exception {
    return reply(text, killWhen, 0, reading);
  }

  /**
   * Speaks {@code text}, killing the provider JVM that the reply's {@code request}-th sentence request (1-based,
   * lookahead and failover requests included) goes to, as it leaves: a kill with a request certainly pending, whatever
   * the machine's speed.
   */
  public Round replyKillingAtRequest(String text, int request) throws Exception {
    return replyKillingAtRequest(text, request, Reading.ON_ARRIVAL);
  }

  /** As {@link #replyKillingAtRequest(String, int)}, the client reading as {@code reading} says. */
  public Round replyKillingAtRequest(String text, int request, Reading reading) throws Exception {
    return reply(text, null, request, reading);
  }

  private Round reply(String text, Predicate<List<Frame>> killWhen, int killRequest, Reading reading)
      throws Exception {
    try (Client ws = reading == Reading.ON_ARRIVAL ? new ArrivalClient(new WsProbe(front.vertx(), front.httpPort()))
        : new PlaybackClient(RawWebSocket.open(front.httpPort(),
            TestNodes.devTokens(front.vertx(), front.httpPort()).getString("token")))) {
      String id = "r" + ++replies;
      lastSentenceAddress = null;
      killedOnRequest = new CompletableFuture<>();
      sentenceRequests.set(0);
      requestedTexts.clear();
      askedAfterKill.clear();
      killSignalled = false;
      killAtRequest = killRequest;
      ws.send(new JsonObject().put("type", "synthesize").put("id", id).put("text", text).put("provider", PROVIDER));
      List<Frame> frames = new ArrayList<>();
      List<Long> asked = new ArrayList<>();
      String killed = null;
      AtomicLong deathCountedAt = new AtomicLong(-1);
      long watch = killRequest > 0 ? watchDeathCount(deathCountedAt) : -1;
      while (true) {
        asked.add(ws.ask());
        Frame frame = ws.next();
        frames.add(frame);
        if (killWhen != null && killed == null && killWhen.test(frames)) {
          watch = watchDeathCount(deathCountedAt);
          killed = killServing();
        }
        if (killRequest > 0 && killed == null && killedOnRequest.isDone()) {
          killed = killedOnRequest.get();
        }
        if (frame.isType("audio_end") || frame.isType("error")) {
          break;
        }
      }
      killAtRequest = 0;
      // The kill request may never have left: the reply ended before it (an error on an overloaded machine).
      if (killRequest > 0 && killed == null && killSignalled) {
        killed = killedOnRequest.get(60, TimeUnit.SECONDS);
      }
      front.vertx().cancelTimer(watch);
      return round(frames, asked, killed, killed == null ? -1 : killedAtNanos, killed == null ? -1 : goneAtNanos,
          deathCountedAt.get(), List.copyOf(askedAfterKill));
    }
  }

  /**
   * Looks every millisecond (on an event loop of this JVM) for the pipeline's count of dead nodes to move, and sets
   * {@code countedAt} when it first does; returns the timer to cancel.
   */
  private long watchDeathCount(AtomicLong countedAt) {
    double deathsBefore = deathsCounted();
    return front.vertx().setPeriodic(1, t -> {
      if (countedAt.get() < 0 && deathsCounted() > deathsBefore) {
        countedAt.set(System.nanoTime());
      }
    });
  }

  private String killServing() throws Exception {
    // audio_start may reach the client before the pipeline asked for the first sentence.
    String address = Await.result(() -> "the reply's first sentence request", Duration.ofSeconds(10),
        () -> lastSentenceAddress);
    return killNodeOf(address);
  }

  private String killNodeOf(String address) throws Exception {
    return awaitGone(signalKill(address));
  }

  /** Sends SIGKILL to the provider JVM serving instance {@code address}; returns its index. */
  private int signalKill(String address) {
    String node = instanceNodes.get(address);
    for (int i = 0; i < providers.length; i++) {
      if (providerNodes[i].equals(node)) {
        killedAtNanos = System.nanoTime();
        killSignalled = true;
        providers[i].process().destroyForcibly();
        return i;
      }
    }
    throw new AssertionError("the serving instance " + address + " is on no provider JVM: " + instanceNodes);
  }

  /** Waits until provider JVM {@code i}, just signalled, is gone; returns its node id. */
  private String awaitGone(int i) throws InterruptedException {
    providers[i].kill();
    goneAtNanos = System.nanoTime();
    return providerNodes[i];
  }

  private double deathsCounted() {
    return front.metrics().registry().find("tts.node.deaths").counters().stream().mapToDouble(Counter::count).sum();
  }

  /** A WebSocket client of the reply; {@link #ask()} before each {@link #next()}. */
  private interface Client extends AutoCloseable {
    /** Waits until the client wants the next frame; returns when it asked for it (-1: it reads all as they come). */
    long ask() throws Exception;

    Frame next() throws Exception;

    void send(JsonObject message) throws Exception;
  }

  /** Reads every frame as it arrives ({@link Reading#ON_ARRIVAL}). */
  private record ArrivalClient(WsProbe ws) implements Client {
    ArrivalClient {
      try {
        ws.nextOfType("ready");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public long ask() {
      return -1;
    }

    @Override
    public Frame next() throws Exception {
      return ws.next();
    }

    @Override
    public void send(JsonObject message) {
      ws.send(message);
    }

    @Override
    public void close() throws Exception {
      ws.close();
    }
  }

  /**
   * A real-time player ({@link Reading#AT_PLAYBACK_RATE}) on a plain blocking socket: it reads the next frame only
   * when the audio read so far has {@link Round#JITTER_BUFFER_MS} left to play (messages without audio at once). Until
   * then nothing is read, so the kernel's socket buffers fill and the gateway's writes, and through the stream window
   * the pipeline, wait: the server runs ahead only as far as those allow. (A Vert.x client keeps reading the socket
   * into its own queue while paused, and its text messages overtake the paused binary ones.)
   */
  private static final class PlaybackClient implements Client {
    private final Socket socket;
    private final InputStream in;
    private long playedUntilNanos = -1;

    PlaybackClient(Socket socket) throws Exception {
      this.socket = socket;
      socket.setSoTimeout(30_000);
      in = socket.getInputStream();
      Frame ready = next();
      if (!ready.isType("ready")) {
        throw new AssertionError("expected ready, got " + ready);
      }
    }

    @Override
    public long ask() throws InterruptedException {
      long wait = playedUntilNanos - (long) (Round.JITTER_BUFFER_MS * 1e6) - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // the player's pace: it needs no audio before then
      }
      return System.nanoTime();
    }

    @Override
    public Frame next() throws Exception {
      while (true) {
        byte[][] frame = RawWebSocket.readFrame(in);
        long now = System.nanoTime();
        switch (frame[0][0]) {
          case 0x1 -> {
            return new Frame(new JsonObject(new String(frame[1], StandardCharsets.UTF_8)), null, now);
          }
          case 0x2 -> {
            long frameNanos = (long) ((frame[1].length - 8) / 2 * 1e9 / SAMPLE_RATE);
            playedUntilNanos = (playedUntilNanos < 0 ? now + (long) (Round.JITTER_BUFFER_MS * 1e6)
                : Math.max(playedUntilNanos, now)) + frameNanos;
            return new Frame(null, Buffer.buffer(frame[1]), now);
          }
          case 0x8 -> throw new AssertionError("the server closed the WebSocket");
          case 0x9, 0xA -> {
            // ping or pong: nothing to play
          }
          default -> throw new AssertionError("unexpected WebSocket opcode " + frame[0][0]);
        }
      }
    }

    @Override
    public void send(JsonObject message) throws Exception {
      socket.getOutputStream().write(RawWebSocket.maskedTextFrame(message.encode().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static Round round(List<Frame> frames, List<Long> asked, String killed, long killedAt, long goneAt,
                             long deathCountedAt, List<String> askedAfterKill) {
    Buffer pcm = Buffer.buffer();
    List<String> sentences = new ArrayList<>();
    List<Frame> audio = new ArrayList<>();
    List<Long> waitedFrom = new ArrayList<>();
    long previousArrival = -1;
    long askedSince = -1; // the client's first request for a frame since the previous audio frame
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      if (askedSince < 0) {
        askedSince = asked.get(i);
      }
      if (f.binary() != null) {
        if (f.seq() != audio.size()) {
          throw new AssertionError("frame " + f.seq() + " where " + audio.size() + " was due");
        }
        pcm.appendBuffer(f.pcm());
        audio.add(f);
        waitedFrom.add(Math.max(previousArrival, askedSince));
        previousArrival = f.receivedNanos();
        askedSince = -1;
      } else if (f.isType("sentence")) {
        sentences.add(f.json().getString("text"));
      }
    }
    return new Round(pcm, sentences, frames.get(frames.size() - 1).json(),
        audio.stream().mapToLong(Frame::receivedNanos).toArray(),
        waitedFrom.stream().mapToLong(Long::longValue).toArray(),
        audio.stream().mapToInt(f -> f.pcm().length()).toArray(), killed, killedAt, goneAt,
        deathCountedAt, askedAfterKill);
  }

  /** The pipeline node's own metrics (failover gap, hedges, node deaths). */
  public Node front() {
    return front;
  }

  @Override
  public void close() throws Exception {
    for (NodeJvm provider : providers) {
      if (provider != null) {
        provider.close();
      }
    }
    TestNodes.stop(front);
  }
}
