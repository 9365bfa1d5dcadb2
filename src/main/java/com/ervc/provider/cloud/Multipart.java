package com.ervc.provider.cloud;

import io.vertx.core.buffer.Buffer;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A {@code multipart/form-data} body (RFC 7578) for the vendors' upload calls. Written here rather than with the
 * web client's form encoder because {@link CloudHttp} sends a whole {@link Buffer}, which it can send again when the
 * policy retries; the fakes in the tests decode it with Netty's independent decoder.
 */
public final class Multipart {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String boundary;
  private final Buffer body = Buffer.buffer();

  public Multipart() {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    boundary = "ervc-" + HexFormat.of().formatHex(random);
  }

  /** A text field. */
  public Multipart field(String name, String value) {
    header(name, null, null);
    body.appendString(value, "UTF-8").appendString("\r\n");
    return this;
  }

  /** A file part; several parts may share a name (a repeated field). */
  public Multipart file(String name, String filename, String contentType, byte[] data) {
    header(name, filename, contentType);
    body.appendBytes(data).appendString("\r\n");
    return this;
  }

  private void header(String name, String filename, String contentType) {
    body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"");
    if (filename != null) {
      body.appendString("; filename=\"" + quoted(filename) + "\"");
    }
    body.appendString("\r\n");
    if (contentType != null) {
      body.appendString("Content-Type: " + contentType + "\r\n");
    }
    body.appendString("\r\n");
  }

  /** RFC 7578 section 2 / the HTML form encoding: a quote, CR and LF in a name are percent-encoded. */
  private static String quoted(String text) {
    return text.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The whole body, closing delimiter included. */
  public Buffer body() {
    return body.copy().appendString("--" + boundary + "--\r\n");
  }
}
