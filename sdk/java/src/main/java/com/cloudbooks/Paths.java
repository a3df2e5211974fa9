package com.cloudbooks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

final class Paths {
    private Paths() {
    }

    /** An id as one path segment: whatever it holds, it cannot reach another path. */
    static String segment(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an id is required");
        }
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
