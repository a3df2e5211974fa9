package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 400 or 422 `invalid_request`: a field is missing or invalid (see {@link #field()} and {@link #issue()}), or an Idempotency-Key was reused with another request. */
public class InvalidRequestException extends ApiException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
