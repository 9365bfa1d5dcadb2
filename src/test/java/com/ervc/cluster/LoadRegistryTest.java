package com.ervc.cluster;

import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class LoadRegistryTest {
  static ProviderLoad load(String name, String node, String instance, int inFlight, int capacity, double ttfa) {
    ProviderInfo info = new ProviderInfo(name, node, true, "v1",
        List.of(new ProviderInfo.Voice("v1", "Voice 1", "en", "female")), List.of("neutral"),
        List.of("fast", "balanced", "high"), true, true, 22050, "test");
    return new ProviderLoad(instance, "tts.provider." + name + ".instance." + instance, info, inFlight, capacity, 0,
        ttfa, -1, 0, "closed", false);
  }

  @Test
  void entriesExpireWithoutReportsAndGoAtOnceWhenLeavingOrTheirNodeLeft() {
    LoadRegistry registry = new LoadRegistry("n0");
    registry.report(load("espeak", "n1", "a", 0, 10, 50).body(), 1_000);
    registry.report(load("espeak", "n2", "b", 0, 10, 50).body(), 1_000);
    registry.report(load("espeak", "n3", "c", 0, 10, 50).body(), 1_000);
    assertEquals(3, registry.live(1_000).size());
    registry.report(load("espeak", "n1", "a", 0, 10, 50).leavingNow().body(), 1_500);
    registry.nodeLeft("n2");
    assertEquals(List.of("c"), registry.live(1_500).stream().map(ProviderLoad::instanceId).toList());
    assertEquals(List.of(), registry.live(1_000 + LoadRegistry.EXPIRY_MS + 1), "no report for too long");
  }

  @Test
  void anInstanceOnTheRegistrysOwnNodeStaysHoweverLateItsReportsButLeavesWhenItSaysSo() {
    LoadRegistry registry = new LoadRegistry("n0");
    registry.report(load("espeak", "n0", "own", 0, 10, 50).body(), 1_000);
    registry.report(load("espeak", "n1", "other", 0, 10, 50).body(), 1_000);
    long late = 1_000 + 10 * LoadRegistry.EXPIRY_MS;
    assertEquals(List.of("own"), registry.live(late).stream().map(ProviderLoad::instanceId).toList(),
        "a starved node's own instance is still there; the other node's has expired");
    registry.report(load("espeak", "n0", "own", 0, 10, 50).leavingNow().body(), late);
    assertEquals(List.of(), registry.live(late));
  }

  @Test
  void ownRepliesCorrectTheReportedLoadUntilTheNextReport() {
    LoadRegistry registry = new LoadRegistry(null);
    registry.report(load("espeak", "n1", "a", 1, 10, 50).body(), 0);
    registry.assigned("a");
    registry.assigned("a");
    assertEquals(3, registry.live(0).get(0).inFlight());
    registry.report(load("espeak", "n1", "a", 2, 10, 50).body(), 10);
    assertEquals(2, registry.live(10).get(0).inFlight(), "the report includes them now");
    registry.released("a");
    assertEquals(1, registry.live(10).get(0).inFlight(), "a finished reply frees its slot before the next report");
    registry.released("a");
    registry.released("a");
    assertEquals(0, registry.live(10).get(0).inFlight(), "never below zero");
  }

  @Test
  void aReportsVoiceListIsReadAgainOnlyWhenItChanged() {
    LoadRegistry registry = new LoadRegistry(null);
    ProviderLoad first = load("kokoro", "n1", "a", 0, 10, 50);
    registry.report(first.body(), 0);
    ProviderInfo read = registry.get("a").info();
    assertEquals(first.info(), read);
    registry.report(load("kokoro", "n1", "a", 3, 10, 40).body(), 10);
    assertSame(read, registry.get("a").info(), "an unchanged info is not read again");
    assertEquals(3, registry.get("a").inFlight(), "the rest of the report is");
    assertEquals(40, registry.get("a").ttfaEwmaMs());

    ProviderInfo twoVoices = new ProviderInfo("kokoro", "n1", true, "v1",
        List.of(new ProviderInfo.Voice("v1", "Voice 1", "en", "female"), new ProviderInfo.Voice("v2", "Voice 2", "en",
            "male")), List.of("neutral"), List.of("fast", "balanced", "high"), true, true, 24000, "test");
    ProviderLoad changed = new ProviderLoad("a", first.address(), twoVoices, 1, 10, 0, 40, -1, 0, "closed", false);
    registry.report(changed.body(), 20);
    ProviderInfo reread = registry.get("a").info();
    assertEquals(List.of("v1", "v2"), reread.voiceIds(), "a changed voice list is read");

    registry.report(changed.leavingNow().body(), 30);
    registry.report(changed.body(), 40);
    assertNotSame(reread, registry.get("a").info(), "an instance that left and came back is read whole");
    assertEquals(twoVoices, registry.get("a").info());
  }
}
