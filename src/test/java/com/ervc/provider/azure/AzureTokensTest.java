package com.ervc.provider.azure;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AzureTokensTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicInteger issued = new AtomicInteger();

  @Test
  void aTokenIsReusedAndRenewedBeforeItsTenMinutesRunOut() {
    AzureTokens tokens = new AzureTokens(() -> Future.succeededFuture("t" + issued.incrementAndGet()), now::get);

    assertEquals("t1", tokens.token().result());
    now.addAndGet(7 * 60_000);
    assertEquals("t1", tokens.token().result());
    now.addAndGet(60_000);
    assertEquals("t2", tokens.token().result(), "renewed after 8 minutes, 2 before expiry");
  }

  @Test
  void aFailedIssueIsRetriedOnTheNextCall() {
    AzureTokens tokens = new AzureTokens(() -> issued.incrementAndGet() == 1
        ? Future.failedFuture("down") : Future.succeededFuture("t" + issued.get()), now::get);

    assertEquals(true, tokens.token().failed());
    assertEquals("t2", tokens.token().result());
    assertEquals("t2", tokens.token().result());
  }
}
