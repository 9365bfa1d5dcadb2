package com.ervc.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * A WebSocket spoken by hand over a plain socket: for what a client library never sends (malformed frames,
 * dropped connections), and for handshakes the server closes at once (a library may fail before it reports the
 * close code).
 */
public final class RawWebSocket {
  private RawWebSocket() {
  }

  /** Opens {@code /ws?token=...}; returns the socket positioned after the 101 answer. */
  public static Socket open(int port, String token) throws IOException {
    return open(port, token, 0);
  }

  /**
   * As {@link #open(int, String)} with a receive buffer of {@code receiveBufferBytes} (0: the system's), so that a
   * client that stops reading soon leaves the server's writes waiting.
   */
  public static Socket open(int port, String token, int receiveBufferBytes) throws IOException {
    Socket socket = new Socket();
    try {
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes); // before connecting: it sets the TCP window offered
      }
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String key = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 16)
          .getBytes(StandardCharsets.US_ASCII));
      out.write(("GET /ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(socket.getInputStream());
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new IllegalStateException("upgrade refused: " + head);
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The close code the server ends a new connection with (frames before the close are skipped). */
  public static int closeCode(int port, String token) throws IOException {
    try (Socket socket = open(port, token)) {
      InputStream in = socket.getInputStream();
      while (true) {
        byte[][] frame = readFrame(in);
        if (frame[0][0] == 0x8) {
          return ((frame[1][0] & 0xFF) << 8) | (frame[1][1] & 0xFF);
        }
      }
    }
  }

  /** Reads the HTTP response head up to the blank line, so the next bytes are WebSocket frames. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  /**
   * Reads one unmasked, unfragmented, uncompressed server frame: {opcode}, payload. Anything else fails loudly
   * rather than being mis-read: this client offers no extension, and the server sends each message in one frame.
   */
  public static byte[][] readFrame(InputStream in) throws IOException {
    int first = in.read();
    int second = in.read();
    if (first < 0 || second < 0) {
      throw new IOException("connection closed without a close frame");
    }
    if ((first & 0x80) == 0 || (first & 0x0F) == 0x0) {
      throw new IllegalStateException("a fragmented message (first byte 0x" + Integer.toHexString(first) + ")");
    }
    if ((first & 0x70) != 0 || (second & 0x80) != 0) {
      throw new IllegalStateException("reserved bits or a mask in a server frame: 0x" + Integer.toHexString(first)
          + " 0x" + Integer.toHexString(second));
    }
    long length = second & 0x7F;
    if (length == 126) {
      length = new DataInputStream(in).readUnsignedShort();
    } else if (length == 127) {
      length = new DataInputStream(in).readLong();
    }
    if (length > 16 << 20) { // the server's frames are kilobytes; a bad length must not allocate gigabytes
      throw new IllegalStateException("a frame of " + length + " bytes");
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length != length) {
      throw new IOException("connection closed inside a frame");
    }
    return new byte[][] {{(byte) (first & 0x0F)}, payload};
  }

  /** A masked (client-to-server) text frame carrying these bytes, valid UTF-8 or not. */
  public static byte[] maskedTextFrame(byte[] payload) {
    byte[] mask = {1, 2, 3, 4};
    int headerLength = payload.length < 126 ? 2 : 4;
    byte[] frame = new byte[headerLength + 4 + payload.length];
    frame[0] = (byte) 0x81;
    if (payload.length < 126) {
      frame[1] = (byte) (0x80 | payload.length);
    } else {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (payload.length >> 8);
      frame[3] = (byte) payload.length;
    }
    System.arraycopy(mask, 0, frame, headerLength, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[headerLength + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }
}
