package com.ervc.provider;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class AdmissionTest {
  @Test
  void sentencesOfOneReplyShareItsSlotAndTheQueueBoundsSentences() {
    Admission a = new Admission(1, 3);
    assertNull(a.admit("r1"));
    assertNull(a.admit("r1"), "lookahead sentences of an admitted reply are accepted");
    assertNotNull(a.admit("r2"), "a second reply exceeds capacity 1");
    assertNull(a.admit("r1"));
    assertEquals("its queue is full (3 sentences)", a.admit("r1"));
    assertEquals(1, a.replies());
    a.release("r1");
    a.release("r1");
    a.release("r1");
    assertEquals(0, a.replies());
    assertEquals(0, a.sentences());
    assertNull(a.admit("r2"));
  }
}
