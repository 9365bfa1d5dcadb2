package com.ervc.deploy;

import com.ervc.cluster.ClusterBootstrap;
import com.ervc.config.ClusterConfig;
import com.ervc.config.ConfigException;
import com.ervc.config.ConfigLoader;
import com.ervc.config.ServiceConfig;
import com.ervc.config.Setting;
import com.ervc.config.Settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.config.Config;
import com.hazelcast.config.KubernetesConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Offline validation of the Kubernetes manifests under k8s/: {@code kubectl kustomize k8s/} renders them, the node
 * script deploy/validate/k8s-validate.js checks every document against the pinned Kubernetes OpenAPI schemas
 * (kubernetes-models) plus unknown fields, and the tests below check the project's own rules on the rendered
 * objects: probes, resources and security of every container, selectors, PDBs, GPU requests, the Hazelcast
 * Service, the shutdown timing, placeholder-only secrets, documented environment variables (and that each pod's
 * environment is a configuration the node accepts), the Prometheus discovery names, and yamllint.
 *
 * <p>kubectl, node (with deploy/validate/node_modules) and yamllint are required: scripts/test.sh installs them,
 * and without them these tests fail instead of being skipped.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path K8S = ROOT.resolve("k8s");
  private static final Path VALIDATOR = ROOT.resolve("deploy/validate/k8s-validate.js");
  private static final Path NODE_MODULES = ROOT.resolve("deploy/validate/node_modules");
  private static final Path PROMETHEUS_K8S = ROOT.resolve("deploy/monitoring/prometheus-k8s.yml");

  private static final String NAMESPACE = "ervc";
  private static final String PART_OF = "app.kubernetes.io/part-of";
  private static final String HAZELCAST_SERVICE = "ervc-hazelcast";
  private static final String GPU = "nvidia.com/gpu";

  /** Environment variables the pods may set that are not configuration keys (k8s/README.md lists them). */
  private static final Set<String> EXTRA_ENV = Set.of(
      "HZ_SERVICE_DNS", "POD_NAMESPACE", "POD_IP", "TTS_ACCELERATOR", "JAVA_TOOL_OPTIONS", "HOSTNAME");

  /** The three Deployments, their component label and roles. */
  private static final Map<String, List<String>> ROLES = Map.of(
      "ervc-gateway", List.of("gateway"),
      "ervc-worker", List.of("pipeline", "cache", "providers"),
      "ervc-worker-gpu", List.of("providers", "gpu"));

  /** Sample values for the downward API when a pod's environment is evaluated. */
  private static final String SAMPLE_POD_IP = "10.244.1.23";

  /**
   * What an operator puts into the Secret template before applying it (k8s/README.md, "Secrets"): a pod's
   * environment is checked with these in place of the empty placeholders. Keys not listed stay as shipped.
   */
  private static final Map<String, String> SAMPLE_SECRETS = Map.of(
      "REDIS_URL", "redis://:sample-password@redis-master.redis.svc.cluster.local:6379/0",
      "METRICS_TOKEN", "sample-metrics-token-0123456789",
      "JWT_SECRET", "sample-jwt-secret-0123456789abcdef0123456789abcdef",
      "DATABASE_URL", "postgresql://ervc:sample-password@ervc-postgres-rw.ervc.svc.cluster.local:5432/ervc");

  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern PLACEHOLDER = Pattern.compile("(?i).*change[-_]?me.*");

  /** Every rendered document with its validation result: {apiVersion, kind, name, namespace, errors, object}. */
  private static JsonArray results;
  /** The rendered objects. */
  private static List<JsonObject> objects;

  /** Exit code, stdout and stderr of a command. */
  record Run(int exitCode, String out, String err) {
    String describe() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  @BeforeAll
  static void renderAndValidate() throws Exception {
    Run kustomize = run(null, tool("kubectl"), "kustomize", K8S.toString());
    assertEquals(0, kustomize.exitCode(), "kubectl kustomize k8s/ failed: " + kustomize.describe());
    assertFalse(kustomize.err().contains("deprecated"), "kustomize warns about k8s/kustomization.yaml: "
        + kustomize.err());
    Run validated = validate(kustomize.out());
    results = new JsonArray(validated.out());
    objects = results.stream().map(o -> ((JsonObject) o).getJsonObject("object")).toList();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Tools

  /** The named executable on PATH; fails the test (with the way to get it) when it is missing. */
  private static String tool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return fail(name + " not found on PATH; scripts/test.sh installs it");
  }

  private static Run run(String stdin, String... command) throws IOException, InterruptedException {
    Path in = Files.createTempFile("k8s-test-in", ".txt");
    Path out = Files.createTempFile("k8s-test-out", ".txt");
    Path err = Files.createTempFile("k8s-test-err", ".txt");
    try {
      Files.writeString(in, stdin == null ? "" : stdin);
      Process process = new ProcessBuilder(command).directory(ROOT.toFile())
          .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("did not finish in 120 s: " + String.join(" ", command));
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs the node validator on YAML text (or files); returns its run after checking it produced JSON. */
  private static Run validate(String yaml, String... files) throws Exception {
    String node = tool("node");
    assertTrue(Files.isDirectory(NODE_MODULES.resolve("kubernetes-models")) && Files.isDirectory(
        NODE_MODULES.resolve("js-yaml")), "the pinned npm packages are missing from " + NODE_MODULES
        + "; scripts/test.sh installs them (npm ci in deploy/validate)");
    List<String> command = new ArrayList<>(List.of(node, VALIDATOR.toString(), "--objects"));
    command.addAll(List.of(files));
    Run run = run(yaml, command.toArray(String[]::new));
    assertTrue(run.exitCode() == 0 || run.exitCode() == 1, "k8s-validate.js crashed: " + run.describe());
    return run;
  }

  /** "Kind/name: error" for every error in a validator result array. */
  private static List<String> errors(JsonArray array) {
    List<String> errors = new ArrayList<>();
    for (Object o : array) {
      JsonObject r = (JsonObject) o;
      for (Object e : r.getJsonArray("errors")) {
        errors.add(r.getString("kind") + "/" + r.getString("name") + ": " + e);
      }
    }
    return errors;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Navigation helpers

  private static List<JsonObject> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getString("kind"))).toList();
  }

  private static JsonObject named(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst()
        .orElseGet(() -> fail("no " + kind + " named " + name + " in the rendered manifests"));
  }

  private static String name(JsonObject o) {
    return o.getJsonObject("metadata").getString("name");
  }

  /** A JsonObject or JsonArray member that may be absent: an empty one then. */
  private static JsonObject obj(JsonObject o, String... path) {
    JsonObject current = o;
    for (String key : path) {
      JsonObject next = current == null ? null : current.getJsonObject(key);
      current = next == null ? new JsonObject() : next;
    }
    return current;
  }

  private static JsonArray arr(JsonObject o, String key) {
    JsonArray a = o == null ? null : o.getJsonArray(key);
    return a == null ? new JsonArray() : a;
  }

  private static List<JsonObject> list(JsonArray a) {
    return a.stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject podSpec(JsonObject deployment) {
    return obj(deployment, "spec", "template", "spec");
  }

  private static Map<String, String> podLabels(JsonObject deployment) {
    return strings(obj(deployment, "spec", "template", "metadata", "labels"));
  }

  private static Map<String, String> strings(JsonObject o) {
    Map<String, String> map = new LinkedHashMap<>();
    o.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    return map;
  }

  /** Whether a label selector (matchLabels + matchExpressions, or a Service's plain map) selects the labels. */
  private static boolean selects(JsonObject selector, Map<String, String> labels, boolean plainMap) {
    Map<String, String> match = strings(plainMap ? selector : obj(selector, "matchLabels"));
    if (match.isEmpty() && (plainMap || arr(selector, "matchExpressions").isEmpty())) {
      return false; // an empty selector here would be a mistake (selects everything or nothing)
    }
    for (Map.Entry<String, String> e : match.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    if (!plainMap) {
      for (JsonObject expr : list(arr(selector, "matchExpressions"))) {
        String value = labels.get(expr.getString("key"));
        List<Object> values = arr(expr, "values").getList();
        boolean ok = switch (expr.getString("operator")) {
          case "In" -> values.contains(value);
          case "NotIn" -> value == null || !values.contains(value);
          case "Exists" -> value != null;
          case "DoesNotExist" -> value == null;
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /** Names of the Deployments whose pods the selector selects. */
  private static Set<String> selectedDeployments(JsonObject selector, boolean plainMap) {
    return ofKind("Deployment").stream().filter(d -> selects(selector, podLabels(d), plainMap))
        .map(KubernetesManifestsTest::name).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<JsonObject> containers(JsonObject deployment) {
    return list(arr(podSpec(deployment), "containers"));
  }

  private static JsonObject envEntry(JsonObject container, String name) {
    return list(arr(container, "env")).stream().filter(e -> name.equals(e.getString("name"))).findFirst()
        .orElse(null);
  }

  private static String literal(JsonObject container, String name) {
    JsonObject e = envEntry(container, name);
    return e == null ? null : e.getString("value");
  }

  /**
   * The environment the container would see, as Kubernetes builds it: envFrom (ConfigMaps, Secrets) first, then
   * env in order, with $(VAR) references to variables defined before, the downward API filled with sample
   * values (pod name, namespace, pod IP), and secret/config keys looked up in the rendered objects (empty or
   * placeholder Secret values replaced by {@link #SAMPLE_SECRETS}, as the operator fills them in).
   */
  private static Map<String, String> environment(JsonObject deployment, JsonObject container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonObject from : list(arr(container, "envFrom"))) {
      String prefix = from.getString("prefix", "");
      if (from.containsKey("configMapRef")) {
        configData("ConfigMap", from.getJsonObject("configMapRef").getString("name"))
            .forEach((k, v) -> env.put(prefix + k, v));
      } else if (from.containsKey("secretRef")) {
        configData("Secret", from.getJsonObject("secretRef").getString("name"))
            .forEach((k, v) -> env.put(prefix + k, v.isEmpty() || PLACEHOLDER.matcher(v).matches()
                ? SAMPLE_SECRETS.getOrDefault(k, v) : v));
      }
    }
    String namespace = obj(deployment, "metadata").getString("namespace");
    for (JsonObject e : list(arr(container, "env"))) {
      String name = e.getString("name");
      if (e.containsKey("value")) {
        Matcher m = VAR_REF.matcher(e.getString("value"));
        StringBuilder value = new StringBuilder();
        while (m.find()) {
          String ref = env.get(m.group(1));
          m.appendReplacement(value, Matcher.quoteReplacement(ref != null ? ref : m.group()));
        }
        m.appendTail(value);
        env.put(name, value.toString());
        continue;
      }
      JsonObject from = obj(e, "valueFrom");
      if (from.containsKey("fieldRef")) {
        String field = from.getJsonObject("fieldRef").getString("fieldPath");
        env.put(name, switch (field) {
          case "metadata.name" -> name(deployment) + "-5d8f7c9b4-x2k8q";
          case "metadata.namespace" -> namespace;
          case "status.podIP" -> SAMPLE_POD_IP;
          default -> fail("unexpected fieldRef " + field + " for " + name);
        });
      } else if (from.containsKey("secretKeyRef") || from.containsKey("configMapKeyRef")) {
        boolean secret = from.containsKey("secretKeyRef");
        JsonObject ref = from.getJsonObject(secret ? "secretKeyRef" : "configMapKeyRef");
        String value = configData(secret ? "Secret" : "ConfigMap", ref.getString("name")).get(ref.getString("key"));
        if (secret && value != null && (value.isEmpty() || PLACEHOLDER.matcher(value).matches())) {
          value = SAMPLE_SECRETS.getOrDefault(ref.getString("key"), value);
        }
        if (value != null) {
          env.put(name, value);
        } else {
          assertTrue(ref.getBoolean("optional", false), name + " refers to a missing key " + ref);
        }
      } else if (!from.isEmpty()) {
        env.put(name, "1"); // resourceFieldRef: a number
      }
    }
    return env;
  }

  /** data (base64-decoded for Secrets) and stringData of a rendered ConfigMap or Secret. */
  private static Map<String, String> configData(String kind, String name) {
    JsonObject o = named(kind, name);
    Map<String, String> data = new LinkedHashMap<>();
    obj(o, "data").forEach(e -> data.put(e.getKey(), "Secret".equals(kind)
        ? new String(Base64.getDecoder().decode(String.valueOf(e.getValue())), StandardCharsets.UTF_8)
        : String.valueOf(e.getValue())));
    data.putAll(strings(obj(o, "stringData")));
    return data;
  }

  private static Set<String> containerPortNames(JsonObject deployment) {
    Set<String> names = new HashSet<>();
    containers(deployment).forEach(c -> list(arr(c, "ports")).forEach(p -> names.add(p.getString("name"))));
    return names;
  }

  private static int containerPort(JsonObject container, String portName) {
    return list(arr(container, "ports")).stream().filter(p -> portName.equals(p.getString("name")))
        .map(p -> p.getInteger("containerPort")).findFirst()
        .orElseGet(() -> fail("container " + container.getString("name") + " has no port named " + portName));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Schema and lint

  @Test
  void renderedManifestsMatchTheKubernetesSchemas() {
    List<String> errors = errors(results);
    assertTrue(errors.isEmpty(), "k8s-validate.js found errors:\n" + String.join("\n", errors));
    Set<String> found = results.stream().map(o -> ((JsonObject) o).getString("kind") + "/"
        + ((JsonObject) o).getString("name")).collect(Collectors.toCollection(TreeSet::new));
    for (String expected : List.of("Deployment/ervc-gateway", "Deployment/ervc-worker", "Deployment/ervc-worker-gpu",
        "Service/ervc-hazelcast", "Service/ervc-gateway", "Service/ervc-gateway-headless",
        "Service/ervc-worker-headless", "Service/ervc-worker-gpu-headless", "Ingress/ervc-gateway",
        "HorizontalPodAutoscaler/ervc-gateway", "HorizontalPodAutoscaler/ervc-worker",
        "PodDisruptionBudget/ervc-gateway", "PodDisruptionBudget/ervc-worker", "PodDisruptionBudget/ervc-worker-gpu",
        "Secret/ervc-secrets", "ServiceAccount/ervc", "NetworkPolicy/ervc-cluster")) {
      assertTrue(found.contains(expected), "missing " + expected + " in " + found);
    }
    assertEquals(1, ofKind("ConfigMap").size(), "one ConfigMap with the shared settings: " + found);
  }

  @Test
  void optionalManifestsMatchTheKubernetesSchemas() throws Exception {
    List<String> files;
    try (Stream<Path> s = Files.list(K8S.resolve("optional"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).map(Path::toString).sorted().toList();
    }
    assertFalse(files.isEmpty(), "k8s/optional/ holds the custom-metric HPA variant");
    Run run = validate(null, files.toArray(String[]::new));
    JsonArray optional = new JsonArray(run.out());
    List<String> errors = errors(optional);
    assertTrue(errors.isEmpty(), "k8s-validate.js found errors in k8s/optional:\n" + String.join("\n", errors));
    assertEquals(0, run.exitCode(), run.describe());
    JsonObject hpa = list(optional).stream().map(r -> r.getJsonObject("object"))
        .filter(o -> "HorizontalPodAutoscaler".equals(o.getString("kind"))).findFirst()
        .orElseGet(() -> fail("no HorizontalPodAutoscaler in k8s/optional"));
    assertTrue(hpa.encode().contains("\"websocket_connections_active\""), "custom metric: " + hpa.encode());
    assertEquals("ervc-gateway", obj(hpa, "spec", "scaleTargetRef").getString("name"));
    named("Deployment", "ervc-gateway");
  }

  @Test
  void validatorRejectsBrokenDocuments() throws Exception {
    String broken = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: broken}
        spec:
          replicas: two
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers:
                - name: c
                  image: i
                  readinesProbe: {httpGet: {path: /ready, port: 8000}}
        ---
        apiVersion: v1
        kind: Frobnicator
        metadata: {name: x}
        """;
    Run run = validate(broken);
    assertEquals(1, run.exitCode(), run.describe());
    String errors = String.join("\n", errors(new JsonArray(run.out())));
    assertTrue(errors.contains("/spec/replicas: must be integer"), errors);
    assertTrue(errors.contains("unknown field \"readinesProbe\""), errors);
    assertTrue(errors.contains("unknown apiVersion/kind"), errors);
  }

  @Test
  void yamlFilesPassYamllint() throws Exception {
    List<String> files;
    try (Stream<Path> s = Stream.concat(Files.list(K8S), Files.list(K8S.resolve("optional")))) {
      files = s.map(Path::toString).filter(p -> p.endsWith(".yaml") || p.endsWith(".yml")).sorted().toList();
    }
    Path config = ROOT.resolve("deploy/.yamllint");
    List<String> command = new ArrayList<>(List.of(tool("yamllint"), "-f", "parsable"));
    command.addAll(Files.isRegularFile(config) ? List.of("-c", config.toString()) : List.of("-d", "relaxed"));
    command.addAll(files);
    Run run = run(null, command.toArray(String[]::new));
    assertEquals(0, run.exitCode(), "yamllint: " + run.describe());
  }

  // ---------------------------------------------------------------------------------------------------------
  // Namespaces and labels

  @Test
  void sourcesAreNamespaceAgnosticAndKustomizePutsEverythingInOneNamespace() throws Exception {
    try (Stream<Path> s = Stream.concat(Files.list(K8S), Files.list(K8S.resolve("optional")))) {
      for (Path file : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          assertTrue(Files.readString(file).contains("\nnamespace: " + NAMESPACE + "\n"), file.toString());
          continue;
        }
        for (String line : Files.readAllLines(file)) {
          assertFalse(line.matches("^\\s*namespace:.*"), file + " sets a namespace: " + line);
        }
      }
    }
    for (JsonObject o : objects) {
      assertEquals(NAMESPACE, obj(o, "metadata").getString("namespace"), o.getString("kind") + "/" + name(o));
      assertEquals("ervc", obj(o, "metadata", "labels").getString(PART_OF), o.getString("kind") + "/" + name(o));
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Pods

  @Test
  void everyContainerHasProbesResourcesAndARestrictedSecurityContext() {
    for (JsonObject d : ofKind("Deployment")) {
      JsonObject pod = podSpec(d);
      assertFalse(containers(d).isEmpty(), name(d));
      for (JsonObject c : containers(d)) {
        String where = name(d) + "/" + c.getString("name");
        assertEquals("/live", obj(c, "livenessProbe", "httpGet").getString("path"),
            where + ": liveness on /live (never /health: docs/operations.md)");
        assertEquals("/ready", obj(c, "readinessProbe", "httpGet").getString("path"), where + ": readiness");
        assertEquals("/live", obj(c, "startupProbe", "httpGet").getString("path"), where + ": startup on /live");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
          Object port = obj(c, probe, "httpGet").getValue("port");
          assertTrue("http".equals(port) || Integer.valueOf(8000).equals(port), where + " " + probe + " port " + port);
        }
        assertTrue(obj(c, "readinessProbe").getInteger("initialDelaySeconds", 0) >= 5,
            where + ": readiness waits a little after a Hazelcast join");
        for (String kind : List.of("requests", "limits")) {
          JsonObject r = obj(c, "resources", kind);
          assertTrue(r.containsKey("cpu") && r.containsKey("memory"), where + ": resources." + kind + " " + r);
        }
        JsonObject sc = obj(c, "securityContext");
        JsonObject psc = obj(pod, "securityContext");
        assertTrue(sc.getBoolean("runAsNonRoot", psc.getBoolean("runAsNonRoot", false)), where + ": runAsNonRoot");
        int uid = sc.getInteger("runAsUser", psc.getInteger("runAsUser", 0));
        assertTrue(uid > 0, where + ": a non-root runAsUser");
        assertEquals(Boolean.FALSE, sc.getBoolean("allowPrivilegeEscalation"), where + ": allowPrivilegeEscalation");
        assertTrue(arr(obj(sc, "capabilities"), "drop").contains("ALL"), where + ": capabilities drop ALL");
        assertFalse(sc.getBoolean("privileged", false), where + ": privileged");
        assertTrue(arr(obj(sc, "capabilities"), "add").isEmpty(), where + ": no added capabilities");
        if (sc.getBoolean("readOnlyRootFilesystem", false)) {
          assertTrue(list(arr(c, "volumeMounts")).stream().anyMatch(m -> "/tmp".equals(m.getString("mountPath"))),
              where + ": a read-only root file system needs a writable /tmp (java.io.tmpdir)");
        }
        String seccomp = obj(sc, "seccompProfile").getString("type", obj(psc, "seccompProfile").getString("type"));
        assertTrue("RuntimeDefault".equals(seccomp) || "Localhost".equals(seccomp), where + ": seccomp " + seccomp);
        assertNotNull(c.getString("image"), where + ": image");
        assertNotNull(c.getString("imagePullPolicy"), where + ": imagePullPolicy");
        List<Object> preStop = arr(obj(c, "lifecycle", "preStop", "exec"), "command").getList();
        assertEquals("sleep", preStop.isEmpty() ? null : preStop.get(0), where + ": preStop sleeps " + preStop);
      }
      assertFalse(pod.getBoolean("hostNetwork", false), name(d) + ": hostNetwork");
    }
  }

  @Test
  void podsUseTheServiceAccountWithoutAnApiToken() {
    JsonObject account = named("ServiceAccount", "ervc");
    assertEquals(Boolean.FALSE, account.getBoolean("automountServiceAccountToken"), "DNS discovery needs no token");
    for (JsonObject d : ofKind("Deployment")) {
      assertEquals("ervc", podSpec(d).getString("serviceAccountName"), name(d));
      assertEquals(Boolean.FALSE, podSpec(d).getBoolean("automountServiceAccountToken"), name(d));
    }
    assertTrue(ofKind("Role").isEmpty() && ofKind("RoleBinding").isEmpty() && ofKind("ClusterRole").isEmpty(),
        "no RBAC: Hazelcast uses DNS discovery");
  }

  @Test
  void gracePeriodCoversThePreStopSleepAndTheDrain() {
    for (JsonObject d : ofKind("Deployment")) {
      int grace = podSpec(d).getInteger("terminationGracePeriodSeconds", 30);
      for (JsonObject c : containers(d)) {
        Map<String, String> env = environment(d, c);
        int drain = Integer.parseInt(env.getOrDefault("SHUTDOWN_DRAIN_SECONDS",
            String.valueOf(ConfigLoader.load(null, Map.of()).node().shutdownDrainSeconds())));
        List<Object> preStop = arr(obj(c, "lifecycle", "preStop", "exec"), "command").getList();
        int sleep = preStop.size() == 2 ? Integer.parseInt(String.valueOf(preStop.get(1))) : 0;
        assertEquals(30, drain, name(d) + ": SHUTDOWN_DRAIN_SECONDS");
        assertTrue(grace >= sleep + drain + 10, name(d) + ": terminationGracePeriodSeconds " + grace
            + " must exceed the preStop sleep (" + sleep + " s) + SHUTDOWN_DRAIN_SECONDS (" + drain
            + " s) + 10 s to leave the cluster");
      }
    }
  }

  @Test
  void onlyGpuPodsRequestGpusAndOnlyAsLimits() {
    for (JsonObject d : ofKind("Deployment")) {
      boolean gpuPool = name(d).equals("ervc-worker-gpu");
      for (JsonObject c : containers(d)) {
        JsonObject limits = obj(c, "resources", "limits");
        JsonObject requests = obj(c, "resources", "requests");
        if (gpuPool) {
          assertEquals("1", String.valueOf(limits.getValue(GPU)), name(d) + ": one GPU in limits");
          assertTrue(!requests.containsKey(GPU) || String.valueOf(requests.getValue(GPU))
              .equals(String.valueOf(limits.getValue(GPU))), name(d) + ": GPU requests must equal limits");
          Map<String, String> env = environment(d, c);
          assertEquals("cuda", env.get("TTS_ACCELERATOR"), name(d));
          assertEquals("true", env.get("GPU_ACCELERATION"), name(d));
        } else {
          assertFalse(limits.containsKey(GPU) || requests.containsKey(GPU), name(d) + " must not ask for a GPU");
          assertNull(environment(d, c).get("TTS_ACCELERATOR"), name(d));
        }
      }
      JsonObject pod = podSpec(d);
      boolean tolerates = list(arr(pod, "tolerations")).stream().anyMatch(t -> GPU.equals(t.getString("key")));
      if (gpuPool) {
        assertEquals("true", obj(pod, "nodeSelector").getString("nvidia.com/gpu.present"), name(d) + " nodeSelector");
        assertTrue(tolerates, name(d) + " tolerates the GPU taint");
        JsonObject rolling = obj(d, "spec", "strategy", "rollingUpdate");
        assertEquals("0", String.valueOf(rolling.getValue("maxSurge", 0)), "a surge GPU pod needs a spare GPU");
      } else {
        assertFalse(tolerates || obj(pod, "nodeSelector").containsKey("nvidia.com/gpu.present"),
            name(d) + " must stay off the GPU pool");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Environment and cluster wiring

  @Test
  void everyEnvironmentVariableIsADocumentedKey() throws Exception {
    Set<String> settingsEnv = Settings.ALL.stream().map(Setting::env).collect(Collectors.toCollection(TreeSet::new));
    String docs = Files.readString(ROOT.resolve("docs/configuration.md"));
    Set<String> allowed = new TreeSet<>(settingsEnv);
    allowed.addAll(EXTRA_ENV);
    Set<String> used = new TreeSet<>();
    for (JsonObject d : ofKind("Deployment")) {
      for (JsonObject c : containers(d)) {
        environment(d, c).keySet().forEach(used::add);
        list(arr(c, "env")).forEach(e -> used.add(e.getString("name")));
      }
    }
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(allowed);
    assertTrue(unknown.isEmpty(), "undocumented environment variables: " + unknown);
    for (String name : used) {
      if (settingsEnv.contains(name)) {
        assertTrue(docs.contains("`" + name + "`"), name + " is not in docs/configuration.md");
      }
    }
    String readme = Files.readString(K8S.resolve("README.md"));
    for (String extra : EXTRA_ENV) {
      if (used.contains(extra)) {
        assertTrue(readme.contains(extra), extra + " is used but not explained in k8s/README.md");
      }
    }
  }

  @Test
  void everyPodEnvironmentIsAConfigurationTheNodeAccepts() {
    for (JsonObject d : ofKind("Deployment")) {
      for (JsonObject c : containers(d)) {
        String where = name(d) + "/" + c.getString("name");
        Map<String, String> env = environment(d, c);
        env.forEach((k, v) -> assertFalse(VAR_REF.matcher(v).find(), where + ": unresolved reference in " + k
            + "=" + v + " (define the variable earlier in env)"));
        ServiceConfig config;
        try {
          config = ConfigLoader.load(null, env);
        } catch (ConfigException e) {
          throw new AssertionError(where + ": the node would exit 2: " + e.getMessage(), e);
        }
        assertEquals(ROLES.get(name(d)), config.node().roles(), where);
        assertEquals("0.0.0.0", config.http().host(), where + ": HTTP_HOST");
        assertEquals(containerPort(c, "http"), config.http().port(), where + ": http");
        assertNull(config.metrics().port(),
            where + ": prometheus-k8s.yml scrapes port 8000, so METRICS_PORT stays unset");
        ClusterConfig cluster = config.cluster();
        assertEquals("cluster-config/cluster-kubernetes.xml", cluster.configFile(), where);
        assertEquals("0.0.0.0", cluster.host(), where + ": CLUSTER_HOST");
        assertEquals(SAMPLE_POD_IP, cluster.publicHost(), where + ": CLUSTER_PUBLIC_HOST=$(POD_IP)");
        assertEquals(containerPort(c, "eventbus"), cluster.port(), where + ": CLUSTER_PORT pinned");
        assertTrue(cluster.members().isEmpty(), where + ": CLUSTER_MEMBERS would disable discovery");
        assertTrue(config.node().name().startsWith(name(d) + "-"), where + ": NODE_NAME");
        assertEquals("metadata.name", obj(envEntry(c, "NODE_NAME"), "valueFrom", "fieldRef").getString("fieldPath"));
        assertEquals("status.podIP", obj(envEntry(c, "POD_IP"), "valueFrom", "fieldRef").getString("fieldPath"));
        assertEquals("$(POD_IP)", literal(c, "CLUSTER_PUBLIC_HOST"), where);
        assertTrue(obj(envEntry(c, "REDIS_URL"), "valueFrom").containsKey("secretKeyRef"),
            where + ": REDIS_URL comes from a Secret");
        if (config.node().roles().contains("gateway")) {
          assertTrue(obj(envEntry(c, "DATABASE_URL"), "valueFrom").containsKey("secretKeyRef"),
              where + ": the gateways' voice-profile store (DATABASE_URL) comes from a Secret");
          assertEquals(SAMPLE_SECRETS.get("DATABASE_URL"), config.cloning().databaseUrl(), where);
        }

        Config hazelcast = ClusterBootstrap.hazelcastConfig(cluster, env);
        KubernetesConfig k8s = hazelcast.getNetworkConfig().getJoin().getKubernetesConfig();
        assertTrue(k8s.isEnabled(), where + ": Kubernetes discovery");
        assertEquals(HAZELCAST_SERVICE + "." + NAMESPACE + ".svc.cluster.local", k8s.getProperty("service-dns"),
            where + ": HZ_SERVICE_DNS must name the headless Service");
        assertEquals(containerPort(c, "hazelcast"), hazelcast.getNetworkConfig().getPort(), where + ": 5701");
        assertFalse(hazelcast.getNetworkConfig().isPortAutoIncrement(), where + ": the port must be fixed");
      }
    }
  }

  @Test
  void rolesCoverTheWholeService() {
    Set<String> all = new LinkedHashSet<>();
    for (JsonObject d : ofKind("Deployment")) {
      assertTrue(ROLES.containsKey(name(d)), "unexpected Deployment " + name(d));
      for (JsonObject c : containers(d)) {
        String roles = literal(c, "NODE_ROLES");
        assertEquals(String.join(",", ROLES.get(name(d))), roles, name(d) + ": NODE_ROLES");
        all.addAll(List.of(roles.split(",")));
      }
    }
    assertEquals(new TreeSet<>(Settings.ROLES), new TreeSet<>(all), "every role runs somewhere");
    assertEquals(3, obj(named("Deployment", "ervc-gateway"), "spec").getInteger("replicas"), "gateway replicas");
  }

  @Test
  void hazelcastServiceIsHeadlessPublishesNotReadyPodsAndSelectsEveryPod() {
    JsonObject service = named("Service", HAZELCAST_SERVICE);
    JsonObject spec = obj(service, "spec");
    assertEquals("None", spec.getString("clusterIP"), "headless");
    assertEquals(Boolean.TRUE, spec.getBoolean("publishNotReadyAddresses"),
        "pods are ready only after joining, so discovery must see not-ready pods");
    assertEquals(new TreeSet<>(ROLES.keySet()), selectedDeployments(obj(spec, "selector"), true));
    Map<String, Integer> ports = new LinkedHashMap<>();
    list(arr(spec, "ports")).forEach(p -> ports.put(p.getString("name"), p.getInteger("port")));
    assertEquals(Map.of("hazelcast", 5701, "eventbus", 5702), ports);
    for (JsonObject d : ofKind("Deployment")) {
      for (JsonObject c : containers(d)) {
        assertEquals(HAZELCAST_SERVICE + ".$(POD_NAMESPACE).svc.cluster.local", literal(c, "HZ_SERVICE_DNS"), name(d));
        assertEquals(5701, containerPort(c, "hazelcast"), name(d));
        assertEquals(5702, containerPort(c, "eventbus"), name(d));
        assertEquals(8000, containerPort(c, "http"), name(d));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Selectors, Services, PDBs, HPAs, Ingress, NetworkPolicy

  @Test
  void deploymentSelectorsMatchTheirOwnPodsOnly() {
    for (JsonObject d : ofKind("Deployment")) {
      assertEquals(Set.of(name(d)), selectedDeployments(obj(d, "spec", "selector"), false),
          name(d) + ": spec.selector must select its pods and no other Deployment's");
    }
  }

  @Test
  void everyDeploymentHasExactlyOnePodDisruptionBudget() {
    Map<String, Integer> budgets = new LinkedHashMap<>();
    for (JsonObject pdb : ofKind("PodDisruptionBudget")) {
      Set<String> selected = selectedDeployments(obj(pdb, "spec", "selector"), false);
      assertEquals(1, selected.size(), "PDB " + name(pdb) + " selects " + selected);
      selected.forEach(d -> budgets.merge(d, 1, Integer::sum));
      JsonObject spec = obj(pdb, "spec");
      assertTrue(spec.containsKey("maxUnavailable") || spec.containsKey("minAvailable"), name(pdb));
    }
    for (JsonObject d : ofKind("Deployment")) {
      assertEquals(1, budgets.getOrDefault(name(d), 0), name(d) + ": PodDisruptionBudgets selecting it");
    }
  }

  @Test
  void servicesSelectTheRightPodsAndNamedPorts() {
    Map<String, Set<String>> expected = Map.of(
        HAZELCAST_SERVICE, new TreeSet<>(ROLES.keySet()),
        "ervc-gateway", Set.of("ervc-gateway"),
        "ervc-gateway-headless", Set.of("ervc-gateway"),
        "ervc-worker-headless", Set.of("ervc-worker"),
        "ervc-worker-gpu-headless", Set.of("ervc-worker-gpu"));
    assertEquals(new TreeSet<>(expected.keySet()),
        ofKind("Service").stream().map(KubernetesManifestsTest::name).collect(Collectors.toCollection(TreeSet::new)));
    for (JsonObject s : ofKind("Service")) {
      Set<String> selected = selectedDeployments(obj(s, "spec", "selector"), true);
      assertEquals(expected.get(name(s)), selected, "Service " + name(s) + " selects");
      for (JsonObject port : list(arr(obj(s, "spec"), "ports"))) {
        Object target = port.getValue("targetPort", port.getValue("port"));
        for (String d : selected) {
          JsonObject deployment = named("Deployment", d);
          if (target instanceof String portName) {
            assertTrue(containerPortNames(deployment).contains(portName), name(s) + " -> " + d + ":" + portName);
          }
        }
      }
    }
    JsonObject gateway = obj(named("Service", "ervc-gateway"), "spec");
    assertEquals("ClusterIP", gateway.getString("type", "ClusterIP"));
    assertEquals(80, list(arr(gateway, "ports")).get(0).getInteger("port"));
    assertEquals("http", list(arr(gateway, "ports")).get(0).getString("targetPort"));
  }

  @Test
  void prometheusDiscoveryNamesAreHeadlessServicesOnPort8000() throws Exception {
    Matcher m = Pattern.compile("\"([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local\"")
        .matcher(Files.readString(PROMETHEUS_K8S));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      assertEquals(NAMESPACE, m.group(2), "prometheus-k8s.yml and kustomization.yaml must agree on the namespace");
      names.add(m.group(1));
    }
    assertEquals(Set.of("ervc-gateway-headless", "ervc-worker-headless", "ervc-worker-gpu-headless"), names);
    for (String name : names) {
      JsonObject spec = obj(named("Service", name), "spec");
      assertEquals("None", spec.getString("clusterIP"), name + " must be headless (one A record per pod)");
      assertFalse(spec.getBoolean("publishNotReadyAddresses", false), name + ": scrape ready pods only");
      assertTrue(list(arr(spec, "ports")).stream().anyMatch(p -> p.getInteger("port") == 8000), name + " port");
    }
  }

  @Test
  void ingressRoutesToTheGatewayWithTlsAndWebSocketTimeouts() {
    List<JsonObject> ingresses = ofKind("Ingress");
    assertEquals(1, ingresses.size());
    JsonObject ingress = ingresses.get(0);
    JsonObject spec = obj(ingress, "spec");
    assertEquals("nginx", spec.getString("ingressClassName"));
    assertFalse(arr(spec, "tls").isEmpty(), "TLS");
    assertNotNull(list(arr(spec, "tls")).get(0).getString("secretName"), "TLS secret");
    JsonObject annotations = obj(ingress, "metadata", "annotations");
    for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
      String value = annotations.getString("nginx.ingress.kubernetes.io/" + timeout);
      assertNotNull(value, timeout);
      assertTrue(Integer.parseInt(value) >= 3600, timeout + " keeps WebSockets open: " + value);
    }
    JsonObject gateway = named("Deployment", "ervc-gateway");
    List<String> origins = ConfigLoader.load(null, environment(gateway, containers(gateway).get(0))).http()
        .corsOrigins();
    for (JsonObject rule : list(arr(spec, "rules"))) {
      // TLS ends at the Ingress: the gateway sees http and accepts the browser's https Origin only when listed.
      assertTrue(origins.contains("https://" + rule.getString("host")), "CORS_ORIGINS " + origins
          + " must list https://" + rule.getString("host") + " or browsers cannot open the WebSocket");
      for (JsonObject path : list(arr(obj(rule, "http"), "paths"))) {
        JsonObject backend = obj(path, "backend", "service");
        JsonObject service = obj(named("Service", backend.getString("name")), "spec");
        JsonObject port = obj(backend, "port");
        assertTrue(list(arr(service, "ports")).stream().anyMatch(p -> p.getString("name").equals(port.getString("name"))
            || p.getInteger("port").equals(port.getInteger("number"))), "backend port " + port);
        assertEquals("ervc-gateway", backend.getString("name"));
      }
    }
  }

  @Test
  void autoscalersTargetGatewayAndWorkerOnCpuAndMemory() {
    Set<String> targets = new TreeSet<>();
    for (JsonObject hpa : ofKind("HorizontalPodAutoscaler")) {
      JsonObject spec = obj(hpa, "spec");
      JsonObject ref = obj(spec, "scaleTargetRef");
      assertEquals("Deployment", ref.getString("kind"));
      JsonObject deployment = named("Deployment", ref.getString("name"));
      assertTrue(targets.add(ref.getString("name")), "two HPAs on " + ref.getString("name"));
      Set<String> resources = list(arr(spec, "metrics")).stream().filter(x -> "Resource".equals(x.getString("type")))
          .map(x -> obj(x, "resource").getString("name")).collect(Collectors.toSet());
      assertEquals(Set.of("cpu", "memory"), resources, name(hpa));
      int min = spec.getInteger("minReplicas", 1);
      assertTrue(min >= 2 && min <= spec.getInteger("maxReplicas"), name(hpa) + " replicas");
      assertEquals(obj(deployment, "spec").getInteger("replicas"), min, name(hpa) + ": minReplicas = replicas");
    }
    assertEquals(Set.of("ervc-gateway", "ervc-worker"), targets);
  }

  @Test
  void networkPoliciesLimitClusterPortsToErvcPods() {
    List<JsonObject> policies = ofKind("NetworkPolicy");
    assertFalse(policies.isEmpty());
    Set<Integer> clusterPortsAllowed = new HashSet<>();
    boolean httpFromOtherNamespace = false;
    boolean dns = false;
    for (JsonObject policy : policies) {
      JsonObject spec = obj(policy, "spec");
      assertFalse(selectedDeployments(obj(spec, "podSelector"), false).isEmpty(), name(policy) + " selects no pod");
      for (String direction : List.of("ingress", "egress")) {
        for (JsonObject rule : list(arr(spec, direction))) {
          List<JsonObject> peers = list(arr(rule, direction.equals("ingress") ? "from" : "to"));
          Set<Integer> ports = list(arr(rule, "ports")).stream().map(p -> p.getInteger("port"))
              .collect(Collectors.toSet());
          for (JsonObject peer : peers) {
            // kustomize's labels transformer adds part-of=ervc to every podSelector: next to a
            // namespaceSelector it would match no pod of the ingress controller or of Prometheus.
            if (peer.containsKey("namespaceSelector")) {
              assertFalse(obj(peer, "podSelector", "matchLabels").containsKey(PART_OF),
                  name(policy) + ": a peer in another namespace requires " + PART_OF);
            }
          }
          if (direction.equals("ingress")) {
            boolean onlyErvcPods = !peers.isEmpty() && peers.stream().allMatch(p -> !p.containsKey("namespaceSelector")
                && !p.containsKey("ipBlock") && !selectedDeployments(obj(p, "podSelector"), false).isEmpty());
            if (ports.contains(5701) || ports.contains(5702)) {
              assertTrue(onlyErvcPods, name(policy) + ": Hazelcast and event-bus ports only from ERVC pods");
              clusterPortsAllowed.addAll(ports);
            }
            if (ports.contains(8000) && peers.stream().anyMatch(p -> p.containsKey("namespaceSelector"))) {
              httpFromOtherNamespace = true;
            }
            assertFalse(peers.isEmpty(), name(policy) + ": an ingress rule without `from` opens to everyone");
          } else if (ports.contains(53)) {
            dns = true;
          }
        }
      }
    }
    assertTrue(clusterPortsAllowed.containsAll(Set.of(5701, 5702)), "pods must reach each other on 5701/5702");
    assertTrue(httpFromOtherNamespace, "port 8000 from the ingress controller / Prometheus namespaces");
    assertTrue(dns, "egress to DNS (Hazelcast discovery)");
  }

  @Test
  void secretHoldsPlaceholdersOnly() {
    List<JsonObject> secrets = ofKind("Secret");
    assertFalse(secrets.isEmpty());
    for (JsonObject secret : secrets) {
      Map<String, String> values = configData("Secret", name(secret));
      assertFalse(values.isEmpty(), name(secret));
      values.forEach((key, value) -> assertTrue(value.isEmpty() || PLACEHOLDER.matcher(value).matches(),
          "Secret " + name(secret) + " key " + key + " holds a real-looking value; keep only empty or change-me"
              + " placeholders in the repository"));
    }
  }
}
