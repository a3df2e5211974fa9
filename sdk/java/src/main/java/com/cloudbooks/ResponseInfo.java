package com.cloudbooks;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a successful call's answer said besides its body: status, request id, budget, headers. */
public record ResponseInfo(int status, String requestId, Optional<RateLimit> rateLimit,
                           Map<String, List<String>> headers) {

    /** A response header, by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(RateLimit.first(headers, name));
    }

    /** True when the server answered from its idempotency store ({@code Idempotent-Replayed: true}). */
    public boolean idempotentReplayed() {
        return header("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
    }
}
