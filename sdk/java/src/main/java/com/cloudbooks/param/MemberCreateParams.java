package com.cloudbooks.param;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /organizations/{id}/members: an existing user, by email; the role is member unless given. Immutable; made with {@link #builder()}. */
public final class MemberCreateParams {
    private final Map<String, Object> fields;

    private MemberCreateParams(Map<String, Object> fields) {
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
        return "MemberCreateParams" + fields;
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder email(String email) {
            fields.put("email", java.util.Objects.requireNonNull(email, "email"));
            return this;
        }

        public Builder role(com.cloudbooks.model.Role role) {
            fields.put("role", role.value());
            return this;
        }

        public MemberCreateParams build() {
            if (!fields.containsKey("email")) {
                throw new IllegalStateException("MemberCreateParams needs email");
            }
            return new MemberCreateParams(fields);
        }
    }
}
