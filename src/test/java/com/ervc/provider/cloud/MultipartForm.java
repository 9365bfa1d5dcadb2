package com.ervc.provider.cloud;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code multipart/form-data} body as the fakes see it, decoded with Netty's decoder (not the client's encoder),
 * so a malformed body fails here as it would at the vendor.
 */
public record MultipartForm(Map<String, List<String>> fields, List<Part> files) {
  /** One file part. */
  public record Part(String name, String filename, String contentType, byte[] data) {
  }

  /** The decoded form, or null when the content type is not multipart/form-data or the body does not parse. */
  public static MultipartForm parse(String contentType, Buffer body) {
    if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")
        || !contentType.contains("boundary=")) {
      return null;
    }
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
        Unpooled.wrappedBuffer(body.getBytes()));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpPostMultipartRequestDecoder decoder = null;
    try {
      decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), request);
      Map<String, List<String>> fields = new LinkedHashMap<>();
      List<Part> files = new ArrayList<>();
      for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
        if (data instanceof FileUpload upload) {
          files.add(new Part(upload.getName(), upload.getFilename(), upload.getContentType(), upload.get()));
        } else if (data instanceof Attribute attribute) {
          fields.computeIfAbsent(attribute.getName(), k -> new ArrayList<>()).add(attribute.getValue());
        }
      }
      return new MultipartForm(fields, files);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException malformed) {
      return null;
    } finally {
      if (decoder != null) {
        decoder.destroy();
      }
      request.release();
    }
  }

  /** The one value of a text field, or null when it is absent. */
  public String field(String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public List<Part> files(String name) {
    return files.stream().filter(f -> f.name().equals(name)).toList();
  }
}
