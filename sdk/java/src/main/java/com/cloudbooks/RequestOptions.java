package com.cloudbooks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-request settings, the last argument of every method:
 * {@code cb.projects().get(id, RequestOptions.builder().timeout(Duration.ofSeconds(5)).build())}.
 */
public final class RequestOptions {
    private static final RequestOptions NONE = builder().build();

    private final Duration timeout;
    private final Integer maxRetries;
    private final String idempotencyKey;
    private final boolean idempotencyKeyDisabled;
    private final Map<String, String> headers;

    private RequestOptions(Builder builder) {
        this.timeout = builder.timeout;
        this.maxRetries = builder.maxRetries;
        this.idempotencyKey = builder.idempotencyKey;
        this.idempotencyKeyDisabled = builder.idempotencyKeyDisabled;
        this.headers = Map.copyOf(builder.headers);
    }

    public static RequestOptions none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    public OptionalInt maxRetries() {
        return maxRetries == null ? OptionalInt.empty() : OptionalInt.of(maxRetries);
    }

    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    public boolean idempotencyKeyDisabled() {
        return idempotencyKeyDisabled;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static final class Builder {
        private Duration timeout;
        private Integer maxRetries;
        private String idempotencyKey;
        private boolean idempotencyKeyDisabled;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        /** How long this request may take, each attempt (the client's timeout otherwise). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Retries for this request (the client's otherwise); 0 turns them off. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be 0 or more");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The {@code Idempotency-Key} of this POST, instead of a generated one. */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /**
         * Send this POST without an {@code Idempotency-Key}. It is then never retried: the
         * server could not tell a retry from a second request.
         */
        public Builder withoutIdempotencyKey() {
            this.idempotencyKeyDisabled = true;
            return this;
        }

        /** An extra header (e.g. {@code X-Request-Id}); it may override {@code Content-Type}. */
        public Builder header(String name, String value) {
            this.headers.put(name, value);
            return this;
        }

        public RequestOptions build() {
            return new RequestOptions(this);
        }
    }
}
