package com.ervc.deploy;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/download-models.sh against a local HTTP server that honours Range requests: pinned checksums are
 * verified (a mismatch installs nothing), an interrupted download resumes from its .part file, and an
 * unreachable source fails with the offline message and exit code 3.
 */
class DownloadModelsTest {
  private static final Path SCRIPT = Path.of("").toAbsolutePath().resolve("scripts/download-models.sh");
  private static final byte[] MODEL = new byte[200_000];
  private static final byte[] CONFIG = "{\"audio\":{\"sample_rate\":22050}}".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;
  private HttpServer server;
  private final List<String> ranges = new CopyOnWriteArrayList<>();

  static {
    for (int i = 0; i < MODEL.length; i++) {
      MODEL[i] = (byte) (i * 31 + i / 7);
    }
  }

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String name = exchange.getRequestURI().getPath().substring(1);
      byte[] body = switch (name) {
        case "voice.onnx" -> MODEL;
        case "voice.onnx.json" -> CONFIG;
        default -> null;
      };
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      String range = exchange.getRequestHeaders().getFirst("Range");
      ranges.add(name + " " + range);
      int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
      if (range != null) {
        exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      }
      exchange.sendResponseHeaders(range == null ? 200 : 206, body.length - from);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body, from, body.length - from);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private Path manifest(String modelSha, String configSha) throws IOException {
    Path manifest = dir.resolve("models.tsv");
    Files.writeString(manifest, "# test list\n"
        + "test-voice\tpiper\tvoice.onnx\t" + modelSha + "\thttps://example.invalid/voice.onnx\n"
        + "test-voice\tpiper\tvoice.onnx.json\t" + configSha + "\thttps://example.invalid/voice.onnx.json\n");
    return manifest;
  }

  private record Run(int exit, String output) {
  }

  private Run run(Path manifest, String baseUrl) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.remove("ALLOW_UNPINNED");
    env.put("MODELS_MANIFEST", manifest.toString());
    env.put("TTS_CACHE_DIR", dir.resolve("models").toString());
    env.put("MODELS_BASE_URL", baseUrl);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script finished");
    return new Run(p.exitValue(), out);
  }

  @Test
  void everyFileOfThePackagedListHasAPinnedDigestAndAnHttpsUrl() throws IOException {
    List<String> entries = Files.readAllLines(Path.of("src/main/resources/onnx/models.tsv")).stream()
        .filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
    assertEquals(8, entries.size(), "three Piper voices (model + config each) and Kokoro v1.0 (model + voices)");
    for (String entry : entries) {
      String[] columns = entry.split("\t");
      assertEquals(5, columns.length, entry);
      assertTrue(columns[3].matches("[0-9a-f]{64}"), "unpinned or malformed digest: " + entry);
      assertTrue(columns[4].startsWith("https://") && columns[4].endsWith("/" + columns[2]), entry);
    }
  }

  @Test
  void verifiedFilesAreInstalled() throws Exception {
    Run result = run(manifest(sha256(MODEL), sha256(CONFIG)), base());
    assertEquals(0, result.exit(), result.output());
    assertArrayEquals(MODEL, Files.readAllBytes(dir.resolve("models/piper/voice.onnx")));
    assertArrayEquals(CONFIG, Files.readAllBytes(dir.resolve("models/piper/voice.onnx.json")));
    Run again = run(manifest(sha256(MODEL), sha256(CONFIG)), base());
    assertEquals(0, again.exit());
    assertTrue(again.output().contains("already there"), again.output());
  }

  @Test
  void checksumMismatchInstallsNothing() throws Exception {
    Run result = run(manifest("0".repeat(64), sha256(CONFIG)), base());
    assertEquals(5, result.exit(), result.output());
    assertTrue(result.output().contains("checksum mismatch for voice.onnx"), result.output());
    assertFalse(Files.exists(dir.resolve("models/piper/voice.onnx")));
    assertFalse(Files.exists(dir.resolve("models/piper/voice.onnx.part")));
  }

  @Test
  void unpinnedFilesNeedConsent() throws Exception {
    Run result = run(manifest("-", "-"), base());
    assertEquals(5, result.exit(), result.output());
    assertTrue(result.output().contains("it hashed to " + sha256(MODEL)), result.output());
  }

  @Test
  void interruptedDownloadResumes() throws Exception {
    Files.createDirectories(dir.resolve("models/piper"));
    Files.write(dir.resolve("models/piper/voice.onnx.part"), java.util.Arrays.copyOf(MODEL, 120_000));
    Run result = run(manifest(sha256(MODEL), sha256(CONFIG)), base());
    assertEquals(0, result.exit(), result.output());
    assertArrayEquals(MODEL, Files.readAllBytes(dir.resolve("models/piper/voice.onnx")));
    assertTrue(ranges.contains("voice.onnx bytes=120000-"), ranges.toString());
  }

  @Test
  void unreachableSourceFailsAsOffline() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Run result = run(manifest(sha256(MODEL), sha256(CONFIG)), "http://127.0.0.1:" + closed);
    assertEquals(3, result.exit(), result.output());
    assertTrue(result.output().contains("offline?"), result.output());
    List<String> none = new ArrayList<>(ranges);
    assertEquals(List.of(), none);
  }
}
