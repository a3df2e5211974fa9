package com.cloudbooks.model;

import java.util.Locale;

/** A member's role in an organization. {@code UNKNOWN} stands for a role newer than this SDK. */
public enum Role {
    OWNER, ADMIN, MEMBER, UNKNOWN;

    /** The API's spelling: {@code "owner"}, {@code "admin"}, {@code "member"}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromValue(String value) {
        for (Role role : values()) {
            if (role != UNKNOWN && role.value().equals(value)) {
                return role;
            }
        }
        return UNKNOWN;
    }
}
