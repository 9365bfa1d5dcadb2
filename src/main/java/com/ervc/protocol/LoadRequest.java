package com.ervc.protocol;

/** Published on {@code tts.providers.load.request} by a new load listener: every instance reports its load now. */
public record LoadRequest() implements BusBody {
  public static final String TYPE = "load-request";

  @Override
  public Object body() {
    return null;
  }
}
