package com.ervc.protocol;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/event-bus.md holds the table {@link BusMessage#markdown()} generates, between its markers. To rewrite the
 * table after changing the catalogue: {@code mvn -o test -Dtest=BusCatalogueTest -Dervc.writeDocs=true}.
 */
class BusCatalogueTest {
  private static final Path DOC = Path.of("docs/event-bus.md");
  static final String BEGIN = "<!-- generated from protocol/BusMessage.java: begin -->\n";
  static final String END = "<!-- generated from protocol/BusMessage.java: end -->";

  @Test
  void theDocumentedTableIsTheCatalogue() throws IOException {
    String doc = Files.readString(DOC);
    int from = doc.indexOf(BEGIN);
    int to = doc.indexOf(END);
    assertTrue(from >= 0 && to > from, "docs/event-bus.md lacks the generated-table markers");
    String expected = BusMessage.markdown();
    if (Boolean.getBoolean("ervc.writeDocs")) {
      Files.writeString(DOC, doc.substring(0, from + BEGIN.length()) + expected + doc.substring(to));
      return;
    }
    assertEquals(expected, doc.substring(from + BEGIN.length(), to),
        "docs/event-bus.md disagrees with BusMessage; regenerate it with -Dervc.writeDocs=true (see this class)");
  }

  @Test
  void eachAddressHasDistinctMessageTypes() {
    Set<String> seen = new HashSet<>();
    for (BusMessage m : BusMessage.values()) {
      assertTrue(seen.add(m.address() + " " + m.type()), "two catalogue entries for " + m.address() + " " + m.type());
    }
  }

  @Test
  void eachEntryIsBoundToTheRecordOfItsExample() {
    for (BusMessage m : BusMessage.values()) {
      BusBody example = m.example();
      assertEquals(m.bodyType(), example.getClass(), m.name());
      assertEquals(m.type(), example.type(), m.name());
    }
  }

  @Test
  void everyAddressOfTheCodeIsCatalogued() {
    Set<String> catalogued = new HashSet<>();
    for (BusMessage m : BusMessage.values()) {
      catalogued.add(m.address());
    }
    assertEquals(Set.of(Addresses.PIPELINE_SYNTHESIZE, Addresses.sink("<nodeId>"),
        Addresses.providerInstance("<name>", "<instanceId>"), Addresses.provider("<name>"), Addresses.receiver("<id>"),
        Addresses.PROVIDER_LOAD, Addresses.PROVIDER_LOAD_REQUEST, Addresses.CACHE_GET, Addresses.CACHE_PUT,
        Addresses.CACHE_STATS, Addresses.PROVIDER_DIRECTORY, Addresses.QUALITY_RESULTS, Addresses.VOICE_PROFILE_CHANGED, Addresses.adminNode("<nodeId>"),
        Addresses.adminInstance("<instanceId>"), Addresses.adminGateway("<nodeId>"), Addresses.adminCache("<nodeId>"),
        Addresses.adminAction("<action>"), Addresses.adminView("<view>")),
        catalogued);
  }

  @Test
  void addressesFoldToTheirCatalogueAddressSoPerAddressFiguresStayBounded() {
    assertEquals(Addresses.CACHE_GET, BusMessage.fold(Addresses.CACHE_GET));
    assertEquals(Addresses.PROVIDER_DIRECTORY, BusMessage.fold(Addresses.PROVIDER_DIRECTORY));
    assertEquals(Addresses.PROVIDER_LOAD, BusMessage.fold(Addresses.PROVIDER_LOAD));
    assertEquals("tts.sink.<nodeId>", BusMessage.fold(Addresses.sink("7f8d5479-f684-49aa-93b6-d214b3d00760")));
    assertEquals("tts.provider.<name>.instance.<instanceId>",
        BusMessage.fold(Addresses.providerInstance("espeak", "5d1e")));
    assertEquals("tts.provider.<name>.synthesize", BusMessage.fold(Addresses.provider("onnx-gpu")));
    assertEquals("admin.cache.<nodeId>", BusMessage.fold(Addresses.adminCache("n1")));
    assertEquals(BusMessage.REPLY, BusMessage.fold("__vertx.reply.12345"));
    assertEquals(BusMessage.OTHER, BusMessage.fold("tts.sink.a.b"), "a placeholder stands for one part only");
    assertEquals(BusMessage.OTHER, BusMessage.fold("tts.cache.gets"));
    assertEquals(BusMessage.OTHER, BusMessage.fold("some.private.address"));
    assertEquals(BusMessage.addresses().size(), new HashSet<>(BusMessage.addresses()).size());
    assertTrue(BusMessage.addresses().contains(Addresses.adminCache("<nodeId>")));
  }
}
