package com.cloudbooks.param;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** PUT /projects/{id}: organization (unchanged) and name are required. Immutable; made with {@link #builder()}. */
public final class ProjectReplaceParams {
    private final Map<String, Object> fields;

    private ProjectReplaceParams(Map<String, Object> fields) {
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
        return "ProjectReplaceParams" + fields;
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder organization(String organization) {
            fields.put("organization", java.util.Objects.requireNonNull(organization, "organization"));
            return this;
        }

        public Builder name(String name) {
            fields.put("name", java.util.Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder description(String description) {
            fields.put("description", java.util.Objects.requireNonNull(description, "description"));
            return this;
        }

        public ProjectReplaceParams build() {
            if (!fields.containsKey("organization")) {
                throw new IllegalStateException("ProjectReplaceParams needs organization");
            }
            if (!fields.containsKey("name")) {
                throw new IllegalStateException("ProjectReplaceParams needs name");
            }
            return new ProjectReplaceParams(fields);
        }
    }
}
