package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 409 `conflict`: the request contradicts the current state (the last owner leaving, an idempotent request still running). */
public class ConflictException extends ApiException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
