package com.cloudbooks.param;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /organizations: the page size (1-100, 20 by default). Immutable; made with {@link #builder()}. */
public final class OrganizationListParams {
    private final Map<String, Object> fields;

    private OrganizationListParams(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The query string, without {@code ?} ("" when empty). */
    public String toQueryString() {
        StringBuilder query = new StringBuilder();
        fields.forEach((name, value) -> {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(name).append('=')
                    .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
        });
        return query.toString();
    }

    @Override
    public String toString() {
        return "OrganizationListParams" + fields;
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder limit(int limit) {
            fields.put("limit", limit);
            return this;
        }

        public OrganizationListParams build() {
            return new OrganizationListParams(fields);
        }
    }
}
