package com.ervc.profile;

import com.ervc.audio.Loudness;
import com.ervc.audio.ReferenceAnalysis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Holds a reference clip's analysis against a provider's {@link QualityLimits} and reports every check it fails. */
public final class QualityGate {
  /** One failed check: a stable code, the measured value, the limit it broke, and what to do about it. */
  public record Failure(String code, double value, double limit, String message) {
    JsonObject toJson() {
      return new JsonObject().put("code", code).put("value", value).put("limit", limit).put("message", message);
    }
  }

  private QualityGate() {
  }

  public static List<Failure> check(ReferenceAnalysis analysis, QualityLimits limits) {
    List<Failure> failures = new ArrayList<>();
    if (analysis.originalSampleRate() < limits.minSampleRate()) {
      failures.add(new Failure("low_sample_rate", analysis.originalSampleRate(), limits.minSampleRate(),
          "Recorded at " + analysis.originalSampleRate() + " Hz; record at " + limits.minSampleRate()
              + " Hz or more."));
    }
    if (analysis.durationMs() < limits.minDurationMs()) {
      failures.add(new Failure("too_short", analysis.durationMs(), limits.minDurationMs(),
          "Only " + seconds(analysis.durationMs()) + " of sound; record at least " + seconds(limits.minDurationMs())
              + "."));
    }
    if (analysis.durationMs() > limits.maxDurationMs()) {
      failures.add(new Failure("too_long", analysis.durationMs(), limits.maxDurationMs(),
          seconds(analysis.durationMs()) + " of sound; keep it to " + seconds(limits.maxDurationMs())
              + " (longer references make cloned voices worse, and providers refuse them)."));
    }
    if (analysis.clippingRatio() > limits.maxClippingRatio()) {
      failures.add(new Failure("clipping", analysis.clippingRatio(), limits.maxClippingRatio(),
          percent(analysis.clippingRatio()) + " of the samples are clipped; lower the microphone gain or move back."));
    }
    if (analysis.silenceRatio() > limits.maxSilenceRatio()) {
      failures.add(new Failure("mostly_silence", analysis.silenceRatio(), limits.maxSilenceRatio(),
          percent(analysis.silenceRatio()) + " of the recording is silence; speak throughout, with short pauses."));
    }
    if (analysis.rms() < limits.minRms()) {
      failures.add(new Failure("too_quiet", analysis.rms(), limits.minRms(),
          "The recording is too quiet (RMS " + format(analysis.rms()) + "); speak closer to the microphone."));
    }
    if (analysis.snrDb() < limits.minSnrDb()) {
      failures.add(new Failure("noisy", analysis.snrDb(), limits.minSnrDb(),
          "Background noise is high (about " + format(analysis.snrDb()) + " dB below the voice, need "
              + format(limits.minSnrDb()) + " dB); record in a quieter room."));
    }
    if (Math.abs(analysis.dcOffset()) > limits.maxDcOffset()) {
      failures.add(new Failure("dc_offset", Math.abs(analysis.dcOffset()), limits.maxDcOffset(),
          "The signal is offset from zero (" + format(analysis.dcOffset()) + "); the microphone or its driver is "
              + "faulty."));
    }
    return failures;
  }

  /** The report kept with a clip and shown to its uploader: every measurement, the limits' verdicts. */
  public static JsonObject report(ReferenceAnalysis analysis, List<Failure> failures) {
    JsonArray failed = new JsonArray();
    failures.forEach(f -> failed.add(f.toJson()));
    return new JsonObject()
        .put("passed", failures.isEmpty())
        .put("originalSampleRate", analysis.originalSampleRate())
        .put("originalChannels", analysis.originalChannels())
        .put("encoding", analysis.encoding())
        .put("durationMs", analysis.durationMs())
        .put("peak", round(analysis.peak()))
        .put("rms", round(analysis.rms()))
        .put("clippingRatio", round(analysis.clippingRatio()))
        .put("silenceRatio", round(analysis.silenceRatio()))
        .put("dcOffset", round(analysis.dcOffset()))
        .put("snrDb", round(analysis.snrDb()))
        .put("loudnessLufs", analysis.loudnessLufs() <= Loudness.SILENT_LUFS ? Loudness.SILENT_LUFS
            : round(analysis.loudnessLufs()))
        .put("storedLoudnessTargetLufs", ReferenceAnalysis.TARGET_LUFS)
        .put("failures", failed);
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3g", value);
  }
}
