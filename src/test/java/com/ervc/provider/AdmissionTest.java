package com.ervc.provider;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class AdmissionTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void sentencesOfOneReplyShareItsSlotAndTheQueueBoundsSentences() {
    Admission a = new Admission(1, 3, now::get);
    assertNull(a.admit("r1"));
    assertNull(a.admit("r1"), "lookahead sentences of an admitted reply are accepted");
    assertNotNull(a.admit("r2"), "a second reply exceeds capacity 1");
    assertNull(a.admit("r1"));
    assertEquals("its queue is full (3 sentences)", a.admit("r1"));
    assertEquals(1, a.replies());
    assertEquals(3, a.sentences());
  }

  @Test
  void aReplyKeepsItsSlotBetweenSentencesUntilItIsDone() {
    Admission a = new Admission(1, 10, now::get);
    assertNull(a.admit("r1"));
    a.release("r1");
    assertEquals(0, a.sentences());
    assertEquals("it is at capacity (1 requests)", a.admit("r2"), "r1 only waits for its next sentence");
    assertNull(a.admit("r1"));
    a.done("r1");
    assertEquals(1, a.replies(), "done, but a sentence still runs");
    a.release("r1");
    assertEquals(0, a.replies());
    assertNull(a.admit("r2"));
  }

  @Test
  void aReplyWhosePipelineNeverSaysDoneFreesItsSlotAfterIdling() {
    Admission a = new Admission(1, 10, now::get);
    assertNull(a.admit("r1"));
    a.release("r1");
    now.addAndGet(Admission.IDLE_RELEASE_MS - 1);
    assertEquals(1, a.replies());
    now.addAndGet(1);
    assertEquals(0, a.replies());
    assertNull(a.admit("r2"));
  }
}
