package com.cloudbooks.exception;

import java.util.List;
import java.util.Map;

/** 415 `unsupported_media_type`: the body's media type is not one the API reads. */
public class UnsupportedMediaTypeException extends ApiException {
    private static final long serialVersionUID = 1L;

    public UnsupportedMediaTypeException(String message, int status, String code, Map<String, Object> details, String requestId,
                 Map<String, List<String>> headers) {
        super(message, status, code, details, requestId, headers);
    }
}
