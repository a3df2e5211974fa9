package com.cloudbooks.exception;

import java.util.Map;
import java.util.Optional;

/**
 * Every failure the SDK raises for a call: catch this to catch them all.
 *
 * <p>An answer from the server is an {@link ApiException} (with {@code status()} and
 * {@code requestId()}), one subclass per error code of the envelope; no answer at all is an
 * {@link ApiConnectionException}.
 */
public abstract class CloudBooksException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient Map<String, Object> details;

    protected CloudBooksException(String message, String code, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = details == null ? Map.of() : details;
    }

    /** The envelope's stable code ({@code "not_found"}, …), or {@code "connection_error"}. */
    public String code() {
        return code;
    }

    /** The envelope's {@code details} object (empty when there is nothing to add). Unmodifiable. */
    public Map<String, Object> details() {
        return details;
    }

    /** The invalid field a validation error names ({@code details.field}), if any. */
    public Optional<String> field() {
        Object value = details.get("field");
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    /** What is wrong with that field ({@code details.issue}), if any. */
    public Optional<String> issue() {
        Object value = details.get("issue");
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }
}
