package com.cloudbooks.param;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** PATCH /organizations/{id}/members/{user_id}: the new role. Immutable; made with {@link #builder()}. */
public final class MemberUpdateParams {
    private final Map<String, Object> fields;

    private MemberUpdateParams(Map<String, Object> fields) {
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
        return "MemberUpdateParams" + fields;
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder role(com.cloudbooks.model.Role role) {
            fields.put("role", role.value());
            return this;
        }

        public MemberUpdateParams build() {
            if (!fields.containsKey("role")) {
                throw new IllegalStateException("MemberUpdateParams needs role");
            }
            return new MemberUpdateParams(fields);
        }
    }
}
