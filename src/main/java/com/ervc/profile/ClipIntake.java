package com.ervc.profile;

import com.ervc.audio.AudioFileDecoder;
import com.ervc.audio.Pcm16;
import com.ervc.audio.ReferenceAnalysis;
import com.ervc.audio.SampledAudio;
import com.ervc.audio.WavCodec;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes the uploaded reference files of a profile through the quality gate: size and count limits, decoding,
 * analysis, the target provider's checks, and the normalised 24 kHz mono WAV that would be stored. Blocking (the
 * decoder may run ffmpeg): call it off the event loop.
 */
public final class ClipIntake {
  /** One analysed upload: the WAV to store, its hash, the report shown to the uploader, and what failed. */
  public record Prepared(byte[] wav, String sha256, JsonObject report, List<QualityGate.Failure> failures) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  private final AudioFileDecoder decoder;
  private final long maxClipBytes;
  private final int maxClips;

  public ClipIntake(AudioFileDecoder decoder, long maxClipBytes, int maxClips) {
    this.decoder = decoder;
    this.maxClipBytes = maxClipBytes;
    this.maxClips = maxClips;
  }

  /**
   * Analyses every upload for {@code provider}. Failed quality checks are in each result; what cannot be analysed
   * at all (too many or too large files, not audio, a broken file) throws, naming the file by its position.
   */
  public List<Prepared> prepare(List<byte[]> uploads, String provider) {
    return prepare(uploads, provider, 0);
  }

  /** {@link #prepare(List, String)} for clips added to a profile that has {@code stored} clips already. */
  public List<Prepared> prepare(List<byte[]> uploads, String provider, int stored) {
    if (uploads.isEmpty()) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST, "a voice profile needs at least one reference clip");
    }
    if (stored + uploads.size() > maxClips) {
      throw new SpeechException(ErrorCode.TOO_LARGE, (stored > 0 ? stored + " stored and " + uploads.size() + " new"
          : String.valueOf(uploads.size())) + " reference clips; at most " + maxClips + " are accepted");
    }
    for (int i = 0; i < uploads.size(); i++) {
      if (uploads.get(i).length > maxClipBytes) {
        throw new SpeechException(ErrorCode.TOO_LARGE, "clip " + (i + 1) + " is " + uploads.get(i).length
            + " bytes; at most " + maxClipBytes + " are accepted");
      }
    }
    QualityLimits limits = QualityLimits.forProvider(provider);
    List<Prepared> prepared = new ArrayList<>();
    for (int i = 0; i < uploads.size(); i++) {
      SampledAudio audio;
      try {
        audio = decoder.decode(uploads.get(i));
      } catch (IllegalArgumentException e) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "clip " + (i + 1) + ": " + e.getMessage());
      }
      ReferenceAnalysis analysis = ReferenceAnalysis.of(audio);
      List<QualityGate.Failure> failures = QualityGate.check(analysis, limits);
      byte[] wav = WavCodec.encode(Pcm16.toLittleEndian(analysis.normalized()), ReferenceAnalysis.RATE, 1);
      prepared.add(new Prepared(wav, VoiceProfileStore.sha256(wav), QualityGate.report(analysis, failures),
          failures));
    }
    return prepared;
  }
}
