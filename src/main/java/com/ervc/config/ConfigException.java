package com.ervc.config;

/** A configuration problem, phrased as the one line an operator needs to fix it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
