package com.ervc.config;

/** Base URLs of vendor APIs are stored without trailing slashes, so every caller can append {@code /path} as is. */
final class BaseUrls {
  private BaseUrls() {
  }

  /** {@code url} without trailing slashes; null stays null. */
  static String trimmed(String url) {
    return url == null ? null : url.replaceAll("/+$", "");
  }
}
