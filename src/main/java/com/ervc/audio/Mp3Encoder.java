package com.ervc.audio;

import de.sciss.jump3r.lowlevel.LameEncoder;

import javax.sound.sampled.AudioFormat;
import java.io.ByteArrayOutputStream;

/**
 * Constant-bitrate mono MP3 with jump3r (a Java port of LAME). LAME starts its output with a placeholder frame for
 * its Xing/LAME info tag, which it fills in by seeking back at the end; a stream cannot go back, so the placeholder
 * (an empty frame that would play as silence) is dropped and the stream starts with the first audio frame.
 */
public final class Mp3Encoder implements StreamEncoder {
  private final LameEncoder lame;
  private final byte[] frames;
  private final int chunkBytes;
  /** Bytes of the info-tag placeholder still to drop. */
  private int placeholderBytes;

  public Mp3Encoder(int sampleRate, int kilobitsPerSecond) {
    lame = new LameEncoder(new AudioFormat(sampleRate, 16, 1, true, false), kilobitsPerSecond,
        LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_MIDDLE, false);
    if (lame.getEffectiveSampleRate() != sampleRate || lame.getEffectiveBitRate() != kilobitsPerSecond) {
      throw new IllegalArgumentException("MP3 cannot be " + kilobitsPerSecond + " kbit/s at " + sampleRate + " Hz");
    }
    frames = new byte[lame.getMP3BufferSize()];
    chunkBytes = lame.getPCMBufferSize();
    // A layer III frame holds 1152 samples (MPEG-1, 32 kHz and up) or 576 (MPEG-2/2.5): 144 or 72 bytes per kbit/s
    // and Hz; the placeholder is unpadded.
    placeholderBytes = (sampleRate >= 32_000 ? 144 : 72) * kilobitsPerSecond * 1000 / sampleRate;
  }

  @Override
  public byte[] encode(short[] samples) {
    byte[] pcm = Pcm16.toLittleEndian(samples);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0; offset < pcm.length; offset += chunkBytes) {
      int length = lame.encodeBuffer(pcm, offset, Math.min(chunkBytes, pcm.length - offset), frames);
      append(out, length);
    }
    return out.toByteArray();
  }

  @Override
  public byte[] finish() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    append(out, lame.encodeFinish(frames));
    lame.close();
    return out.toByteArray();
  }

  private void append(ByteArrayOutputStream out, int length) {
    int skip = Math.min(placeholderBytes, length);
    placeholderBytes -= skip;
    out.write(frames, skip, length - skip);
  }
}
