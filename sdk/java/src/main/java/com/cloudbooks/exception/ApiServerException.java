package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 5xx: a failure on the server's side (`internal_error` 500, `bad_gateway` 502, `gateway_timeout` 504); retried automatically where that is safe. */
public class ApiServerException extends ApiException {
    private static final long serialVersionUID = 1L;

    public ApiServerException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
