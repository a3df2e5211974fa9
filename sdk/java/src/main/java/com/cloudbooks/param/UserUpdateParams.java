package com.cloudbooks.param;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** PATCH /users/me: the fields to change; a new password needs the current one. Immutable; made with {@link #builder()}. */
public final class UserUpdateParams {
    private final Map<String, Object> fields;

    private UserUpdateParams(Map<String, Object> fields) {
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
        return "UserUpdateParams" + fields;
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder name(String name) {
            fields.put("name", java.util.Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder email(String email) {
            fields.put("email", java.util.Objects.requireNonNull(email, "email"));
            return this;
        }

        public Builder password(String password) {
            fields.put("password", java.util.Objects.requireNonNull(password, "password"));
            return this;
        }

        public Builder currentPassword(String currentPassword) {
            fields.put("current_password", java.util.Objects.requireNonNull(currentPassword, "currentPassword"));
            return this;
        }

        public UserUpdateParams build() {
            return new UserUpdateParams(fields);
        }
    }
}
