package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 413 `payload_too_large`: the body is larger than the server accepts. */
public class PayloadTooLargeException extends ApiException {
    private static final long serialVersionUID = 1L;

    public PayloadTooLargeException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
