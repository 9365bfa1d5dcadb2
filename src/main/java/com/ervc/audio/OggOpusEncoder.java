package com.ervc.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import org.gagravarr.ogg.OggFile;
import org.gagravarr.ogg.OggPacketWriter;
import org.gagravarr.opus.OpusAudioData;
import org.gagravarr.opus.OpusInfo;
import org.gagravarr.opus.OpusTags;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;

/**
 * Opus in Ogg (RFC 7845) with concentus (a Java port of libopus) and the Ogg writer of vorbis-java-core. Encodes
 * 20 ms packets as the samples arrive and flushes an Ogg page after every call, so the first page leaves with the
 * first chunk. Granule positions count 48 kHz samples whatever the input rate; the last page's granule cuts the
 * padding of the final packet, and the pre-skip the encoder's look-ahead, so decoders return exactly the input.
 */
public final class OggOpusEncoder implements StreamEncoder {
  /** The input rates Opus encodes natively; the service's 24 kHz is one. */
  public static final Set<Integer> RATES = Set.of(8_000, 12_000, 16_000, 24_000, 48_000);
  private static final int GRANULE_RATE = 48_000;
  private static final int MAX_PACKET_BYTES = 1275;

  private final OpusEncoder opus;
  private final int frameSamples;
  private final int granulesPerSample;
  private final int preSkip;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final OggPacketWriter ogg;
  private final byte[] packet = new byte[MAX_PACKET_BYTES];
  private short[] pending = new short[0];
  private long samplesIn;
  private long granule;

  public OggOpusEncoder(int sampleRate, int bitsPerSecond) {
    if (!RATES.contains(sampleRate)) {
      throw new IllegalArgumentException("Opus encodes " + RATES + " Hz, not " + sampleRate);
    }
    try {
      opus = new OpusEncoder(sampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoder: " + e.getMessage(), e);
    }
    opus.setBitrate(bitsPerSecond);
    frameSamples = sampleRate / 50;
    granulesPerSample = GRANULE_RATE / sampleRate;
    preSkip = opus.getLookahead() * granulesPerSample;
    ogg = new OggFile(out).getPacketWriter();
    OpusInfo head = new OpusInfo();
    head.setNumChannels(1);
    head.setSampleRate(sampleRate);
    head.setPreSkip(preSkip);
    OpusTags tags = new OpusTags();
    tags.setVendor("concentus");
    try {
      // Each header packet on a page of its own, as RFC 7845 section 3 requires.
      ogg.bufferPacket(head.write(), true);
      ogg.bufferPacket(tags.write(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] encode(short[] samples) {
    samplesIn += samples.length;
    short[] all = Arrays.copyOf(pending, pending.length + samples.length);
    System.arraycopy(samples, 0, all, pending.length, samples.length);
    int frames = all.length / frameSamples;
    for (int i = 0; i < frames; i++) {
      bufferPacket(all, i * frameSamples, (granule += (long) frameSamples * granulesPerSample));
    }
    pending = Arrays.copyOfRange(all, frames * frameSamples, all.length);
    try {
      ogg.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return drain();
  }

  @Override
  public byte[] finish() {
    // The look-ahead in silence pushes the last real samples out of the encoder; the final frame is padded too.
    int tail = pending.length + opus.getLookahead();
    short[] last = Arrays.copyOf(pending, (tail + frameSamples - 1) / frameSamples * frameSamples);
    long end = preSkip + samplesIn * granulesPerSample;
    for (int offset = 0; offset < last.length; offset += frameSamples) {
      boolean final_ = offset + frameSamples == last.length;
      bufferPacket(last, offset, final_ ? end : (granule += (long) frameSamples * granulesPerSample));
    }
    try {
      ogg.close(); // marks the last page end-of-stream and writes it
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return drain();
  }

  private void bufferPacket(short[] samples, int offset, long granulePosition) {
    try {
      int length = opus.encode(samples, offset, frameSamples, packet, 0, packet.length);
      ogg.bufferPacket(new OpusAudioData(Arrays.copyOf(packet, length)).write(), granulePosition);
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoding failed: " + e.getMessage(), e);
    }
  }

  private byte[] drain() {
    byte[] bytes = out.toByteArray();
    out.reset();
    return bytes;
  }
}
