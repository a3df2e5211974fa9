package com.cloudbooks.exception;

import java.util.Map;

/** No answer: the server could not be reached, the connection broke, or (subclass) it timed out. */
public class ApiConnectionException extends CloudBooksException {
    private static final long serialVersionUID = 1L;

    public ApiConnectionException(String message, Throwable cause) {
        this(message, "connection_error", cause);
    }

    protected ApiConnectionException(String message, String code, Throwable cause) {
        super(message, code, Map.of(), cause);
    }
}
