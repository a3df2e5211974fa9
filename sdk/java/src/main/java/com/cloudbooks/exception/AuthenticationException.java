package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 401 `unauthorized`: the credential is missing, malformed, expired or revoked, or a login failed. */
public class AuthenticationException extends ApiException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
