package com.cloudbooks.param;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** PATCH /organizations/{id}: the fields to change. Immutable; made with {@link #builder()}. */
public final class OrganizationUpdateParams {
    private final Map<String, Object> fields;

    private OrganizationUpdateParams(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The JSON body's fields: only those that were set. */
    public Map<String, Object> toMap() {
        return fields;
    }

    @Override
    public String toString() {
        return "OrganizationUpdateParams" + fields;
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder name(String name) {
            fields.put("name", java.util.Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder slug(String slug) {
            fields.put("slug", java.util.Objects.requireNonNull(slug, "slug"));
            return this;
        }

        public Builder description(String description) {
            fields.put("description", java.util.Objects.requireNonNull(description, "description"));
            return this;
        }

        public OrganizationUpdateParams build() {
            return new OrganizationUpdateParams(fields);
        }
    }
}
