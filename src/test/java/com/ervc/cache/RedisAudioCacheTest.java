package com.ervc.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisAudioCacheTest {

  // The URL is logged and shown in stats, so a password in it must never appear.
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "redis://:secret@h:6379/0,    redis://:***@h:6379/0",
      "redis://user:pw@h,           redis://user:***@h",
      "rediss://user:p%40ss@h:6380, rediss://user:***@h:6380",
      "redis://h:6379/0,            redis://h:6379/0",
      "redis://user@h:6379,         redis://user@h:6379",
      "unix:///run/redis.sock,      unix:///run/redis.sock"})
  void redactPasswordHidesOnlyThePassword(String url, String expected) {
    assertEquals(expected, RedisAudioCache.redactPassword(url));
  }
}
