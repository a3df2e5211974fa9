package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A user's membership of an organization; {@code createdAt} is when they joined. */
public record Member(PublicUser user, Role role, Instant createdAt, Instant updatedAt) {
    public static Member fromJson(JsonNode node) {
        return new Member(PublicUser.fromJson(node.path("user")), Role.fromValue(Json.text(node, "role")),
                Json.instant(node, "created_at"), Json.instant(node, "updated_at"));
    }
}
