package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 404 `not_found`: no such object, or one the caller may not know exists. */
public class NotFoundException extends ApiException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
