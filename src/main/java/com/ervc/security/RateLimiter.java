package com.ervc.security;

import io.vertx.core.Future;

/**
 * Token buckets: {@code capacity} tokens, refilled at {@code capacity} per {@code windowMs}. A request costs
 * {@code cost} tokens. The answer is 0 when allowed, else how many milliseconds until it would be.
 */
public interface RateLimiter {
  Future<Long> acquire(String key, long capacity, long windowMs, long cost);
}
