package com.ervc.eval;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's results, one JSON object per line ({@code results.jsonl}), appended and flushed per clip so that an
 * interrupted run loses at most the clip in progress. Reading keeps the last line per clip key, so a clip that
 * failed and was retried counts once; a torn last line (the process was killed mid-write) is ignored.
 */
final class ResultsFile implements AutoCloseable {
  private final Writer writer;

  private ResultsFile(Writer writer) {
    this.writer = writer;
  }

  static ResultsFile append(Path file) throws IOException {
    Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    if (Files.size(file) > 0 && !Files.readString(file, StandardCharsets.UTF_8).endsWith("\n")) {
      writer.write('\n');
    }
    return new ResultsFile(writer);
  }

  synchronized void write(ClipResult result) throws IOException {
    writer.write(result.toJson().encode());
    writer.write('\n');
    writer.flush();
  }

  /** Results by key, in first-seen order; an absent file is an empty run. */
  static Map<String, ClipResult> read(Path file) throws IOException {
    Map<String, ClipResult> results = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return results;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        ClipResult result = ClipResult.fromJson(new JsonObject(line));
        results.put(result.key(), result);
      } catch (DecodeException e) {
        // a line cut off by a killed run; that clip is simply run again
      }
    }
    return results;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
