package com.ervc.audio;

import net.sourceforge.javaflacencoder.EncodingConfiguration;
import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Lossless mono 16-bit FLAC with java-flac-encoder, one frame per {@link #BLOCK_SAMPLES} as they arrive. The stream
 * cannot seek, so its STREAMINFO keeps "total samples unknown" and no MD5, which the FLAC format allows for streams.
 */
public final class FlacEncoder implements StreamEncoder {
  /** 2048 samples: 85 ms at 24 kHz, a block size of the FLAC streamable subset. */
  static final int BLOCK_SAMPLES = 2048;

  private final FLACEncoder flac = new FLACEncoder();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public FlacEncoder(int sampleRate) {
    if (!flac.setStreamConfiguration(new StreamConfiguration(1, BLOCK_SAMPLES, BLOCK_SAMPLES, sampleRate, 16))) {
      throw new IllegalArgumentException("FLAC cannot be written at " + sampleRate + " Hz");
    }
    // LPC subframes only: the default exhaustive search prints "Running verbatim" to stderr whenever it picks a
    // verbatim subframe (noise-like blocks), which would flood the service log; LPC costs a few bytes more there.
    EncodingConfiguration encoding = new EncodingConfiguration();
    encoding.setSubframeType(EncodingConfiguration.SubframeType.LPC);
    flac.setEncodingConfiguration(encoding);
    flac.setOutputStream(new Sink());
    try {
      flac.openFLACStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] encode(short[] samples) {
    int[] values = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      values[i] = samples[i];
    }
    flac.addSamples(values, values.length);
    return encode(flac.fullBlockSamplesAvailableToEncode(), false);
  }

  @Override
  public byte[] finish() {
    return encode(flac.samplesAvailableToEncode(), true);
  }

  private byte[] encode(int samples, boolean end) {
    try {
      // encodeSamples encodes on the calling thread; only t_encodeSamples would use the library's own threads.
      flac.encodeSamples(samples, end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.toByteArray();
    out.reset();
    return bytes;
  }

  /** Collects what the encoder writes; it asks canSeek() before going back to rewrite STREAMINFO, and never does. */
  private final class Sink implements FLACOutputStream {
    private long position;

    @Override
    public long seek(long pos) {
      throw new UnsupportedOperationException("a FLAC stream is written front to back");
    }

    @Override
    public int write(byte[] data, int offset, int count) {
      out.write(data, offset, count);
      position += count;
      return count;
    }

    @Override
    public void write(byte data) {
      out.write(data);
      position++;
    }

    @Override
    public long size() {
      return position;
    }

    @Override
    public boolean canSeek() {
      return false;
    }

    @Override
    public long getPos() {
      return position;
    }
  }
}
