package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 403 `forbidden`: a read-only key on a write, or a role that does not allow it. */
public class PermissionDeniedException extends ApiException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
