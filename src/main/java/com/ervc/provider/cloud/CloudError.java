package com.ervc.provider.cloud;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cloud provider failure normalised into one set of kinds (docs/providers/README.md#failure-handling), whatever the
 * provider's own error shape. Messages never carry credentials: provider texts are only passed on for invalid
 * requests, and then with the configured secrets blanked out.
 */
public final class CloudError extends RuntimeException {
  public enum Kind {
    /** 401/403: the key is wrong or lacks permission. The provider is marked unavailable; no retry. */
    AUTH,
    /** Out of credit (ElevenLabs 401 quota_exceeded, OpenAI 429 insufficient_quota, 402): like AUTH. */
    QUOTA,
    /** 429: retryable after the provider's Retry-After or rate-limit reset. */
    RATE_LIMITED,
    /** 400/404/413/415/422: the request itself is wrong; the provider's message is passed on. */
    INVALID_REQUEST,
    /** 408/409/5xx or a broken connection: one retry, then fail over. */
    SERVER,
    /** A connect, first-byte, stall or total deadline passed: like SERVER. */
    TIMEOUT,
    /** The consumer of the audio went away; nothing to report to anyone. */
    CANCELLED
  }

  private static final int MAX_MESSAGE = 300;
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private final Kind kind;
  private final int status;
  private final String providerCode;
  private final long retryAfterMs;
  private final boolean retryForbidden;

  public CloudError(Kind kind, int status, String providerCode, long retryAfterMs, boolean retryForbidden, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.status = status;
    this.providerCode = providerCode;
    this.retryAfterMs = retryAfterMs;
    this.retryForbidden = retryForbidden;
  }

  public static CloudError of(Kind kind, String message) {
    return new CloudError(kind, 0, null, -1, false, message);
  }

  public Kind kind() {
    return kind;
  }

  public int status() {
    return status;
  }

  public String providerCode() {
    return providerCode;
  }

  /** The provider's requested wait in ms, or -1 when it named none. */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  public boolean retryable() {
    return !retryForbidden && (kind == Kind.RATE_LIMITED || kind == Kind.SERVER || kind == Kind.TIMEOUT);
  }

  /** Credentials or billing are broken: the provider must stop taking requests until it is fixed. */
  public boolean disablesProvider() {
    return kind == Kind.AUTH || kind == Kind.QUOTA;
  }

  /** The protocol error a client sees; {@code provider} names the provider in the text. */
  public SpeechException toSpeech(String provider) {
    ErrorCode code = switch (kind) {
      case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
      case INVALID_REQUEST -> ErrorCode.INVALID_REQUEST;
      default -> ErrorCode.PROVIDER_UNAVAILABLE;
    };
    return new SpeechException(code, "provider '" + provider + "' " + summary(), retryable());
  }

  /** What happened, for a client or a log: no key, no request body. */
  public String summary() {
    return switch (kind) {
      case AUTH -> "rejected the configured credentials (" + statusAndCode() + ")";
      case QUOTA -> "is out of quota (" + statusAndCode() + ")";
      case RATE_LIMITED -> "is rate limited" + (retryAfterMs >= 0 ? "; retry after " + retryAfterMs + " ms" : "");
      case INVALID_REQUEST -> "refused the request: " + getMessage();
      case SERVER, TIMEOUT -> getMessage();
      case CANCELLED -> "request was cancelled";
    };
  }

  private String statusAndCode() {
    if (status == 0) {
      return providerCode == null ? "no code" : providerCode;
    }
    return "HTTP " + status + (providerCode == null ? "" : " " + providerCode);
  }

  /**
   * Classifies a non-2xx answer. Reads the three providers' error shapes leniently (docs/providers/elevenlabs.md#errors-and-concurrency:
   * {@code detail} object, array or string; docs/providers/openai.md and docs/providers/azure.md#errors-and-limits: {@code error} object; empty or plain-text
   * bodies) and the wait hints of docs/providers/openai.md ({@code retry-after-ms}, {@code retry-after} in seconds or as an HTTP date,
   * {@code x-ratelimit-reset-*} Go durations, {@code x-should-retry}).
   */
  public static CloudError fromResponse(int status, MultiMap headers, Buffer body, List<String> secrets) {
    String[] codeAndMessage = readBody(body);
    String code = codeAndMessage[0];
    String message = scrub(codeAndMessage[1], secrets);
    String lowerCode = code == null ? "" : code.toLowerCase(Locale.ROOT);
    Kind kind;
    // Azure has no documented quota code (docs/providers/azure.md#errors-and-limits): a 403 that speaks of quota counts as one.
    boolean quotaText = status == 403 && message.toLowerCase(Locale.ROOT).contains("quota");
    if (lowerCode.equals("quota_exceeded") || lowerCode.equals("insufficient_quota") || status == 402 || quotaText) {
      kind = Kind.QUOTA;
    } else if (status == 401 || status == 403) {
      kind = Kind.AUTH;
    } else if (status == 429) {
      kind = Kind.RATE_LIMITED;
    } else if (status == 408 || status == 409 || status >= 500) {
      kind = Kind.SERVER;
    } else {
      kind = Kind.INVALID_REQUEST;
    }
    boolean forbidden = "false".equalsIgnoreCase(headers.get("x-should-retry"));
    String text = message.isEmpty() ? "HTTP " + status : message;
    if (kind == Kind.SERVER) {
      text = "failed with HTTP " + status + (code == null ? "" : " " + code);
    }
    return new CloudError(kind, status, code, retryAfterMs(headers), forbidden, text);
  }

  /** Blanks out every configured secret, so no provider echo of a key can reach a client or a log. */
  public static String scrub(String text, List<String> secrets) {
    String clean = text;
    for (String secret : secrets) {
      if (secret != null && secret.length() >= 4) {
        clean = clean.replace(secret, "***");
      }
    }
    return clean.length() > MAX_MESSAGE ? clean.substring(0, MAX_MESSAGE) + "…" : clean;
  }

  private static String[] readBody(Buffer body) {
    String raw = body == null ? "" : body.toString().trim();
    if (raw.startsWith("{")) {
      try {
        JsonObject json = new JsonObject(raw);
        Object detail = json.getValue("detail");
        if (detail instanceof JsonObject d) {
          return new String[] {firstString(d, "status", "code"), nonNull(firstString(d, "message", "msg"))};
        }
        if (detail instanceof JsonArray items) {
          return new String[] {null, validationMessages(items)};
        }
        if (detail instanceof String s) {
          return new String[] {null, s};
        }
        Object error = json.getValue("error");
        if (error instanceof JsonObject e) {
          return new String[] {firstString(e, "code", "type"), nonNull(e.getString("message"))};
        }
        if (error instanceof String s) {
          return new String[] {null, s};
        }
        return new String[] {null, nonNull(json.getString("message"))};
      } catch (DecodeException | ClassCastException e) {
        return new String[] {null, raw};
      }
    }
    return new String[] {null, raw};
  }

  /** FastAPI 422 details: "body.text: field required; …". */
  private static String validationMessages(JsonArray items) {
    StringBuilder text = new StringBuilder();
    for (Object item : items) {
      if (item instanceof JsonObject o) {
        if (!text.isEmpty()) {
          text.append("; ");
        }
        JsonArray loc = o.getJsonArray("loc");
        if (loc != null) {
          text.append(String.join(".", loc.stream().map(String::valueOf).toList())).append(": ");
        }
        text.append(nonNull(o.getString("msg")));
      }
    }
    return text.toString();
  }

  private static String firstString(JsonObject o, String first, String second) {
    Object a = o.getValue(first);
    if (a instanceof String s && !s.isBlank()) {
      return s;
    }
    Object b = o.getValue(second);
    return b instanceof String s && !s.isBlank() ? s : null;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  static long retryAfterMs(MultiMap headers) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        return Math.max(0, Math.round(Double.parseDouble(ms.trim())));
      } catch (NumberFormatException ignored) {
        // fall through to the other hints
      }
    }
    String after = headers.get("retry-after");
    if (after != null) {
      try {
        return Math.max(0, Math.round(Double.parseDouble(after.trim()) * 1000));
      } catch (NumberFormatException notSeconds) {
        try {
          long at = ZonedDateTime.parse(after.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
          return Math.max(0, at - System.currentTimeMillis());
        } catch (DateTimeParseException ignored) {
          // fall through
        }
      }
    }
    long reset = -1;
    for (String name : List.of("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")) {
      long value = goDurationMs(headers.get(name));
      if (value >= 0 && (reset < 0 || value < reset)) {
        reset = value;
      }
    }
    return reset;
  }

  /** "120ms", "1s", "6m0s", "1.5s": the Go durations of OpenAI's reset headers; -1 when absent or unreadable. */
  public static long goDurationMs(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    Matcher m = GO_DURATION.matcher(value.trim());
    double total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return -1;
      }
      double n = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> n * Duration.ofHours(1).toMillis();
        case "m" -> n * 60_000;
        case "s" -> n * 1000;
        default -> n;
      };
      end = m.end();
    }
    return end == value.trim().length() && end > 0 ? Math.round(total) : -1;
  }
}
