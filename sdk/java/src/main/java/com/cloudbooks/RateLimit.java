package com.cloudbooks;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The caller's hourly budget after a response of a metered plan: the {@code X-RateLimit-*}
 * headers. Unlimited plans send none, so the SDK has none ({@code Optional.empty()}).
 */
public record RateLimit(int limit, int remaining, Instant reset) {

    /** The state the headers describe, or empty when they are absent or malformed. */
    public static Optional<RateLimit> fromHeaders(Map<String, List<String>> headers) {
        try {
            String limit = first(headers, "X-RateLimit-Limit");
            String remaining = first(headers, "X-RateLimit-Remaining");
            String reset = first(headers, "X-RateLimit-Reset");
            if (limit == null || remaining == null || reset == null) {
                return Optional.empty();
            }
            return Optional.of(new RateLimit(Integer.parseInt(limit.trim()), Integer.parseInt(remaining.trim()),
                    Instant.ofEpochSecond(Long.parseLong(reset.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code Retry-After}: delta-seconds or an HTTP date. */
    public static Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.trim();
        try {
            double seconds = Double.parseDouble(text);
            return Optional.of(Duration.ofMillis((long) Math.max(0, seconds * 1000)));
        } catch (NumberFormatException notANumber) {
            try {
                Instant when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), when);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }
}
