package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * The credential of a call, as {@code auth().whoami()} describes it: an {@link AccessToken} of
 * a login or an {@link ApiKey}. Tell them apart with {@code instanceof} (or a switch on Java 21).
 */
public sealed interface Credential permits Credential.AccessToken, Credential.ApiKey {
    /** The API key's id, or the login's (token family's) id. */
    String id();

    Scope scope();

    Instant createdAt();

    Optional<Instant> expiresAt();

    /** A login's access token (always {@code READ_WRITE}); {@code expiresAt} is this token's expiry. */
    record AccessToken(String id, Scope scope, Instant createdAt, Optional<Instant> expiresAt) implements Credential {
    }

    /** An API key: its name, display prefix and when it was last used. */
    record ApiKey(String id, Scope scope, Instant createdAt, Optional<Instant> expiresAt, String name, String prefix,
                  Optional<Instant> lastUsedAt) implements Credential {
    }

    static Credential fromJson(JsonNode node) {
        String id = Json.text(node, "id");
        Scope scope = Scope.fromValue(Json.text(node, "scope"));
        Instant createdAt = Json.instant(node, "created_at");
        Optional<Instant> expiresAt = Json.optInstant(node, "expires_at");
        if ("api_key".equals(Json.text(node, "type"))) {
            return new ApiKey(id, scope, createdAt, expiresAt, Json.text(node, "name"), Json.text(node, "prefix"),
                    Json.optInstant(node, "last_used_at"));
        }
        return new AccessToken(id, scope, createdAt, expiresAt);
    }
}
