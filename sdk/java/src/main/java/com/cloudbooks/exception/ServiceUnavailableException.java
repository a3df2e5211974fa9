package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 503 {@code service_unavailable}: the service is briefly unavailable; a refused write was not made. */
public class ServiceUnavailableException extends ApiServerException {
    private static final long serialVersionUID = 1L;

    public ServiceUnavailableException(String message, int status, String code, Map<String, Object> details,
                                       String requestId, Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
