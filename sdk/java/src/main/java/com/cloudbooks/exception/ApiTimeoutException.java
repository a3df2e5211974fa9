package com.cloudbooks.exception;

/** No answer within the request's timeout. */
public class ApiTimeoutException extends ApiConnectionException {
    private static final long serialVersionUID = 1L;

    public ApiTimeoutException(String message, Throwable cause) {
        super(message, "timeout", cause);
    }
}
