package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server answered with an error status. Known statuses have their own subclass; this
 * class itself stands for the others (a 405, an unexpected 3xx, …).
 */
public class ApiException extends CloudBooksException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String requestId;
    private final transient Map<String, List<String>> headers;

    public ApiException(String message, int status, String code, Map<String, Object> details,
                        String requestId, Map<String, List<String>> headers) {
        super(message, code, details, null);
        this.status = status;
        this.requestId = requestId == null ? "" : requestId;
        this.headers = headers == null ? Map.of() : headers;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The request id of the envelope (the same as the answer's {@code X-Request-Id}); quote it to support. */
    public String requestId() {
        return requestId;
    }

    /** A response header, by case-insensitive name. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return Optional.of(entry.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    protected Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + getMessage() + " (status " + status + ", code " + code()
                + ", request id " + requestId + ")";
    }
}
