package com.ervc.cache;

import io.vertx.core.buffer.Buffer;

/**
 * The bytes stored per cache entry: a 12-byte header then raw PCM s16le. A plain, versioned layout (never
 * serialized Java objects) so any node, version or tool can read what another wrote.
 */
public record CachedAudio(int sampleRate, int channels, Buffer pcm) {
  private static final int MAGIC = 0x45525641; // "ERVA"
  private static final byte VERSION = 1;
  private static final byte PCM_S16LE = 1;
  public static final int HEADER_BYTES = 12;

  public Buffer encode() {
    Buffer out = Buffer.buffer(HEADER_BYTES + pcm.length());
    out.appendInt(MAGIC).appendByte(VERSION).appendByte(PCM_S16LE).appendByte((byte) channels).appendByte((byte) 0)
        .appendInt(sampleRate).appendBuffer(pcm);
    return out;
  }

  /** Decodes an entry; throws IllegalArgumentException for anything not written by {@link #encode()}. */
  public static CachedAudio decode(Buffer entry) {
    if (entry.length() < HEADER_BYTES || entry.getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not an audio cache entry");
    }
    if (entry.getByte(4) != VERSION || entry.getByte(5) != PCM_S16LE) {
      throw new IllegalArgumentException("unsupported cache entry version/encoding " + entry.getByte(4) + "/" + entry.getByte(5));
    }
    // A slice, not a copy: entries are read, never written to.
    return new CachedAudio(entry.getInt(8), entry.getByte(6), entry.slice(HEADER_BYTES, entry.length()));
  }
}
