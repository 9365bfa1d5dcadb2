package com.ervc.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** Reads and writes RIFF/WAVE files: 16-bit PCM both ways, and reads the other PCM and float sizes as samples. */
public final class WavCodec {

  public static final int HEADER_BYTES = 44;

  private static final int FORMAT_PCM = 0x0001;
  private static final int FORMAT_FLOAT = 0x0003;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;
  private static final int BITS_PER_SAMPLE = 16;
  private static final int BYTES_PER_SAMPLE = BITS_PER_SAMPLE / 8;
  private static final int FMT_MIN_BYTES = 16;
  /** WAVE_FORMAT_EXTENSIBLE: 16 basic bytes, cbSize, valid bits, channel mask, subformat GUID. */
  private static final int FMT_EXTENSIBLE_MIN_BYTES = 40;
  private static final int SUBFORMAT_OFFSET = 24;
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  private WavCodec() {}

  /** Wraps little-endian 16-bit PCM in a canonical 44-byte header. */
  public static byte[] encode(byte[] pcmLittleEndian16, int sampleRate, int channels) {
    Objects.requireNonNull(pcmLittleEndian16, "pcmLittleEndian16");
    // header() validates the format, so channels is known to be positive below.
    byte[] header = header(sampleRate, channels, pcmLittleEndian16.length);
    if (pcmLittleEndian16.length % (channels * BYTES_PER_SAMPLE) != 0) {
      throw new IllegalArgumentException("PCM length " + pcmLittleEndian16.length
          + " is not a whole number of " + channels + "-channel 16-bit frames");
    }
    byte[] wav = Arrays.copyOf(header, HEADER_BYTES + pcmLittleEndian16.length);
    System.arraycopy(pcmLittleEndian16, 0, wav, HEADER_BYTES, pcmLittleEndian16.length);
    return wav;
  }

  /**
   * The canonical 44-byte header for 16-bit PCM. Streaming writers that do not yet know the length
   * may pass a placeholder {@code dataBytes}; {@link #decode} tolerates one that overruns the input.
   */
  public static byte[] header(int sampleRate, int channels, long dataBytes) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    }
    if (channels <= 0 || channels > 0xFFFF) {
      throw new IllegalArgumentException("channels must be between 1 and 65535: " + channels);
    }
    long riffSize = HEADER_BYTES - 8 + dataBytes;
    if (dataBytes < 0 || riffSize > MAX_UINT32) {
      throw new IllegalArgumentException("dataBytes does not fit a WAV header: " + dataBytes);
    }
    int blockAlign = channels * BYTES_PER_SAMPLE;
    long byteRate = (long) sampleRate * blockAlign;
    if (byteRate > MAX_UINT32 || blockAlign > 0xFFFF) {
      throw new IllegalArgumentException(
          "format too large for a WAV header: " + sampleRate + " Hz, " + channels + " channels");
    }

    byte[] header = new byte[HEADER_BYTES];
    putAscii(header, 0, "RIFF");
    putUint32(header, 4, riffSize);
    putAscii(header, 8, "WAVE");
    putAscii(header, 12, "fmt ");
    putUint32(header, 16, FMT_MIN_BYTES);
    putUint16(header, 20, FORMAT_PCM);
    putUint16(header, 22, channels);
    putUint32(header, 24, sampleRate);
    putUint32(header, 28, byteRate);
    putUint16(header, 32, blockAlign);
    putUint16(header, 34, BITS_PER_SAMPLE);
    putAscii(header, 36, "data");
    putUint32(header, 40, dataBytes);
    return header;
  }

  /**
   * Parses a RIFF/WAVE file holding 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE).
   *
   * <p>Writers that stream to a pipe cannot seek back to patch sizes: espeak-ng writes
   * 0x7ffff000 as the data size, others 0 or 0xFFFFFFFF. So the RIFF size is ignored, a data size
   * of 0 or one that runs past the input means "up to the end of the input", and the data is
   * trimmed to whole frames.
   *
   * @throws IllegalArgumentException if the input is not a 16-bit PCM WAV file
   */
  public static WavAudio decode(byte[] wav) {
    Located located = locate(wav, true, false);
    requirePcm16(located.format);
    return new WavAudio(located.format.sampleRate, located.format.channels, BITS_PER_SAMPLE, located.data());
  }

  /**
   * Where the audio of a 16-bit PCM WAV stream begins, read from the bytes that arrived so far
   * ({@link WavStreamReader}). {@code declaredDataBytes} is the data chunk's size as written: 0, or a placeholder
   * larger than the stream (espeak-ng's 0x7ffff000), when the writer could not know it.
   */
  public record StreamStart(int sampleRate, int channels, int dataOffset, long declaredDataBytes) {}

  /**
   * The start of the WAV stream whose first bytes are {@code prefix}, or empty while the prefix ends before its
   * data chunk begins.
   *
   * @throws IllegalArgumentException when the prefix already shows that this is not a 16-bit PCM WAV stream
   */
  public static Optional<StreamStart> streamStart(byte[] prefix) {
    Located located = locate(prefix, true, true);
    if (located == null) {
      return Optional.empty();
    }
    requirePcm16(located.format);
    return Optional.of(new StreamStart(located.format.sampleRate, located.format.channels, located.start,
        located.declared));
  }

  private static void requirePcm16(Format format) {
    if (format.tag != FORMAT_PCM) {
      throw new IllegalArgumentException(format.extensible
          ? "unsupported WAVE_FORMAT_EXTENSIBLE subformat 0x" + Integer.toHexString(format.tag)
              + ": only PCM (0x1) is supported"
          : "unsupported WAV format tag 0x" + Integer.toHexString(format.tag)
              + ": only PCM (0x1) and extensible PCM are supported");
    }
    if (format.bitsPerSample != BITS_PER_SAMPLE) {
      throw new IllegalArgumentException(
          "unsupported WAV sample size: " + format.bitsPerSample + " bits, only 16-bit is supported");
    }
  }

  /**
   * Parses a RIFF/WAVE file of 8-, 16-, 24- or 32-bit integer PCM or 32- or 64-bit float, plain or
   * WAVE_FORMAT_EXTENSIBLE, into float samples in [-1, 1]. With {@code exactLength}, a data chunk that
   * declares more bytes than the input holds is refused as truncated (an uploaded file must be whole);
   * without it, it reads like {@link #decode}'s streamed files.
   *
   * @throws IllegalArgumentException naming what is wrong when the input is not such a file
   */
  public static SampledAudio decodeSamples(byte[] wav, boolean exactLength) {
    Located located = locate(wav, !exactLength, false);
    Format format = located.format;
    boolean floating = format.tag == FORMAT_FLOAT;
    if (format.tag != FORMAT_PCM && !floating) {
      throw new IllegalArgumentException("unsupported WAV encoding 0x" + Integer.toHexString(format.tag)
          + ": only integer PCM (0x1) and IEEE float (0x3) are supported");
    }
    int bits = format.bitsPerSample;
    if (floating ? bits != 32 && bits != 64 : bits != 8 && bits != 16 && bits != 24 && bits != 32) {
      throw new IllegalArgumentException("unsupported WAV sample size: " + bits + "-bit "
          + (floating ? "float (32 or 64 are supported)" : "PCM (8, 16, 24 or 32 are supported)"));
    }
    byte[] data = located.data();
    int bytes = bits / 8;
    float[] samples = new float[data.length / bytes];
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < samples.length; i++) {
      int at = i * bytes;
      samples[i] = floating ? (bits == 32 ? buffer.getFloat(at) : (float) buffer.getDouble(at)) : switch (bits) {
        // 8-bit WAV is unsigned, centred on 128.
        case 8 -> ((data[at] & 0xFF) - 128) / 128f;
        case 16 -> buffer.getShort(at) / 32768f;
        case 24 -> ((data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8 | data[at + 2] << 16) / 8388608f;
        default -> (float) (buffer.getInt(at) / 2147483648.0);
      };
    }
    return new SampledAudio(format.sampleRate, format.channels,
        (floating ? "float" : "pcm") + bits, samples);
  }

  private record Format(int tag, boolean extensible, int sampleRate, int channels, int bitsPerSample) {}

  /** The data chunk: {@code length} bytes of it are in {@code wav} from {@code start}, {@code declared} its size field. */
  private record Located(Format format, byte[] wav, int start, int length, long declared) {
    byte[] data() {
      return Arrays.copyOfRange(wav, start, start + length);
    }
  }

  /** With {@code partial}, {@code wav} is the beginning of a stream: null where it ends before the data chunk. */
  private static Located locate(byte[] wav, boolean lenientLength, boolean partial) {
    Objects.requireNonNull(wav, "wav");
    if (partial && wav.length < 12) {
      return null;
    }
    if (wav.length < 12 || !hasAscii(wav, 0, "RIFF") || !hasAscii(wav, 8, "WAVE")) {
      throw new IllegalArgumentException("not a WAV file: missing RIFF/WAVE signature");
    }
    Format format = null;
    int offset = 12;
    while (offset <= wav.length - 8) {
      long chunkSize = uint32(wav, offset + 4);
      int bodyStart = offset + 8;
      long bytesLeft = wav.length - bodyStart;
      if (hasAscii(wav, offset, "fmt ")) {
        if (chunkSize > bytesLeft) {
          if (partial) {
            return null;
          }
          throw new IllegalArgumentException("truncated fmt chunk: declares " + chunkSize
              + " bytes but only " + bytesLeft + " remain");
        }
        format = parseFormat(wav, bodyStart, (int) chunkSize);
      } else if (hasAscii(wav, offset, "data")) {
        if (format == null) {
          throw new IllegalArgumentException("data chunk comes before the fmt chunk");
        }
        if (!lenientLength && chunkSize > bytesLeft) {
          throw new IllegalArgumentException("truncated WAV file: the data chunk declares " + chunkSize
              + " bytes but only " + bytesLeft + " remain");
        }
        long available = chunkSize == 0 || chunkSize > bytesLeft ? bytesLeft : chunkSize;
        int frameBytes = format.channels * Math.max(1, format.bitsPerSample / 8);
        int length = (int) (available - available % frameBytes);
        return new Located(format, wav, bodyStart, length, chunkSize);
      }
      // RIFF pads odd-sized chunks to an even length.
      long next = bodyStart + chunkSize + (chunkSize & 1);
      if (next > wav.length) {
        break;
      }
      offset = (int) next;
    }
    if (partial) {
      return null;
    }
    throw new IllegalArgumentException(
        format == null ? "no fmt chunk in WAV file" : "no data chunk in WAV file");
  }

  private static Format parseFormat(byte[] wav, int start, int size) {
    if (size < FMT_MIN_BYTES) {
      throw new IllegalArgumentException(
          "truncated fmt chunk: " + size + " bytes, need at least " + FMT_MIN_BYTES);
    }
    int formatTag = uint16(wav, start);
    boolean extensible = formatTag == FORMAT_EXTENSIBLE;
    if (extensible) {
      if (size < FMT_EXTENSIBLE_MIN_BYTES) {
        throw new IllegalArgumentException("truncated WAVE_FORMAT_EXTENSIBLE fmt chunk: " + size
            + " bytes, need " + FMT_EXTENSIBLE_MIN_BYTES);
      }
      // The subformat GUID begins with the plain format tag as a little-endian uint32.
      formatTag = (int) uint32(wav, start + SUBFORMAT_OFFSET);
    }
    int channels = uint16(wav, start + 2);
    long sampleRate = uint32(wav, start + 4);
    int bitsPerSample = uint16(wav, start + 14);
    if (channels == 0) {
      throw new IllegalArgumentException("invalid WAV fmt chunk: 0 channels");
    }
    if (sampleRate == 0 || sampleRate > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("invalid WAV sample rate: " + sampleRate);
    }
    return new Format(formatTag, extensible, (int) sampleRate, channels, bitsPerSample);
  }

  private static boolean hasAscii(byte[] bytes, int offset, String expected) {
    for (int i = 0; i < expected.length(); i++) {
      if (bytes[offset + i] != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int uint16(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
  }

  private static long uint32(byte[] bytes, int offset) {
    return uint16(bytes, offset) | (long) uint16(bytes, offset + 2) << 16;
  }

  private static void putAscii(byte[] bytes, int offset, String text) {
    byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, bytes, offset, ascii.length);
  }

  private static void putUint16(byte[] bytes, int offset, int value) {
    bytes[offset] = (byte) value;
    bytes[offset + 1] = (byte) (value >>> 8);
  }

  private static void putUint32(byte[] bytes, int offset, long value) {
    putUint16(bytes, offset, (int) (value & 0xFFFF));
    putUint16(bytes, offset + 2, (int) (value >>> 16));
  }
}
