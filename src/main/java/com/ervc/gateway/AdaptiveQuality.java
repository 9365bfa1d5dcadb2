package com.ervc.gateway;

import com.ervc.protocol.QualityTier;

/**
 * Adaptive quality for one WebSocket session (docs/routing.md#adaptive-quality): caps the tier the session's requests
 * are synthesized at. When the recent time to first audio (EWMA, α 0.5, over at least
 * {@link #DOWN_AFTER_REPLIES} of this session's replies at one tier) exceeds the target, the cap steps down one tier (high → balanced → fast); after {@link #RECOVERY_REPLIES}
 * replies in a row under {@link #RECOVERY_SHARE} of the target, with the EWMA under it too, it steps back up one
 * tier. A request never gets a
 * higher tier than it asked for. Not thread-safe: the session's event loop.
 */
final class AdaptiveQuality {
  static final int RECOVERY_REPLIES = 3;
  /** Replies at a tier before a step down: one slow reply (a cold engine) is not a trend. */
  static final int DOWN_AFTER_REPLIES = 2;
  static final double RECOVERY_SHARE = 0.8;
  static final double ALPHA = 0.5;

  /** A change of the cap: {@code down} or {@code up}, and the new cap. */
  record Change(String direction, QualityTier cap) {
  }

  private final boolean enabled;
  private final long targetMs;
  private QualityTier cap = QualityTier.HIGH;
  /** The tier the recent replies were synthesized at, which the EWMA describes. */
  private QualityTier level = QualityTier.HIGH;
  private double ewmaMs = -1;
  private int goodInARow;
  private int samples;

  AdaptiveQuality(boolean enabled, long targetMs) {
    this.enabled = enabled;
    this.targetMs = targetMs;
  }

  /** The tier to synthesize a request for {@code requested} at. */
  QualityTier tierFor(QualityTier requested) {
    return enabled && requested.ordinal() > cap.ordinal() ? cap : requested;
  }

  /**
   * A reply asked for {@code requested}, was synthesized at {@code used} and reached its first audio after
   * {@code ttfaMs}; returns the cap change it caused, or null. The cap never moves above what is asked for.
   */
  Change observe(QualityTier requested, QualityTier used, long ttfaMs) {
    if (!enabled) {
      return null;
    }
    if (used != level) {
      // Another tier is another route: its history says nothing about this one.
      level = used;
      ewmaMs = -1;
      goodInARow = 0;
      samples = 0;
    }
    ewmaMs = ewmaMs < 0 ? ttfaMs : ewmaMs + ALPHA * (ttfaMs - ewmaMs);
    samples++;
    if (ewmaMs > targetMs && samples >= DOWN_AFTER_REPLIES && used != QualityTier.FAST) {
      return change("down", QualityTier.values()[used.ordinal() - 1]);
    }
    goodInARow = ttfaMs < targetMs * RECOVERY_SHARE ? goodInARow + 1 : 0;
    if (goodInARow >= RECOVERY_REPLIES && ewmaMs < targetMs * RECOVERY_SHARE && used.ordinal() < requested.ordinal()
        && used == cap) {
      return change("up", QualityTier.values()[used.ordinal() + 1]);
    }
    return null;
  }

  private Change change(String direction, QualityTier to) {
    cap = to;
    level = to;
    ewmaMs = -1;
    goodInARow = 0;
    samples = 0;
    return new Change(direction, to);
  }
}
