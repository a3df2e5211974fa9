package com.cloudbooks.model;

/** What a credential may do. */
public enum Scope {
    READ_WRITE, READ_ONLY, UNKNOWN;

    public static Scope fromValue(String value) {
        return switch (value) {
            case "read_write" -> READ_WRITE;
            case "read_only" -> READ_ONLY;
            default -> UNKNOWN;
        };
    }
}
