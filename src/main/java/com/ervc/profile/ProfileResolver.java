package com.ervc.profile;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A gateway's in-memory view of the stored voice profiles, so that speaking with a profile costs a map lookup rather
 * than a store read. Entries are dropped when a profile change is announced on the event bus ({@link #evict}); the
 * expiry only bounds how long a change announced while this node was cut off from the cluster can go unseen.
 * Unknown ids are remembered as absent too (a create is announced like any change), within the size bound.
 */
public final class ProfileResolver {
  /** What a lookup found and whether the cache answered it. */
  public record Lookup(Optional<VoiceProfile> profile, boolean cached) {
  }

  private final VoiceProfileStore store;
  private final AsyncCache<String, Optional<VoiceProfile>> cache;

  public ProfileResolver(VoiceProfileStore store, long maxEntries, Duration expiry) {
    this.store = store;
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(expiry).buildAsync();
  }

  /**
   * The profile {@code id} when {@code subject} owns it; another subject's profile reads as absent, exactly as an
   * unknown one. A store failure fails the future (and is not remembered). Completes on {@code context}.
   */
  public Future<Lookup> forOwner(String id, String subject, Context context) {
    if (!VoiceProfile.isId(id)) {
      return Future.succeededFuture(new Lookup(Optional.empty(), true));
    }
    CompletableFuture<Optional<VoiceProfile>> present = cache.getIfPresent(id);
    boolean cached = present != null && present.isDone() && !present.isCompletedExceptionally();
    CompletableFuture<Optional<VoiceProfile>> found = present != null ? present
        : cache.get(id, (key, executor) -> store.get(key).toCompletionStage().toCompletableFuture());
    Future<Optional<VoiceProfile>> loaded = found.isDone() && !found.isCompletedExceptionally()
        ? Future.succeededFuture(found.join())
        : Future.fromCompletionStage(found, context);
    return loaded.map(profile -> new Lookup(profile.filter(p -> p.owner().equals(subject)), cached));
  }

  /** Forgets what this node knew of profile {@code id}; the next lookup reads the store. */
  public void evict(String id) {
    cache.synchronous().invalidate(id);
  }
}
