package com.ervc.eval;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The blind A/B votes of a run, {@code ab-votes.jsonl} next to its results: one JSON object per vote
 * ({@code time}, {@code sentence}, {@code a}, {@code b}: cell keys, {@code winner}: a, b or tie), appended as each
 * vote arrives. A torn last line (a killed process) is ignored on reading.
 */
final class VotesFile {
  static final String NAME = "ab-votes.jsonl";

  private VotesFile() {
  }

  static synchronized void append(Path file, BradleyTerry.Vote vote) throws IOException {
    String line = vote.toJson().put("time", Instant.now().toString()).encode() + "\n";
    if (Files.exists(file) && Files.size(file) > 0 && !Files.readString(file, StandardCharsets.UTF_8).endsWith("\n")) {
      line = "\n" + line;
    }
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Every vote in the file; an absent file has none. */
  static List<BradleyTerry.Vote> read(Path file) throws IOException {
    List<BradleyTerry.Vote> votes = new ArrayList<>();
    if (!Files.exists(file)) {
      return votes;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        votes.add(BradleyTerry.Vote.fromJson(new JsonObject(line)));
      } catch (DecodeException e) {
        // a line cut off by a killed process
      }
    }
    return votes;
  }
}
