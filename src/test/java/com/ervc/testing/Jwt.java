package com.ervc.testing;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Hand-made JWTs, so tests can also build the malformed and hostile ones no library would sign. */
public final class Jwt {
  private Jwt() {
  }

  public static String sign(String alg, JsonObject claims, String secret) {
    String header = b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode());
    String payload = b64(claims.encode());
    if ("none".equals(alg)) {
      return header + "." + payload + ".";
    }
    String macAlg = switch (alg) {
      case "HS256" -> "HmacSHA256";
      case "HS512" -> "HmacSHA512";
      default -> throw new IllegalArgumentException(alg);
    };
    try {
      Mac mac = Mac.getInstance(macAlg);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlg));
      byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8));
      return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims the service accepts: subject, service, type, iat and exp (seconds from now). */
  public static JsonObject claims(String subject, String type, long expiresInSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", subject).put("service", "voice-chat").put("type", type)
        .put("iat", now).put("exp", now + expiresInSeconds);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
