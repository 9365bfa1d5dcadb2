package com.ervc.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' promtool (Debian's build, unpacked by scripts/test.sh into .tools/prometheus). The path can
 * be overridden with the PROMTOOL environment variable.
 */
public final class Promtool {
  /** Exit code and combined output of one run. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private Promtool() {
  }

  public static Path path() {
    String configured = System.getenv("PROMTOOL");
    Path tool = configured != null ? Path.of(configured) : Path.of(".tools/prometheus/usr/bin/promtool");
    if (!Files.isExecutable(tool)) {
      throw new IllegalStateException("promtool not found at " + tool.toAbsolutePath()
          + "; scripts/test.sh installs it (or set PROMTOOL)");
    }
    return tool;
  }

  public static Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  /** Runs promtool with {@code stdin} piped in (null for none). */
  public static Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(path().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool did not finish: " + command);
    }
    return new Result(process.exitValue(), output);
  }
}
