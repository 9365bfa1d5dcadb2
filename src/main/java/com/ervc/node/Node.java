package com.ervc.node;

import com.ervc.admin.AdminRoutes;
import com.ervc.admin.AuditLog;
import com.ervc.admin.BusTail;
import com.ervc.admin.BusTraffic;
import com.ervc.admin.EventLoopDelay;
import com.ervc.admin.NodeAgent;
import com.ervc.cache.CacheVerticle;
import com.ervc.cluster.ClusterBootstrap;
import com.ervc.cluster.Drainable;
import com.ervc.cluster.LoadRegistry;
import com.ervc.cluster.LocalSinks;
import com.ervc.cluster.NodeState;
import com.ervc.config.CacheConfig;
import com.ervc.config.CloningConfig;
import com.ervc.config.ProvidersConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.gateway.GatewayVerticle;
import com.ervc.health.HealthService;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.monitoring.MonitoringVerticle;
import com.ervc.pipeline.CachedReplies;
import com.ervc.pipeline.PipelineVerticle;
import com.ervc.profile.DirectoryProfileStore;
import com.ervc.profile.PostgresProfileStore;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfileStore;
import com.ervc.profile.VoiceRegistrar;
import com.ervc.provider.azure.AzureCloner;
import com.ervc.provider.elevenlabs.ElevenLabsCloner;
import com.ervc.provider.openai.OpenAiCloner;
import com.ervc.provider.azure.AzureVerticle;
import com.ervc.provider.elevenlabs.ElevenLabsVerticle;
import com.ervc.provider.espeak.EspeakVerticle;
import com.ervc.provider.onnx.OnnxNode;
import com.ervc.provider.onnx.OnnxVerticle;
import com.ervc.provider.openai.OpenAiVerticle;
import com.ervc.quality.QualityMonitor;
import com.ervc.redis.SharedRedis;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.PartitionService;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * A running node: a clustered Vert.x plus the verticles of its roles. A component that fails to start is logged
 * and reported by /health; the rest of the node keeps running.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  static final String VOICE_PROFILES = "voice-profiles";

  private final Vertx vertx;
  private final NodeState state;
  private final ServiceMetrics metrics;
  private final HealthService health;
  private final ServiceConfig config;
  private final OnnxNode onnx;
  /**
   * The one Redis client of cache and gateway, or null without {@code cache.redisUrl}. It connects on first use
   * and closes with Vert.x.
   */
  private final SharedRedis redis;
  private final AdminRoutes admin;
  /** This node's stream sinks, for its pipeline to reach its gateway without the event bus. */
  private final LocalSinks localSinks = new LocalSinks();
  /** Where a cluster node's event bus listens, from the cluster manager (for the pipeline's death watch). */
  private final Function<String, Future<SocketAddress>> eventBusOfNode;
  private GatewayVerticle gateway;
  /** Set before the gateway starts when a pipeline and the cache run on this node too. */
  private CachedReplies cachedReplies;
  private MonitoringVerticle monitoring;
  /** The periodic quality check, or null when {@code quality.enabled} is false or the node has no providers. */
  private QualityMonitor quality;
  private String gatewayDeployment;
  /** The voice-profile store of a gateway node with {@code tts.enableCloning}, or null (off, or it did not open). */
  private VoiceProfileStore profiles;
  /** Registers profiles at the configured cloning vendors; null without a store or without a vendor. */
  private VoiceRegistrar registrar;
  /** Registration attempts per profile and vendor, and the wait before the first retry (doubling after it). */
  static final int REGISTRATION_ATTEMPTS = 3;
  static final long REGISTRATION_FIRST_RETRY_MS = 2000;
  /** Azure personal voice: status reads every 2 s, for at most 5 minutes per consent or voice. */
  static final long AZURE_POLL_MS = 2000;
  static final int AZURE_MAX_POLLS = 150;

  private Node(Vertx vertx, NodeState state, ServiceMetrics metrics, HealthService health, ServiceConfig config,
               OnnxNode onnx, AdminRoutes admin, Function<String, Future<SocketAddress>> eventBusOfNode) {
    this.onnx = onnx;
    this.eventBusOfNode = eventBusOfNode;
    this.admin = admin;
    this.vertx = vertx;
    this.config = config;
    this.state = state;
    this.metrics = metrics;
    this.health = health;
    CacheConfig cache = config.cache();
    this.redis = cache.redisUrl() == null ? null : new SharedRedis(vertx, cache.redisUrl(), cache.timeoutMs());
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeState state() {
    return state;
  }

  /** The node's effective configuration, with the node's id and name filled in. */
  public ServiceConfig config() {
    return config;
  }

  public ServiceMetrics metrics() {
    return metrics;
  }

  /** The node's neural voices and CUDA probe, or null when it runs no ONNX provider. */
  public OnnxNode onnx() {
    return onnx;
  }

  /** The HTTP port the gateway listens on, or -1 on a node without a running gateway. */
  public int httpPort() {
    return gateway == null ? -1 : gateway.port();
  }

  /** The port of the separate monitoring server, or -1 when this node has none. */
  public int monitoringPort() {
    return monitoring == null ? -1 : monitoring.port();
  }

  /** The open voice-profile store, empty unless cloning is on, this node has the gateway role and the store opened. */
  public Optional<VoiceProfileStore> voiceProfiles() {
    return Optional.ofNullable(profiles);
  }

  /**
   * The registrar of voice profiles at the cloning vendors this node has credentials for (ElevenLabs, OpenAI, Azure
   * personal voice); empty unless the profile store is open and at least one vendor is set up.
   */
  public Optional<VoiceRegistrar> voiceRegistrar() {
    return Optional.ofNullable(registrar);
  }

  public static Future<Node> start(ServiceConfig config, Map<String, String> env) {
    String name = config.node().name() != null ? config.node().name() : defaultName(env);
    ServiceMetrics metrics = ServiceMetrics.create(name);
    List<String> roles = config.node().roles();
    // Probing CUDA and loading models blocks, and must finish before joining: the capabilities go into the metadata.
    Future<OnnxNode> prepared = OnnxNode.wanted(config, roles)
        ? Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> OnnxNode.prepare(config, roles)))
        : Future.succeededFuture(null);
    return prepared.compose(onnx -> ClusterBootstrap.start(config, env, metrics.registry(),
            onnx == null ? new JsonObject() : onnx.capabilities())
        .recover(failure -> {
          closeQuietly(onnx);
          return Future.failedFuture(failure);
        })
        .compose(clustered -> {
      String nodeId = clustered.clusterManager().getNodeId();
      ServiceConfig nodeConfig = config.joined(nodeId, name);
      NodeState state = new NodeState(nodeId, roles);
      if (onnx != null) {
        state.capabilities(onnx.capabilities());
      }
      HealthService health = new HealthService(clustered.vertx(), state, nodeConfig.health(), nodeConfig.tts(),
          () -> clustered.clusterManager().getNodes().size());
      HazelcastClusterManager manager = clustered.clusterManager();
      AdminRoutes admin = new AdminRoutes(state, nodeConfig.admin(), nodeConfig.auth(),
          new AuditLog(metrics, System::currentTimeMillis), manager, metrics);
      Node node = new Node(clustered.vertx(), state, metrics, health, nodeConfig, onnx, admin, id -> {
        Promise<NodeInfo> info = Promise.promise();
        manager.getNodeInfo(id, info);
        return info.future().map(found -> SocketAddress.inetSocketAddress(found.port(), found.host()));
      });
      reportDepartures(clustered);
      NodeAgent agent = new NodeAgent(state, new JsonObject().put("name", name)
          .put("host", manager.getNodeInfo().host()).put("version", HealthService.VERSION), health::systemUsage,
          new EventLoopDelay(), new BusTraffic(metrics.registry(),
              new BusTail(System::currentTimeMillis, metrics::adminTail)), () -> membership(manager.getHazelcastInstance()));
      metrics.registerNodeMeters(roles, onnx != null && onnx.cuda().available());
      LOG.info("node {} ({}) joined cluster '{}' with roles {}", name, nodeId,
          config.cluster().name(), roles);
      return agent.listen(clustered.vertx())
          .compose(v -> node.deployRoles(roles, nodeConfig))
          .compose(v -> health.start())
          .map(v -> {
            node.startQualityMonitor(roles);
            state.markStarted();
            return node;
          })
          .recover(failure -> clustered.vertx().close().transform(ar -> {
            closeQuietly(onnx);
            return Future.failedFuture(failure);
          }));
    }));
  }

  /** The periodic quality check of this node's providers, when {@code quality.enabled} (docs/evaluation.md). */
  private void startQualityMonitor(List<String> roles) {
    if (roles.contains("providers") && config.quality().enabled()) {
      quality = QualityMonitor.create(vertx, state.nodeId(), config.quality(), config.tts(), metrics);
      quality.start();
    }
  }

  /**
   * What this node's Hazelcast member sees: the member count, the cluster state, and whether every partition has
   * its backups in sync (cluster-wide and for this member's own partitions); may wait on other members.
   */
  private static JsonObject membership(HazelcastInstance hazelcast) {
    PartitionService partitions = hazelcast.getPartitionService();
    return new JsonObject().put("members", hazelcast.getCluster().getMembers().size())
        .put("state", hazelcast.getCluster().getClusterState().name())
        .put("clusterSafe", partitions.isClusterSafe())
        .put("localMemberSafe", partitions.isLocalMemberSafe());
  }

  private static void closeQuietly(OnnxNode onnx) {
    if (onnx != null) {
      onnx.close();
    }
  }

  /** Load registries drop a dead node's provider instances at once instead of waiting for their reports to expire. */
  private static void reportDepartures(ClusterBootstrap.Clustered clustered) {
    clustered.clusterManager().getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        // The Vert.x node id is a member attribute set by vertx-hazelcast, not the member's UUID.
        String nodeId = event.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
          clustered.vertx().eventBus().publish(LoadRegistry.NODE_LEFT, nodeId, new DeliveryOptions().setLocalOnly(true));
        }
      }
    });
  }

  /** HOSTNAME is the pod name in Kubernetes and the container id in Docker: stable enough for a metrics label. */
  private static String defaultName(Map<String, String> env) {
    String host = env.get("HOSTNAME");
    return host != null && host.matches("[A-Za-z0-9._\\-]{1,63}") ? host : "local";
  }

  /** Cache and providers first, the gateway last, so nothing is accepted before it can be served. */
  private Future<Void> deployRoles(List<String> roles, ServiceConfig config) {
    Future<Void> chain = Future.succeededFuture();
    CacheVerticle cache = roles.contains("cache") ? new CacheVerticle(config.cache(), redis, config.node().id()) : null;
    if (cache != null) {
      chain = chain.compose(v -> deploy("cache", cache, false));
    }
    if (roles.contains("providers") && config.providers().espeak().enabled()) {
      chain = chain.compose(v -> deploy("provider.espeak", new EspeakVerticle(metrics, config), false));
    }
    if (onnx != null) {
      chain = chain.compose(v -> deployOnnx(roles, config));
    }
    if (roles.contains("providers")) {
      // Each announces itself, unavailable with the reason when its key is not configured. In parallel: each may
      // wait on its vendor's voice list at start.
      chain = chain.compose(v -> Future.all(
          deploy("provider.elevenlabs", new ElevenLabsVerticle(metrics, config), false),
          deploy("provider.azure", new AzureVerticle(metrics, config), false),
          deploy("provider.openai", new OpenAiVerticle(metrics, config), false)).mapEmpty());
    }
    if (roles.contains("pipeline")) {
      chain = chain.compose(v -> {
        // A gateway with a pipeline and the cache on its node writes cached replies to its clients itself.
        if (roles.contains("gateway") && cache != null) {
          cachedReplies = new CachedReplies(cache.cache(), metrics, config.tts(), System::currentTimeMillis);
        }
        return deploy("pipeline", new PipelineVerticle(metrics, config.tts(), config.cache(), localSinks,
            cache == null ? null : cache.cache(), eventBusOfNode, config.node().id(), cachedReplies), false);
      });
    }
    boolean separateMetricsPort = config.metrics().separatePort();
    if (roles.contains("gateway") && config.tts().enableCloning()) {
      chain = chain.compose(v -> openVoiceProfiles(config.cloning()));
    }
    if (roles.contains("gateway")) {
      // Without its HTTP listener a gateway node is useless, so that failure stops the node.
      chain = chain.compose(v -> {
        gateway = new GatewayVerticle(state, metrics, health, config, redis, admin, localSinks, profiles,
            registrar, cachedReplies == null ? null : cachedReplies::find);
        return deploy("gateway", gateway, true);
      });
    }
    if (separateMetricsPort || !roles.contains("gateway")) {
      chain = chain.compose(v -> {
        monitoring = new MonitoringVerticle(admin, health, metrics, config);
        return deploy("monitoring", monitoring, true);
      });
    }
    return chain;
  }

  /** A cloner for each vendor whose credentials (and, for Azure, personal voice project) are configured. */
  private List<VoiceCloner> cloners() {
    ProvidersConfig providers = config.providers();
    List<VoiceCloner> cloners = new ArrayList<>();
    if (providers.elevenlabs().apiKey() != null && !providers.elevenlabs().apiKey().isBlank()) {
      cloners.add(new ElevenLabsCloner(vertx, providers.elevenlabs(), providers.cloud()));
    }
    if (providers.azure().personalVoiceConfigured()) {
      cloners.add(new AzureCloner(vertx, providers.azure(), providers.cloud(), AZURE_POLL_MS, AZURE_MAX_POLLS));
    }
    if (providers.openai().apiKey() != null && !providers.openai().apiKey().isBlank()) {
      cloners.add(new OpenAiCloner(vertx, providers.openai(), providers.cloud()));
    }
    return cloners;
  }

  /**
   * PostgreSQL when {@code cloning.databaseUrl} is set, else the directory store (opened on a worker thread). A store
   * that does not open leaves the node running with component "voice-profiles" down and cloning unavailable.
   */
  private Future<Void> openVoiceProfiles(CloningConfig cloning) {
    Future<VoiceProfileStore> opened = cloning.databaseUrl() != null
        ? PostgresProfileStore.open(vertx, cloning.databaseUrl())
        : DirectoryProfileStore.open(vertx, Path.of(cloning.dir()));
    String where = cloning.databaseUrl() != null ? "the PostgreSQL database (cloning.databaseUrl)"
        : "directory " + cloning.dir() + " (cloning.dir)";
    return opened
        .<Void>map(store -> {
          profiles = store;
          List<VoiceCloner> cloners = cloners();
          if (!cloners.isEmpty()) {
            registrar = new VoiceRegistrar(vertx, store, cloners, metrics, REGISTRATION_ATTEMPTS,
                REGISTRATION_FIRST_RETRY_MS);
            LOG.info("voice profiles can be registered at {}", registrar.providers());
          }
          state.up(VOICE_PROFILES);
          return null;
        })
        .otherwise(failure -> {
          String detail = "voice profile store in " + where + " did not open: " + failure.getMessage();
          LOG.error(detail);
          state.down(VOICE_PROFILES, detail);
          return null;
        });
  }

  /**
   * "onnx" on providers nodes; "onnx-gpu" on gpu nodes whose CUDA probe succeeded. A gpu node whose probe failed
   * runs no GPU verticle and is degraded (component "gpu" down); with gpuCpuFallback it runs the CPU provider.
   */
  private Future<Void> deployOnnx(List<String> roles, ServiceConfig config) {
    boolean gpuRole = roles.contains("gpu");
    boolean cuda = onnx.cuda().available();
    boolean cpuFallback = config.providers().onnx().gpuCpuFallback();
    Future<Void> chain = Future.succeededFuture();
    if (roles.contains("providers") || (gpuRole && !cuda && cpuFallback)) {
      chain = chain.compose(v -> deploy("provider.onnx",
          new OnnxVerticle(metrics, config, OnnxVerticle.NAME, onnx.voices(), onnx.capabilities()), false));
    }
    if (gpuRole && cuda) {
      chain = chain.compose(v -> deploy("provider.onnx-gpu",
          new OnnxVerticle(metrics, config, OnnxVerticle.GPU_NAME, onnx.voices(), onnx.capabilities()), false));
    } else if (gpuRole) {
      state.down("gpu", "CUDA probe failed, no GPU synthesis on this node"
          + (cpuFallback ? " (CPU fallback on)" : "") + ": " + onnx.cuda().detail());
    }
    return chain;
  }

  /** Each verticle got its configuration sections through its constructor. */
  private Future<Void> deploy(String component, VerticleBase instance, boolean required) {
    return vertx.deployVerticle(instance)
        .<Void>map(id -> {
          if (instance instanceof Drainable intake) {
            state.register(component, intake);
          }
          if (component.equals("gateway")) {
            gatewayDeployment = id;
          }
          state.up(component);
          return null;
        })
        .recover(failure -> {
          if (required) {
            return Future.failedFuture(new IllegalStateException(component + " did not start: " + failure.getMessage(), failure));
          }
          LOG.error("{} did not start: {}", component, failure.getMessage());
          state.down(component, failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /**
   * Leaves the cluster cleanly: readiness turns false, the gateway stops first and drains its streams while
   * pipeline and providers still serve them, then the other verticles stop and Hazelcast leaves. Blocks, so call
   * it from a non-Vert.x thread (a shutdown hook, a test): a close chained inside Vert.x could not report back
   * once its event loops are gone.
   */
  public void stop(long timeout, TimeUnit unit) throws Exception {
    state.markStopping();
    health.stop();
    if (quality != null) {
      quality.stop();
    }
    try {
      if (gatewayDeployment != null) {
        vertx.undeploy(gatewayDeployment).otherwiseEmpty().await(timeout, unit);
      }
      if (profiles != null) {
        // After the gateway, which serves the profiles; before Vert.x, whose threads the store uses.
        profiles.close().otherwiseEmpty().await(timeout, unit);
      }
    } finally {
      // Even when draining overran, the node must still leave the cluster.
      try {
        vertx.close().await(timeout, unit);
      } finally {
        closeQuietly(onnx); // after the verticles, so no inference still uses a session
      }
    }
  }
}
