package com.ervc.eval;

import io.vertx.core.json.JsonObject;

/** JSON has no NaN or infinity: missing measures (silence has no level, unvoiced audio no pitch) are null. */
final class JsonNumbers {
  private JsonNumbers() {
  }

  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static double number(JsonObject j, String key) {
    Double v = j.getDouble(key);
    return v == null ? Double.NaN : v;
  }
}
