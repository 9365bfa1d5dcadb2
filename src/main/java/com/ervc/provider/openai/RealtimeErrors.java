package com.ervc.provider.openai;

import com.ervc.provider.cloud.CloudError;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Realtime API's failures in the cloud providers' kinds: an {@code error} event, a {@code response.done} whose
 * status is {@code failed} (quota arrives there, not as an error event) or {@code incomplete}, and a closed socket.
 * A refused upgrade is an HTTP answer and goes through {@link CloudError#fromResponse}.
 */
final class RealtimeErrors {
  /** OpenAI's rate-limit messages end in "Please try again in 1.5s." (a Go duration). */
  private static final Pattern TRY_AGAIN = Pattern.compile("try again in (\\d[\\d.hms]*?)\\.?(?:\\s|$)");

  private RealtimeErrors() {
  }

  /** An {@code error} object ({@code type}, {@code code}, {@code message}) of an error event or a failed response. */
  static CloudError fromError(JsonObject error, List<String> secrets) {
    String type = lower(error.getString("type"));
    String code = error.getString("code");
    String lowerCode = lower(code);
    String message = CloudError.scrub(error.getString("message", ""), secrets);
    String providerCode = code != null ? code : error.getString("type");
    if (lowerCode.equals("insufficient_quota") || type.equals("insufficient_quota")) {
      return new CloudError(CloudError.Kind.QUOTA, 0, "insufficient_quota", -1, false, message);
    }
    if (lowerCode.equals("invalid_api_key") || type.equals("authentication_error") || type.equals("permission_error")
        || lowerCode.equals("model_not_found")) {
      return new CloudError(CloudError.Kind.AUTH, 0, providerCode, -1, false, message);
    }
    if (lowerCode.equals("rate_limit_exceeded") || type.equals("rate_limit_error") || type.equals("requests")
        || type.equals("tokens")) {
      return new CloudError(CloudError.Kind.RATE_LIMITED, 0, providerCode, retryAfterMs(message), false, message);
    }
    if (type.equals("server_error") || lowerCode.equals("conversation_already_has_active_response")
        || lowerCode.equals("session_expired")) {
      // A conflict of two responses or an expired session: another try (on another session) may well work.
      return new CloudError(CloudError.Kind.SERVER, 0, providerCode, -1, false,
          "failed with " + (providerCode == null ? "a server error" : providerCode));
    }
    return new CloudError(CloudError.Kind.INVALID_REQUEST, 0, providerCode, -1, false,
        message.isEmpty() ? String.valueOf(providerCode) : message);
  }

  /** A {@code response.done} that is neither completed nor cancelled. */
  static CloudError fromResponse(JsonObject response, List<String> secrets) {
    JsonObject details = response.getJsonObject("status_details", new JsonObject());
    JsonObject error = details.getJsonObject("error");
    if (error != null) {
      return fromError(error, secrets);
    }
    String reason = details.getString("reason", "no reason given");
    if ("content_filter".equals(reason)) {
      return new CloudError(CloudError.Kind.INVALID_REQUEST, 0, reason, -1, false, "the content filter stopped the response");
    }
    return CloudError.of(CloudError.Kind.SERVER, "response ended " + response.getString("status", "without a status")
        + " (" + reason + ")");
  }

  /** The socket closed while a response was running: its audio is cut short. */
  static CloudError closed(Short code, String reason, List<String> secrets) {
    String why = reason == null || reason.isBlank() ? "" : ": " + CloudError.scrub(reason, secrets);
    return CloudError.of(CloudError.Kind.SERVER, "audio stream broke off (session closed " + code + why + ")");
  }

  static long retryAfterMs(String message) {
    Matcher m = TRY_AGAIN.matcher(message);
    return m.find() ? CloudError.goDurationMs(m.group(1)) : -1;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
