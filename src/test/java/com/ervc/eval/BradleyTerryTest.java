package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BradleyTerryTest {

  /** Votes drawn from known strengths 4 : 2 : 1 come back as those strengths, each inside its interval. */
  @Test
  void votesFromKnownStrengthsGiveThoseStrengths() {
    Map<String, Double> strength = Map.of("kokoro", 4.0, "piper", 2.0, "espeak", 1.0);
    List<String> systems = List.of("espeak", "kokoro", "piper");
    Random random = new Random(7);
    List<BradleyTerry.Vote> votes = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String a = systems.get(random.nextInt(3));
      String b = systems.get((systems.indexOf(a) + 1 + random.nextInt(2)) % 3);
      boolean aWins = random.nextDouble() < strength.get(a) / (strength.get(a) + strength.get(b));
      votes.add(new BradleyTerry.Vote("s" + i % 20, a, b, aWins ? "a" : "b"));
    }
    List<BradleyTerry.Rating> table = BradleyTerry.rank(votes);
    assertEquals(List.of("kokoro", "piper", "espeak"), table.stream().map(BradleyTerry.Rating::system).toList());
    // Elo scale: a factor of 2 in strength is 400 log10(2) = 120.4 points.
    double step = 400 * Math.log10(2);
    assertEquals(step, table.get(0).rating() - table.get(1).rating(), 20);
    assertEquals(step, table.get(1).rating() - table.get(2).rating(), 20);
    assertEquals(1500, table.stream().mapToDouble(BradleyTerry.Rating::rating).average().orElseThrow(), 1e-6);
    double trueKokoro = 1500 + 400 * Math.log10(4 / 2.0);
    BradleyTerry.Rating kokoro = table.get(0);
    assertTrue(kokoro.low() < trueKokoro && trueKokoro < kokoro.high(), kokoro.toString());
    assertTrue(kokoro.high() - kokoro.low() < 60, "3000 votes pin it down: " + kokoro);
    assertTrue(kokoro.high() - kokoro.low() > 10, "but not to a point: " + kokoro);
    assertEquals(2 * votes.size(), table.stream().mapToInt(r -> r.wins() + r.losses()).sum());
  }

  /** A few votes: the order is right but the intervals are wide; a system that never won stays finite. */
  @Test
  void fewVotesGiveWideIntervalsAndNoInfiniteRatings() {
    List<BradleyTerry.Vote> votes = List.of(new BradleyTerry.Vote("s1", "a1", "b1", "a"),
        new BradleyTerry.Vote("s2", "b1", "a1", "b"), new BradleyTerry.Vote("s3", "a1", "b1", "a"));
    List<BradleyTerry.Rating> table = BradleyTerry.rank(votes);
    assertEquals("a1", table.get(0).system());
    assertEquals(3, table.get(0).wins());
    assertEquals(3, table.get(1).losses());
    assertTrue(Double.isFinite(table.get(1).rating()));
    assertTrue(table.get(0).rating() > 1600, table.toString());
    assertTrue(table.get(0).low() <= 1500 + 1e-9 || table.get(1).high() >= 1500 - 1e-9, "uncertain: " + table);
  }

  @Test
  void tiesAreHalfAWinEachAndEqualSystemsRateEqually() {
    List<BradleyTerry.Vote> votes = List.of(new BradleyTerry.Vote("s1", "x", "y", "tie"),
        new BradleyTerry.Vote("s2", "x", "y", "a"), new BradleyTerry.Vote("s3", "y", "x", "a"));
    List<BradleyTerry.Rating> table = BradleyTerry.rank(votes);
    assertEquals(1500, table.get(0).rating(), 1e-6);
    assertEquals(1500, table.get(1).rating(), 1e-6);
    assertEquals(1, table.get(0).ties());
    assertEquals(List.of(), BradleyTerry.rank(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new BradleyTerry.Vote("s", "x", "y", "both"));
    assertThrows(IllegalArgumentException.class, () -> new BradleyTerry.Vote("s", "x", "x", "a"));
  }
}
