package com.ervc.profile;

import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers stored profiles at cloning vendors (their base provider's, or others) and deletes the remote voices again
 * (docs/voice-profiles.md#registration-at-the-vendors). Every step is recorded in the {@link VoiceProfileStore}:
 * {@code pending} before the vendor is called, then {@code ready} with the vendor's voice id or {@code failed} with
 * the vendor's reason. Transient vendor failures are retried {@code maxAttempts} times in all, with doubling waits.
 */
public final class VoiceRegistrar {
  private static final Logger LOG = LoggerFactory.getLogger(VoiceRegistrar.class);
  /** Read-modify-write rounds when another change to the same profile got in between (version conflict). */
  private static final int MAX_RECORD_ROUNDS = 5;

  /**
   * A registration: the profile as stored when it started (with its {@code pending} registration, or its
   * {@code ready} one being re-cloned), the end, and whether the vendor is being called ({@code false}: the voice
   * was already ready there and made from the current clips, nothing was done).
   */
  public record Registering(VoiceProfile pending, Future<VoiceProfile> done, boolean started) {
  }

  private final Vertx vertx;
  private final VoiceProfileStore store;
  private final Map<String, VoiceCloner> cloners = new HashMap<>();
  private final ServiceMetrics metrics;
  private final int maxAttempts;
  private final long firstRetryMs;
  /** Registrations starting or running, by profile id and provider: one at a time per profile and vendor. */
  private final Map<String, Future<Registering>> running = new ConcurrentHashMap<>();

  public VoiceRegistrar(Vertx vertx, VoiceProfileStore store, List<VoiceCloner> cloners, ServiceMetrics metrics,
                        int maxAttempts, long firstRetryMs) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    this.vertx = vertx;
    this.store = store;
    cloners.forEach(c -> this.cloners.put(c.provider(), c));
    this.metrics = metrics;
    this.maxAttempts = maxAttempts;
    this.firstRetryMs = firstRetryMs;
  }

  /** The providers this node can register voices at. */
  public Set<String> providers() {
    return new TreeSet<>(cloners.keySet());
  }

  /**
   * Registers profile {@code profileId} at {@code provider}'s vendor: its base provider's, or another one where this
   * node can clone, so that the profile can be spoken there when its base provider is down
   * (docs/voice-profiles.md#using-a-profile). Resolves once the {@code pending} registration is stored;
   * {@link Registering#done()} resolves with the profile as stored at the end ({@code ready} or {@code failed}), or
   * with null when the profile was deleted meanwhile (its new remote voice is deleted too). A profile already
   * {@code ready} there is left as it is, unless its clips changed since: then its voice is made again from the
   * current clips ({@link #reclone}); a registration of the same profile at the same vendor still running is
   * returned instead of a second one.
   */
  public Future<Registering> register(String profileId, String provider) {
    String key = profileId + " " + provider;
    Promise<Registering> starting = Promise.promise();
    Future<Registering> already = running.putIfAbsent(key, starting.future());
    if (already != null) {
      return already;
    }
    start(profileId, provider).onComplete(started -> {
      if (started.failed()) {
        running.remove(key);
      } else {
        started.result().done().onComplete(ended -> running.remove(key));
      }
    }).onComplete(starting);
    return starting.future();
  }

  private Future<Registering> start(String profileId, String provider) {
    return store.get(profileId).compose(found -> {
      VoiceProfile profile = found.orElseThrow(() -> new SpeechException(ErrorCode.INVALID_REQUEST,
          "voice profile " + profileId + " does not exist"));
      VoiceCloner cloner = cloners.get(provider);
      if (cloner == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "voice profile " + profileId + " cannot be registered "
            + "at '" + provider + "': cloning is not set up for it on this node (cloning is set up for: "
            + (cloners.isEmpty() ? "none" : String.join(", ", providers())) + ")");
      }
      Registration ready = profile.registration(cloner.provider())
          .filter(r -> r.status() == Registration.Status.READY).orElse(null);
      if (ready != null) {
        return profile.stale(ready) ? reclone(profile, cloner, ready)
            : Future.succeededFuture(new Registering(profile, Future.succeededFuture(profile), false));
      }
      Promise<VoiceProfile> done = Promise.promise();
      Registration pending = new Registration(cloner.provider(), null, Registration.Status.PENDING,
          "registering at " + cloner.provider(), Instant.now());
      return record(profileId, pending, MAX_RECORD_ROUNDS).map(stored -> {
        if (stored == null) {
          throw new SpeechException(ErrorCode.INVALID_REQUEST, "voice profile " + profileId + " does not exist");
        }
        metrics.registration(cloner.provider(), Registration.Status.PENDING.wire());
        clips(stored)
            .compose(audio -> attempt(cloner, stored, audio, 1))
            .compose(result -> finish(profileId, cloner, result.madeFrom(stored.clipIds())))
            .onComplete(done);
        return new Registering(stored, done.future(), true);
      });
    });
  }

  /**
   * Makes {@code old}'s voice again from the profile's current clips. Meanwhile, and when that fails, the profile
   * keeps speaking with {@code old}: the registration stays {@code ready} with a detail that says what happened.
   * Once the new voice is ready and stored, the old one is deleted at the vendor. (ElevenLabs' edit call would only
   * add samples to the old voice; removing its old samples one by one could leave a voice of mixed clips when a
   * call fails midway, so every vendor gets a new voice.)
   */
  private Future<Registering> reclone(VoiceProfile profile, VoiceCloner cloner, Registration old) {
    String profileId = profile.id();
    Registration marked = old.withDetail("re-cloning from the current clips (" + String.join(", ", profile.clipIds())
        + "); the voice made from the earlier clips speaks meanwhile");
    return record(profileId, marked, MAX_RECORD_ROUNDS).map(stored -> {
      if (stored == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "voice profile " + profileId + " does not exist");
      }
      metrics.registration(cloner.provider(), Registration.Status.PENDING.wire());
      Promise<VoiceProfile> done = Promise.promise();
      clips(stored)
          .compose(audio -> attempt(cloner, stored, audio, 1))
          .compose(result -> result.status() == Registration.Status.READY
              ? finish(profileId, cloner, result.madeFrom(stored.clipIds()))
                  .onSuccess(recorded -> deleteReplaced(profileId, cloner, old, recorded))
              : keep(profileId, cloner, old, result))
          .onComplete(done);
      return new Registering(stored, done.future(), true);
    });
  }

  /** The re-cloning failed: the old voice stays, with the vendor's reason. */
  private Future<VoiceProfile> keep(String profileId, VoiceCloner cloner, Registration old, Registration failed) {
    metrics.registration(cloner.provider(), Registration.Status.FAILED.wire());
    LOG.info("profile {} at {}: re-cloning failed, the old voice is kept: {}", profileId, cloner.provider(),
        failed.detail());
    return record(profileId, old.withDetail("re-cloning from the current clips failed: " + failed.detail()
        + "; the voice made from the earlier clips is kept"), MAX_RECORD_ROUNDS);
  }

  /** The new voice is stored: the one it replaced is deleted at the vendor (kept when it was not stored). */
  private void deleteReplaced(String profileId, VoiceCloner cloner, Registration old, VoiceProfile recorded) {
    if (recorded == null) {
      return; // the profile was deleted meanwhile, with its old voice
    }
    cloner.delete(old).onFailure(e -> LOG.warn("profile {} at {}: the replaced voice {} could not be deleted at the "
        + "vendor and is left there: {}", profileId, cloner.provider(), old.remoteId(), e.getMessage()));
  }

  /**
   * Deletes the profile and, first, its remote voices at every vendor where it has a voice id (withdrawing consent
   * is deleting the profile). When a vendor cannot be reached nothing is deleted: the caller gets a retryable
   * {@code provider_unavailable} and the profile keeps the ids needed to try again. False when there is no profile.
   */
  public Future<Boolean> delete(String profileId) {
    return store.get(profileId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(false);
      }
      List<Future<Void>> remote = new ArrayList<>();
      for (Registration registration : found.get().registrations()) {
        if (registration.remoteId() != null || registration.consentId() != null) {
          remote.add(deleteRemote(registration));
        }
      }
      return Future.all(remote).compose(v -> store.delete(profileId));
    });
  }

  private Future<Void> deleteRemote(Registration registration) {
    VoiceCloner cloner = cloners.get(registration.provider());
    if (cloner == null) {
      return Future.failedFuture(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "the voice at "
          + registration.provider() + " cannot be deleted: cloning at " + registration.provider()
          + " is not set up on this node; nothing was deleted", true));
    }
    return cloner.delete(registration).recover(e -> Future.failedFuture(new SpeechException(
        ErrorCode.PROVIDER_UNAVAILABLE, "the voice at " + registration.provider() + " could not be deleted ("
        + e.getMessage() + "); nothing was deleted, try again", true)));
  }

  private Future<Map<String, byte[]>> clips(VoiceProfile profile) {
    Map<String, byte[]> audio = new ConcurrentHashMap<>();
    List<Future<Void>> reads = profile.clips().stream().map(clip -> store.clipAudio(profile.id(), clip.id())
        .<Void>map(read -> {
          audio.put(clip.id(), read.orElseThrow(() -> new SpeechException(ErrorCode.INTERNAL,
              "clip " + clip.id() + " of profile " + profile.id() + " is missing from the store")));
          return null;
        })).toList();
    return Future.all(reads).map(v -> Map.copyOf(audio));
  }

  /** One vendor call; a retryable failure is tried again after 1, 2, 4… × firstRetryMs, up to maxAttempts. */
  private Future<Registration> attempt(VoiceCloner cloner, VoiceProfile profile, Map<String, byte[]> audio, int n) {
    return cloner.register(profile, audio).recover(failure -> {
      boolean retryable = failure instanceof SpeechException e && e.retryable();
      if (retryable && n < maxAttempts) {
        long wait = firstRetryMs << (n - 1);
        LOG.info("registering profile {} at {} failed ({}); attempt {} of {} in {} ms", profile.id(),
            cloner.provider(), failure.getMessage(), n + 1, maxAttempts, wait);
        Promise<Void> later = Promise.promise();
        vertx.setTimer(Math.max(1, wait), id -> later.complete());
        return later.future().compose(v -> attempt(cloner, profile, audio, n + 1));
      }
      String why = retryable ? "gave up after " + n + (n == 1 ? " attempt: " : " attempts: ") + failure.getMessage()
          : String.valueOf(failure.getMessage());
      return Future.succeededFuture(new Registration(cloner.provider(), null, Registration.Status.FAILED, why,
          Instant.now()));
    });
  }

  /** Records the outcome; a voice made for a profile that is gone (or cannot be recorded) is deleted again. */
  private Future<VoiceProfile> finish(String profileId, VoiceCloner cloner, Registration result) {
    metrics.registration(cloner.provider(), result.status().wire());
    LOG.info("profile {} at {}: {} {}", profileId, cloner.provider(), result.status().wire(), result.detail());
    boolean made = result.remoteId() != null || result.consentId() != null;
    return record(profileId, result, MAX_RECORD_ROUNDS)
        .recover(failure -> made ? cloner.delete(result).transform(ar -> Future.failedFuture(failure))
            : Future.failedFuture(failure))
        .compose(stored -> stored == null && made
            ? cloner.delete(result).map((VoiceProfile) null)
            : Future.succeededFuture(stored));
  }

  /** Stores {@code registration} in the current version of the profile; null when the profile is gone. */
  private Future<VoiceProfile> record(String profileId, Registration registration, int roundsLeft) {
    return store.get(profileId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(null);
      }
      VoiceProfile next = found.get().withRegistration(registration, Instant.now());
      return store.update(next).map(v -> next).recover(failure -> roundsLeft > 1
          ? record(profileId, registration, roundsLeft - 1) : Future.failedFuture(failure));
    });
  }
}
