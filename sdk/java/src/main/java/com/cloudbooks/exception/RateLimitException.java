package com.cloudbooks.exception;

import com.cloudbooks.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * 429 {@code rate_limit_exceeded}: the plan's hourly budget, or a login limit, is used up.
 * {@link #retryAfter()} is how long the server asked to wait.
 */
public class RateLimitException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;
    private final transient RateLimit state;

    public RateLimitException(String message, int status, String code, Map<String, Object> details,
                              String requestId, Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
        this.retryAfter = header("Retry-After").flatMap(RateLimit::parseRetryAfter).orElse(null);
        this.state = RateLimit.fromHeaders(headers).orElse(null);
    }

    /** The server's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Requests allowed per hour (from {@code X-RateLimit-Limit}, else {@code details.limit}). */
    public OptionalInt limit() {
        if (state != null) {
            return OptionalInt.of(state.limit());
        }
        Object limit = details().get("limit");
        return limit instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
    }

    /** Requests left this hour (0 once the budget is spent). */
    public OptionalInt remaining() {
        return state != null ? OptionalInt.of(state.remaining()) : OptionalInt.empty();
    }

    /** When the budget renews (from {@code X-RateLimit-Reset}, else {@code details.reset}). */
    public Optional<Instant> reset() {
        if (state != null) {
            return Optional.of(state.reset());
        }
        Object reset = details().get("reset");
        return reset instanceof Number n ? Optional.of(Instant.ofEpochSecond(n.longValue())) : Optional.empty();
    }
}
